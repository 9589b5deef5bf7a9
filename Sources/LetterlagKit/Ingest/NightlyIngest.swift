import Foundation
import Logging

/// One ingest from files to a stored run: what `letterlag ingest` and `demo` call.
public struct NightlyIngest {
    public struct Outcome: Sendable {
        public var runID: Int64
        public var result: IngestResult
        /// Seconds from start to the stored run's commit: reading, assembling, writing and committing.
        public var elapsed: Double
        /// Letters received within the clock tolerance before their sending, counted as delivered at sending.
        public var deliveredAtSending: Int

        /// One line per trust × letter type left out of the practice view, for standard error.
        public var warnings: [String] {
            result.assembler.practiceOmissions.map { $0.warning(run: runID) }
        }

        public var rowsPerSecond: Double { elapsed > 0 ? Double(result.rowsRead) / elapsed : 0 }

        /// The short summary `ingest` prints.
        public var summary: String {
            var lines = [
                "run \(runID) stored: as of \(Timestamps.iso(result.asOf)) (\(result.asOfFromExtract ? "latest timestamp in the extract" : "given")), delay to \(result.delayTo)",
                "files \(result.files.count), bytes \(result.bytes), rows read \(result.rowsRead), letters accepted \(result.letters), rows set aside \(result.rowsRejected), trusts \(result.trusts)",
                "window from \(Timestamps.iso(result.window.start)) (\(result.windowFromExtract ? "earliest event in the extract" : "given")): covers weeks \(result.window.firstWeekStart) to \(result.window.lastWeekStart), months \(result.window.firstMonthLabel) to \(result.window.lastMonthLabel)",
                "received up to \(result.clockSkew / 60) min before sending, counted as delivered at sending (clock skew): \(deliveredAtSending)",
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
    /// Replace earlier runs that hold the same content, instead of refusing.
    public var replace = false
    /// Seconds to wait for another ingest on the same database to finish.
    public var lockWait: Double = 600
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
        let lock = try RunLock(databasePath: databasePath, wait: lockWait)
        defer { withExtendedLifetime(lock) {} }
        // Open the database and refuse repeated content first, so those fail before any reading.
        // Only a file that shares its size with a stored file or another file here can be a repeat,
        // so only those are read for their key now; the rest get theirs as the run reads them.
        let store = try SummaryStore(path: databasePath)
        let sizes = options.files.map(IngestOptions.sizeOnDisk)
        let stored = try store.reader.storedSizes(among: sizes)
        var early: [String?] = []
        for (path, size) in zip(options.files, sizes) {
            let shared = stored.contains(size) || sizes.filter { $0 == size }.count > 1
            early.append(shared ? try ContentKey.of(path: path) : nil)
        }
        let known = early.compactMap { $0 }
        if Set(known).count < known.count {
            throw LetterlagError.badArgument("the same content is named twice among the files; each file may be ingested once per run")
        }
        let earlier = try store.reader.runs(holding: known)
        if !replace, let index = early.firstIndex(where: { $0.map { earlier[$0] != nil } ?? false }) {
            throw LetterlagError.alreadyIngested(path: options.files[index], runID: earlier[early[index]!]!)
        }
        let result = try IngestPipeline(options: options).run()
        // The store checks every key again inside its transaction, so content that became a repeat
        // while this run read it (another run stored it, or the file grew to a stored size) is still refused.
        let keys = try zip(early, result.files).map { key, file in try key ?? file.contentKey ?? ContentKey.of(path: file.path) }
        let storeStart = Date()
        let id = try store.store(result, contentKeys: keys, replacing: replace, startedAt: started)
        let elapsed = Date().timeIntervalSince(started)
        var phases = result.phases.map { "\($0.name) \(String(format: "%.3f s (peak %.0f MiB)", $0.seconds, $0.peakMiB))" }
        let storing = Date().timeIntervalSince(storeStart), (trustTypes, practiceView) = result.assembler.phaseSeconds
        phases.append("assemble and store \(String(format: "%.3f s (peak %.0f MiB): trust × letter types %.3f s, practice view %.3f s, history and commit %.3f s", storing, PhaseClock.peakMiB(), trustTypes, practiceView, storing - trustTypes - practiceView))")
        logger.debug("phases", metadata: ["phases": "\(phases.joined(separator: ", "))"])
        for o in result.assembler.practiceOmissions {
            logger.debug("left out of the practice view", metadata: ["trust": "\(o.trust)", "type": "\(o.type.name)", "practices": "\(o.practices)"])
        }
        if !earlier.isEmpty {
            logger.notice("replaced earlier runs holding the same content", metadata: ["runs": "\(Set(earlier.values).sorted().map(String.init).joined(separator: ","))"])
        }
        logger.info("ingest stored", metadata: ["run": "\(id)", "rows": "\(result.rowsRead)", "rejected": "\(result.rowsRejected)",
                                                "seconds": "\(String(format: "%.2f", elapsed))"])
        return Outcome(runID: id, result: result, elapsed: elapsed, deliveredAtSending: try store.reader.deliveredAtSending(run: id))
    }
}
