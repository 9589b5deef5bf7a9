import ArgumentParser
import LetterlagKit

extension LetterlagCommand {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a run with an earlier one per trust × letter type and nationally, flagging changes beyond chance.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: RunOptions
        @Option(help: "The earlier run (default: the one before --run).") var against: Int64?
        @Option(help: "The output format.") var format: OutputFormat = .table

        func run() throws {
            let store = try SummaryStore(readingOnly: database.path)
            let sink = OutputSink.standardOutput()
            try RunComparison(store.reader, run: selection.runID, against: against, publish: selection.publish).write(format, to: sink)
            try sink.close()
        }
    }
}
