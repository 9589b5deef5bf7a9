import ArgumentParser
import LetterlagKit

extension TrendPeriod: ExpressibleByArgument {}

extension LetterType: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public var defaultValueDescription: String { name }
    public static var allValueStrings: [String] { allCases.map(\.name) }
    public static var allValueDescriptions: [String: String] {
        [LetterType.dischargeSummary.name: "after an inpatient stay", LetterType.aeDischarge.name: "after an A&E visit",
         LetterType.clinicLetter.name: "after an outpatient appointment", LetterType.dnaNotification.name: "after a missed appointment"]
    }
}

extension LetterlagCommand {
    struct Trend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per trust × letter type × week, month or quarter, from the history across runs (or one run's weeks with --run).")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("run"), help: "Run id: that run's own weeks (default: the history across runs).") var runID: Int64?
        @Flag(help: "Apply NHS disclosure control for publication.") var publish = false
        @Option(help: "Only this trust code.") var trust: String?
        @Option(help: "Only this letter type.") var type: LetterType?
        @Option(help: "The period weeks are grouped into (default: week).") var by: TrendPeriod?
        @Option(help: "The output format.") var format: OutputFormat = .table
        @Option(help: "A GP practice's trend by month instead, from the history: its (all) row and each trust named for it.") var practice: String?

        func validate() throws {
            guard let practice else { return }
            try PracticeArgument.check(practice)
            if runID != nil || (by ?? .month) != .month {
                throw ValidationError("--practice reads the practice's months from the history across runs; leave out --run, and --by or give --by month")
            }
        }

        func run() throws {
            let store = try SummaryStore(readingOnly: database.path)
            let sink = OutputSink.standardOutput()
            if let practice {
                _ = try store.reader.run(nil)
                try TrendRenderer(practiceHistory: store.reader, practice: practice, trust: trust, type: type, publish: publish)
                    .write(format, to: sink)
                try sink.close()
                return
            }
            if let id = runID {
                try TrendRenderer(store.reader, run: try store.reader.run(id), trust: trust, type: type, by: by ?? .week, publish: publish)
                    .write(format, to: sink)
            } else {
                _ = try store.reader.run(nil)
                try TrendRenderer(history: store.reader, trust: trust, type: type, by: by ?? .week, publish: publish)
                    .write(format, to: sink)
            }
            try sink.close()
        }
    }
}
