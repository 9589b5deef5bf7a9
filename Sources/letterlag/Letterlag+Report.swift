import ArgumentParser
import Foundation
import LetterlagKit

extension OutputFormat: ExpressibleByArgument {}

extension LetterlagCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per trust × letter type for a run (the latest by default).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: RunOptions
        @Option(help: "table, csv, json or html.") var format = "table"
        @Option(name: .shortAndLong, help: "Write to this file (required for html).") var output: String?

        func validate() throws {
            guard format == "html" || OutputFormat(rawValue: format) != nil else {
                throw ValidationError("--format must be table, csv, json or html")
            }
            if format == "html" && output == nil { throw ValidationError("--format html needs --output FILE") }
        }

        func run() throws {
            let store = try SummaryStore(path: database.path)
            let chosen = try store.run(selection.runID)
            let rows = try store.summary(run: chosen.id)
            let text: String
            if format == "html" {
                let weekly = TrendBuilder.build(try store.weeklyCells(run: chosen.id), by: .week)
                text = HTMLReport(run: chosen, rows: rows, weekly: weekly, limits: try store.limits(run: chosen.id), publish: selection.publish).render()
            } else {
                text = ReportRenderer(run: chosen, rows: rows, publish: selection.publish).render(OutputFormat(rawValue: format)!)
            }
            if let output {
                do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                    throw LetterlagError.badArgument("cannot write \(output): \(error.localizedDescription)")
                }
            } else {
                print(text, terminator: "")
            }
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
