import Foundation
import GRDB
import GRDBSQLite

/// The SQLite summary database: runs, their files and rejects, and per-week and whole-run cells.
///
/// Opened for writing (by `ingest` and `migrate`) it is created and migrated as needed, in WAL
/// mode so analysts can read while a run is written. Opened for reading it is never changed: a
/// read-only connection, so the file, its folder or the whole mount may be read-only. The
/// schema is documented for analysts in docs/schema.md.
public final class SummaryStore {
    public let path: String
    /// Set when opened for writing.
    private let pool: DatabasePool?
    /// Reads the stored runs: every reader's queries go through it.
    public let reader: RunReader

    /// The database path from `--db`, else `$LETTERLAG_DB`, else `letterlag.sqlite` here.
    public static func defaultPath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["LETTERLAG_DB"] ?? "letterlag.sqlite"
    }

    /// Opens the database at `path` for writing, creating and migrating it when needed.
    public init(path: String, busyTimeout: TimeInterval = 60) throws {
        self.path = path
        do {
            let pool = try DatabasePool(path: path, configuration: Self.writing(busyTimeout: busyTimeout))
            try SummarySchema.migrator.migrate(pool)
            self.pool = pool
            reader = RunReader(path: path, database: pool)
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }

    /// The page size of a database this creates; one made before keeps its own. A run writes
    /// hundreds of thousands of rows, trust by trust in partition order rather than key order,
    /// and is then read by scans: on the 10M-row benchmark, 64 KiB pages against 4 KiB cut the
    /// store phase from 4.2–4.4 s to 3.5–4.0 s and the file from 128 to 121 MB, while reads
    /// (`report --by practice`, `trend`, a `sqlite3` scan) took the same time or less.
    static let pageSize = 65_536

    /// The configuration of every connection that may write: `ingest`'s and `migrate`'s.
    static func writing(busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try HistogramSQL.register(on: db)
            // Before WAL mode is set and the first table made; on a database that exists, SQLite ignores it.
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            // The -wal and -shm files stay beside the database between runs, so readers who may
            // not create files in its folder can still open it (docs/schema.md, "Sharing").
            var persist: Int32 = 1
            sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            // A kept -wal is emptied after each checkpoint rather than left at its largest.
            try db.execute(sql: "PRAGMA journal_size_limit = 0")
            // Debian builds SQLite with secure_delete on, which writes every page a delete frees,
            // zeroed: a later night's run replacing half a million practice-view month rows, and
            // each prune, wrote pages nobody reads. FAST still zeroes deleted rows in the pages
            // being written anyway; the database holds summaries, no patient identifier.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
        }
        return config
    }

    /// Opens the database at `path` for reading only, never changing it: read-only, and also
    /// immutable (SQLite then takes no locks and needs no -shm file) when the file is on a
    /// read-only mount or the -shm it would need cannot be made, where nothing can be writing it.
    /// Fails when there is no database, or when it needs migrating (`letterlag migrate`).
    public init(readingOnly path: String, busyTimeout: TimeInterval = 60) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw LetterlagError.noRuns("\(path): there is no summary database here; run 'letterlag ingest' first")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in try HistogramSQL.register(on: db) }
        let immutable = try Self.opensImmutable(path)
        do {
            let queue = try DatabaseQueue(path: immutable ? Self.immutableURI(path) : path, configuration: config)
            try queue.read { db in
                if try SummarySchema.migrator.hasBeenSuperseded(db) {
                    throw LetterlagError.database(path: path, reason: "it was written by a newer letterlag than \(Letterlag.version); read it with that version", statement: nil)
                }
                if try !SummarySchema.migrator.hasCompletedMigrations(db) {
                    throw LetterlagError.database(path: path, reason: "it was written by an older letterlag; run 'letterlag migrate --db \(path)' as a user who may write it", statement: nil)
                }
            }
            pool = nil
            reader = RunReader(path: path, database: queue)
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }

    /// Whether to open `path` immutable: SQLite then takes no locks and needs no -shm, but also
    /// reads nothing from a -wal. So only when the -wal holds nothing (absent or empty), and
    /// either the file system is mounted read-only or no -shm exists and none can be made in its
    /// folder, as when nothing is writing. A -wal with pages in it and no way to read it is an
    /// error, not a silent read of older figures.
    static func opensImmutable(_ path: String) throws -> Bool {
        var fs = statvfs()
        let readOnlyMount = statvfs(path, &fs) == 0 && fs.f_flag & UInt(ST_RDONLY) != 0
        let folder = (path as NSString).deletingLastPathComponent
        let shmExists = FileManager.default.fileExists(atPath: path + "-shm")
        guard readOnlyMount || (!shmExists && access(folder.isEmpty ? "." : folder, W_OK) != 0) else { return false }
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        if walBytes == 0 { return true }
        if shmExists { return false }
        throw LetterlagError.database(path: path, reason: "its -wal holds \(walBytes) bytes of changes not yet in the file, and no -shm can be made here to read them; ask for a VACUUM INTO copy (docs/schema.md, \"Sharing the database with analysts\")", statement: nil)
    }

    /// An SQLite URI opening `path` read-only and immutable, with what a URI path cannot hold escaped.
    static func immutableURI(_ path: String) throws -> String {
        guard sqlite3_compileoption_used("USE_URI") == 1 else {
            throw LetterlagError.database(path: path, reason: "nothing can write it here, so it must be opened immutable, and this SQLite was built without URI filenames (SQLITE_USE_URI)", statement: nil)
        }
        let absolute = (path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
        // Leading slashes collapse to one, so the path cannot read as a URI authority.
        let normalised = "/" + absolute.drop { $0 == "/" }
        var escaped = ""
        for byte in normalised.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x21, 0x7F...:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (hex.count == 1 ? "0" : "") + hex
            default: escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    /// Brings the database at `path` up to date, which readers ask for when an older letterlag
    /// wrote it; returns the migrations this applied, none when it was current. Creates nothing:
    /// a missing file is an error.
    public static func migrate(path: String) throws -> [String] {
        // The writer's configuration: the same kept -wal and -shm, and waiting for a running ingest.
        guard FileManager.default.fileExists(atPath: path) else {
            throw LetterlagError.noRuns("\(path): there is no summary database here; run 'letterlag ingest' first")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: writing(busyTimeout: 60))
            let before = try queue.read { try SummarySchema.migrator.appliedMigrations($0) }
            try SummarySchema.migrator.migrate(queue)
            let after = try queue.read { try SummarySchema.migrator.appliedMigrations($0) }
            return after.filter { !before.contains($0) }
        } catch let error as DatabaseError {
            throw failure(error, path: path)
        }
    }

    /// A GRDB error as the user reads it: the file, SQLite's message and the statement that failed.
    static func failure(_ error: DatabaseError, path: String, consequence: String = "") -> LetterlagError {
        .database(path: path, reason: (error.message ?? "error \(error.resultCode)") + consequence, statement: error.sql)
    }

    /// The writing pool; a store opened for reading has none.
    func writer() throws -> DatabasePool {
        guard let pool else {
            throw LetterlagError.database(path: path, reason: "opened for reading only", statement: nil)
        }
        return pool
    }
}

