import ArgumentParser
import LetterlagKit

extension LetterlagCommand {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a run with an earlier one per trust × letter type and nationally, flagging changes beyond chance.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("run"), help: "The later run (default: the latest).") var runID: Int64?
        @Option(help: "The earlier run (default: the one before --run).") var against: Int64?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Flag(help: "Apply NHS disclosure control for publication (national rows are not suppressed).") var publish = false

        func run() throws {
            let store = try SummaryStore(path: database.path)
            print(try RunComparison(store: store, run: runID, against: against).render(format, publish: publish), terminator: "")
        }
    }
}
