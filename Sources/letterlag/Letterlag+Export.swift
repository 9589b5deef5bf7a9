import ArgumentParser
import LetterlagKit

extension LetterlagCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write tidy CSV files (runs, whole-run summary, weekly trend) and a data dictionary.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: RunOptions
        @Option(name: .shortAndLong, help: "Folder to write into.") var output: String

        func run() throws {
            let store = try SummaryStore(readingOnly: database.path)
            for path in try Exporter(store.reader, publish: selection.publish).export(run: selection.runID, to: output) { print(path) }
        }
    }
}