/// Writing a run: everything in one immediate transaction, so a failed or killed run leaves the
/// database exactly as it was.
extension SummaryStore {
    /// SQLite's page cache for writing a run: room for the run's part of the weekly table's unique
    /// index (about 48 bytes a row), whose rows arrive in no order of key. With 4 KiB pages and
    /// the default 2 MB, a five-year extract's 9.6 MB of index was spilled and read back page by
    /// page, and 6 MiB cut its store phase from 1.08 to 0.85 s. With 64 KiB pages
    /// (`SummaryStore.pageSize`) 3 MiB stores as fast: on a five-year 10M-row extract 6.4–7.0 s
    /// against 6.9–7.0 s with 6 MiB, at 65–66 MB peak against 68–69 MB. Capped there, as the
    /// run's memory is bounded.
    static func cacheKiB(weeklyRows: Int) -> Int {
        min(3 << 10, max(2_000, weeklyRows * 48 / 1024 + 2_000))
    }

    /// Stores a finished run and every summary in one transaction, and returns the run id.
    ///
    /// `contentKeys` (one per file) are checked inside the same transaction: content already
    /// stored is refused, or with `replacing` its earlier runs are deleted in that transaction.
    /// `rows` is handed a `RunWriter` to write the run's rows with, in the transaction, as they are
    /// made; `weeklyRows` sizes SQLite's cache for them. The run's `finished_at` and
    /// `elapsed_seconds` are taken when its last row is written, since making and writing the
    /// summaries is half of a national run; only the commit is after them.
    public func store(_ result: RunRecord, trusts: Int, weeklyRows: Int, contentKeys: [String], replacing: Bool = false,
                      startedAt: Date, rows: (inout RunWriter) throws -> Void) throws -> Int64 {
        do {
            return try transactionCommittedAsARun { db -> Int64 in
                var previousCache = -2_000
                try StatementRow.forEach(in: db, "PRAGMA cache_size") { previousCache = $0.int(0) }
                try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB(weeklyRows: weeklyRows))")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCache)") }
                for (file, key) in zip(result.files, contentKeys) {
                    var earlier: [Int64] = []
                    try StatementRow.forEach(in: db, "SELECT DISTINCT run_id FROM run_files WHERE content_key = ?", [key]) { earlier.append($0.int64(0)) }
                    guard let first = earlier.first else { continue }
                    guard replacing else { throw LetterlagError.alreadyIngested(path: file.path, runID: first) }
                    // The history's trigger hands each deleted run's periods to the next best run.
                    for id in earlier { try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id]) }
                }
                let window = result.window
                try db.execute(sql: """
                    INSERT INTO runs (as_of, as_of_source, delay_to, started_at, finished_at, files, bytes, rows_read,
                        letters, rows_rejected, trusts, elapsed_seconds, limits_json, tool_version,
                        window_start, window_start_source, first_full_week, last_full_week, first_full_month, last_full_month,
                        clock_skew_minutes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Timestamps.iso(result.asOf), result.asOfFromExtract ? "extract" : "argument",
                                     result.delayTo.rawValue, Timestamps.iso(startedAt), Timestamps.iso(startedAt),
                                     result.files.count, result.bytes, result.rowsRead, result.letters,
                                     result.rowsRejected, trusts, 0.0, result.limits.json, Letterlag.version,
                                     Timestamps.iso(window.start), result.windowFromExtract ? "extract" : "argument",
                                     window.firstWeekStart, window.lastWeekStart, window.firstMonthLabel, window.lastMonthLabel,
                                     Double(result.clockSkew) / 60])
                let run = db.lastInsertedRowID
                for (f, key) in zip(result.files, contentKeys) {
                    try db.execute(sql: "INSERT INTO run_files (run_id, path, bytes, rows_read, rows_rejected, content_key) VALUES (?, ?, ?, ?, ?, ?)",
                                   arguments: [run, f.path, f.bytes, f.rowsRead, f.rowsRejected, key])
                }
                for (reason, count) in result.rejectCounts {
                    try db.execute(sql: "INSERT INTO rejects VALUES (?, ?, ?)", arguments: [run, reason.name, count])
                }
                for e in result.rejectExamples {
                    try db.execute(sql: "INSERT INTO reject_examples VALUES (?, ?, ?, ?)",
                                   arguments: [run, e.reason.name, e.file, e.line])
                }
                var writer = try RunWriter(db, run: run)
                try rows(&writer)
                try writer.finish()
                try RunHistory.add(run: run, db)
                let finished = Date()
                try db.execute(sql: "UPDATE runs SET finished_at = ?, elapsed_seconds = ?, delivered_at_sending = ? WHERE id = ?",
                               arguments: [Timestamps.iso(finished), finished.timeIntervalSince(startedAt), writer.deliveredAtSending, run])
                return run
            }
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path, consequence: "; nothing was stored")
        }
    }

    /// Runs `body` in one immediate transaction whose commit an interruption waits for
    /// (`Interruption.committing`), so a stop reports exactly whether the run was stored.
    private func transactionCommittedAsARun(_ body: (Database) throws -> Int64) throws -> Int64 {
        try writer().writeWithoutTransaction { db in
            try db.beginTransaction(.immediate)
            do {
                let run = try body(db)
                return try Interruption.shared.committing {
                    try db.commit()
                    return run
                }
            } catch {
                try? db.rollback()
                throw error
            }
        }
    }

}
