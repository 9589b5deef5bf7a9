import ArgumentParser
import LetterlagKit

extension LetterlagCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a realistic canonical v1 extract (gzip when FILE ends in .gz).")

        @Option(help: "Number of letters.") var rows: Int
        @Option(help: "Number of trusts.") var trusts = 20
        @Option(help: "Random seed; the same seed gives the same file.") var seed: UInt64 = 1
        @Option(help: "First event day, YYYY-MM-DD.") var start = "2024-01-01"
        @Option(help: "Days of events.") var days = 365
        @Option(help: "Sends and receipts after this time are left blank (default: midnight after the last day).") var asOf: String?
        @Option(help: "Percentage of letters that go to a practice anywhere in England, not one near their trust.")
        var anywhere = ExtractGenerator.defaultAnywherePercent
        @Option(name: .shortAndLong, help: "Output file.") var output: String

        func validate() throws {
            guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
            guard trusts >= 1 && trusts <= 20_000 else { throw ValidationError("--trusts must be from 1 to 20000") }
            guard days >= 1 else { throw ValidationError("--days must be at least 1") }
            guard anywhere >= 0 && anywhere <= 100 else { throw ValidationError("--anywhere is a percentage from 0 to 100") }
            guard CivilDate.parse(isoDate: start) != nil else { throw ValidationError("--start must be YYYY-MM-DD") }
        }

        func run() throws {
            var options = ExtractGenerator.Options(rows: rows)
            options.trusts = trusts
            options.seed = seed
            options.startDay = CivilDate.parse(isoDate: start)!
            options.days = days
            options.anywherePercent = anywhere
            options.asOf = try asOf.map(Timestamps.parseArgument)
            try ExtractGenerator(options: options).write(to: output)
            print("wrote \(rows) letters from \(trusts) trusts to \(output)")
        }
    }
}
