import ArgumentParser
import LetterlagKit

extension TrendPeriod: ExpressibleByArgument {}

extension LetterlagCommand {
    struct Trend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per trust × letter type × week, month or quarter, re-aggregated from the stored weeks.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: RunOptions
        @Option(help: "Only this trust code.") var trust: String?
        @Option(help: "Only this letter type.") var type: String?
        @Option(help: "week, month or quarter.") var by: TrendPeriod = .week
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws {
            if let type, LetterType(name: type) == nil {
                throw ValidationError("--type must be one of \(LetterType.allCases.map(\.name).joined(separator: ", "))")
            }
        }

        func run() throws {
            let store = try SummaryStore(path: database.path)
            let chosen = try store.run(selection.runID)
            let cells = try store.weeklyCells(run: chosen.id, trust: trust, type: type.flatMap(LetterType.init(name:)))
            let rows = TrendBuilder.build(cells, by: by)
            print(TrendRenderer(rows: rows, period: by, publish: selection.publish).render(format), terminator: "")
        }
    }
}
