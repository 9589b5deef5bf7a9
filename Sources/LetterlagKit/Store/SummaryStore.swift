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
    let reader: any DatabaseReader

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
            reader = pool
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
            reader = queue
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

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try reader.read(body) } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }
}
