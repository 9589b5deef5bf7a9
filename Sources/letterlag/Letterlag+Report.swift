import ArgumentParser
import LetterlagKit

extension OutputFormat: ExpressibleByArgument {}

extension LetterlagCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per trust × letter type for a run (the latest by default).")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("run"), help: "Run id (default: the latest run).") var runID: Int64?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Flag(help: "Apply NHS disclosure control for publication.") var publish = false

        func run() throws {
            let store = try SummaryStore(path: database.path)
            let chosen = try store.run(runID)
            print(ReportRenderer(run: chosen, rows: try store.summary(run: chosen.id), publish: publish).render(format), terminator: "")
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per stored run.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let store = try SummaryStore(path: database.path)
            print(RunsRenderer(runs: try store.runs()).render(format), terminator: "")
        }
    }
}
