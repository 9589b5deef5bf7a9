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
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try HistogramSQL.register(on: db)
            // The -wal and -shm files stay beside the database between runs, so readers who may
            // not create files in its folder can still open it (docs/schema.md, "Sharing").
            var persist: Int32 = 1
            sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            // A kept -wal is emptied after each checkpoint rather than left at its largest.
            try db.execute(sql: "PRAGMA journal_size_limit = 0")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try SummarySchema.migrator.migrate(pool)
            self.pool = pool
            reader = pool
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
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
        let immutable = Self.nothingCanWrite(path)
        do {
            let queue = try DatabaseQueue(path: Self.uri(path, immutable: immutable), configuration: config)
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

    /// Whether nothing can be writing `path`: its file system is mounted read-only, or it is in WAL
    /// mode (a -wal beside it or not) with no -shm, which a writer would have made, in a folder
    /// where this process cannot make one.
    static func nothingCanWrite(_ path: String) -> Bool {
        var fs = statvfs()
        if statvfs(path, &fs) == 0 && fs.f_flag & UInt(ST_RDONLY) != 0 { return true }
        let folder = (path as NSString).deletingLastPathComponent
        return !FileManager.default.fileExists(atPath: path + "-shm") && access(folder.isEmpty ? "." : folder, W_OK) != 0
    }

    /// An SQLite URI for `path`, read-only, with the characters a URI path cannot hold escaped.
    static func uri(_ path: String, immutable: Bool) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var escaped = ""
        for byte in absolute.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x21, 0x7F...:
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            default: escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return "file:\(escaped)?mode=ro" + (immutable ? "&immutable=1" : "")
    }

    /// Brings the database at `path` up to date, which readers ask for when an older letterlag
    /// wrote it; returns the migrations this applied, none when it was current. Creates nothing:
    /// a missing file is an error.
    public static func migrate(path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LetterlagError.noRuns("\(path): there is no summary database here; run 'letterlag ingest' first")
        }
        do {
            let queue = try DatabaseQueue(path: path)
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

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
