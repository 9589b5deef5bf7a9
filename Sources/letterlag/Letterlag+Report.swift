import ArgumentParser
import Foundation
import LetterlagKit

extension OutputFormat: ExpressibleByArgument {}
extension Breakdown: ExpressibleByArgument {}

/// A practice code given on the command line, checked before it is used or printed.
enum PracticeArgument {
    static func check(_ code: String) throws {
        if !CodeShape.isPractice(code) { throw ValidationError("--practice takes an ODS practice code: \(CodeShape.practiceShape)") }
    }
}

/// The report's formats: the common three, and a self-contained HTML page.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json, html
}

extension LetterlagCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per trust × letter type for a run (the latest by default).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: RunOptions
        @Option(help: "The output format.") var format: ReportFormat = .table
        @Option(name: .shortAndLong, help: "Write to this file (required for html).") var output: String?
        @Option(help: "A compliance target in percent for the HTML report's SPC assurance icons.") var spcTarget: Double?
        @Option(help: "One row per trust × letter type × specialty, channel or receiving practice.") var by: Breakdown?
        @Option(help: "Only this GP practice's letters, from every trust (a letter then 5 digits, such as A81001).") var practice: String?

        func validate() throws {
            if format == .html && output == nil { throw ValidationError("--format html needs --output FILE") }
            if let practice { try PracticeArgument.check(practice) }
            if practice != nil && by != nil && by != .practice { throw ValidationError("--practice shows practices; leave out --by or give --by practice") }
            if format == .html && (by != nil || practice != nil) { throw ValidationError("--by and --practice write csv, json or table, not html") }
            if format != .html && spcTarget != nil { throw ValidationError("--spc-target sets the HTML report's assurance icons; give it with --format html") }
        }

        func run() throws {
            let store = try SummaryStore(readingOnly: database.path)
            let chosen = try store.reader.run(selection.runID)
            let sink = try output.map(OutputSink.init(path:)) ?? .standardOutput()
            if let breakdown = by ?? (practice == nil ? nil : .practice), let format = OutputFormat(rawValue: format.rawValue) {
                try BreakdownRenderer(store.reader, run: chosen, by: breakdown, practice: practice, publish: selection.publish)
                    .write(format, to: sink)
            } else if let format = OutputFormat(rawValue: format.rawValue) {
                try ReportRenderer(run: chosen, rows: try store.reader.summary(run: chosen.id), publish: selection.publish).write(format, to: sink)
            } else {
                // The charts follow the history across runs, unless one run was asked for.
                try HTMLReport(store.reader, run: chosen, source: selection.runID == nil ? .history : .run(chosen.id),
                               publish: selection.publish, spcTarget: spcTarget).write(to: sink)
            }
            try sink.close()
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per stored run.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The output format.") var format: OutputFormat = .table

        func run() throws {
            let store = try SummaryStore(readingOnly: database.path)
            let sink = OutputSink.standardOutput()
            try RunsRenderer(runs: try store.reader.runs()).write(format, to: sink)
            try sink.close()
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a summary database written by an older letterlag up to date, for the reading commands.")

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let applied = try SummaryStore.migrate(path: database.path)
            print(applied.isEmpty ? "\(database.path): already up to date" : "\(database.path): applied \(applied.joined(separator: ", "))")
        }
    }
}
