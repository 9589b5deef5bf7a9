import Foundation
import Logging

/// One ingest from files to a stored run: what `letterlag ingest` and `demo` call.
public struct NightlyIngest {
    public struct Outcome: Sendable {
        public var runID: Int64
        public var result: IngestResult
        public var elapsed: Double

        public var rowsPerSecond: Double { elapsed > 0 ? Double(result.rowsRead) / elapsed : 0 }

        /// The short summary `ingest` prints.
        public var summary: String {
            var lines = [
                "run \(runID) stored: as of \(Timestamps.iso(result.asOf)) (\(result.asOfFromExtract ? "latest timestamp in the extract" : "given")), delay to \(result.delayTo)",
                "files \(result.files.count), bytes \(result.bytes), rows read \(result.rowsRead), letters accepted \(result.letters), rows set aside \(result.rowsRejected), trusts \(result.trusts)",
                String(format: "elapsed %.2f s, %.0f rows/s", elapsed, rowsPerSecond),
            ]
            for reason in RejectReason.allCases {
                guard let n = result.rejectCounts[reason] else { continue }
                let places = result.rejectExamples.filter { $0.reason == reason }.map { "\($0.file):\($0.line)" }
                lines.append("set aside \(reason.name): \(n) (first at \(places.prefix(5).joined(separator: ", "))\(places.count > 5 ? ", …" : ""))")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    public let options: IngestOptions
    public let databasePath: String
    let logger: Logger

    public init(options: IngestOptions, databasePath: String, logger: Logger = Logger(label: "letterlag")) {
        self.options = options
        self.databasePath = databasePath
        self.logger = logger
    }

    public func run() throws -> Outcome {
        let started = Date()
        logger.info("ingest started", metadata: ["files": "\(options.files.count)", "workers": "\(options.workers)",
                                                 "inflater": "\(options.inflater.rawValue)", "db": "\(databasePath)"])
        // Open the database first so a bad path fails before hours of work.
        let store = try SummaryStore(path: databasePath)
        let result = try IngestPipeline(options: options).run()
        let finished = Date()
        let elapsed = finished.timeIntervalSince(started)
        let id = try store.store(result, startedAt: started, finishedAt: finished, elapsed: elapsed)
        logger.info("ingest stored", metadata: ["run": "\(id)", "rows": "\(result.rowsRead)", "rejected": "\(result.rowsRejected)",
                                                "seconds": "\(String(format: "%.2f", elapsed))"])
        return Outcome(runID: id, result: result, elapsed: elapsed)
    }
}
