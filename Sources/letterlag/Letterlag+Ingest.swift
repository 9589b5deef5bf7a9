import ArgumentParser
import Foundation
import LetterlagKit
import Logging

extension InflaterKind: ExpressibleByArgument {}

extension LetterlagCommand {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read extracts as one snapshot and store the run's summaries.")

        @Argument(help: "Extract files (.csv or .csv.gz); together they are one run.") var files: [String]
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The as-of time (default: the latest timestamp in the extract).") var asOf: String?
        @Option(help: ArgumentHelp("When the extract's window of events starts (default: its earliest event).",
                                   discussion: "Weeks and months from here to the as-of time are covered in full; the history keeps them (docs/product.md, \"History across runs\")."))
        var windowStart: String?
        @Option(help: "Minutes a receipt may be stamped before its sending and count as delivered at sending.") var clockSkew = 5.0
        @Option(help: "Parsing workers (default: the number of cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Gzip inflater.") var inflate: InflaterKind = .isal
        @Option(help: "Contract limits JSON file (default: the NHS Standard Contract).") var limits: String?
        @Option(help: "Column mapping JSON file for renamed columns and coded letter types.") var mapping: String?
        @Option(help: "Fail, storing nothing, when more than this percentage of rows is set aside.") var maxRejected = 1.0
        @Flag(help: "Replace earlier runs that hold any of these files' content, instead of refusing them.") var replace = false
        @Option(help: "Seconds to wait for another ingest on the same database to finish.") var wait = 600.0
        @Flag(help: "Print nothing but errors.") var quiet = false

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one extract file") }
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
            guard clockSkew >= 0 && clockSkew <= 24 * 60 else { throw ValidationError("--clock-skew is minutes from 0 to 1440") }
            guard maxRejected >= 0 && maxRejected <= 100 else { throw ValidationError("--max-rejected is a percentage from 0 to 100") }
        }

        func run() throws {
            var options = IngestOptions(files: files, workers: workers, inflater: inflate,
                                        maxRejectedPercent: maxRejected)
            options.asOf = try asOf.map(Timestamps.parseArgument)
            options.windowStart = try windowStart.map(Timestamps.parseArgument)
            options.clockSkew = Int64((clockSkew * 60).rounded())
            if let limits {
                guard let data = FileManager.default.contents(atPath: limits) else {
                    throw LetterlagError.badLimits("cannot read \(limits)")
                }
                options.limits = try ContractLimits(json: data)
            }
            if let mapping { options.mapping = try ColumnMapping.load(path: mapping) }
            var logger = Logger(label: "letterlag")
            if quiet { logger.logLevel = .error }
            // A progress line only for a person at a terminal: never in cron logs or with --quiet.
            let showProgress = !quiet && isatty(STDERR_FILENO) == 1
            if showProgress {
                options.progress = { p in FileHandle.standardError.write(Data("\r\u{1B}[K\(p.line)".utf8)) }
            }

            var ingest = NightlyIngest(options: options, databasePath: database.path, logger: logger)
            ingest.replace = replace
            ingest.lockWait = wait
            let outcome: NightlyIngest.Outcome
            do {
                outcome = try ingest.run()
                clearProgress(showProgress)
            } catch {
                clearProgress(showProgress)
                throw error
            }
            // Even with --quiet: a night's practice view with a trust left out is worth a morning mail.
            for warning in outcome.warnings { FileHandle.standardError.write(Data("letterlag: \(warning)\n".utf8)) }
            if !quiet { print(outcome.summary, terminator: "") }
        }

        private func clearProgress(_ shown: Bool) {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }
}
