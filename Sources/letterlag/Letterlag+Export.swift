import ArgumentParser
import LetterlagKit

extension LetterlagCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write tidy CSV files (runs, whole-run summary, weekly trend) and a data dictionary.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("run"), help: "Run id (default: the latest run).") var runID: Int64?
        @Option(name: .shortAndLong, help: "Folder to write into.") var output: String
        @Flag(help: "Apply NHS disclosure control for publication.") var publish = false

        func run() throws {
            let store = try SummaryStore(path: database.path)
            for path in try Exporter(store: store, publish: publish).export(run: runID, to: output) { print(path) }
        }
    }
}
