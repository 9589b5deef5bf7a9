import Foundation
import GRDB
import GRDBSQLite

/// The SQLite summary database: runs, their files and rejects, and per-week and whole-run cells.
///
/// WAL mode lets analysts read while a run is written; each run is written in a single
/// transaction, so a failed or killed run leaves the database exactly as it was. The schema
/// is documented for analysts in docs/schema.md.
public final class SummaryStore {
    public let path: String
    let pool: DatabasePool

    /// The database path from `--db`, else `$LETTERLAG_DB`, else `letterlag.sqlite` here.
    public static func defaultPath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["LETTERLAG_DB"] ?? "letterlag.sqlite"
    }

    /// Opens (creating and migrating when needed) the database at `path`.
    public init(path: String, busyTimeout: TimeInterval = 60) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }

    /// A GRDB error as the user reads it: the file, SQLite's message and the statement that failed.
    static func failure(_ error: DatabaseError, path: String, consequence: String = "") -> LetterlagError {
        .database(path: path, reason: (error.message ?? "error \(error.resultCode)") + consequence, statement: error.sql)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    as_of TEXT NOT NULL,
                    as_of_source TEXT NOT NULL CHECK (as_of_source IN ('extract', 'argument')),
                    delay_to TEXT NOT NULL CHECK (delay_to IN ('received', 'sent')),
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    files INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    rows_read INTEGER NOT NULL,
                    letters INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL,
                    trusts INTEGER NOT NULL,
                    elapsed_seconds REAL NOT NULL,
                    limits_json TEXT NOT NULL,
                    tool_version TEXT NOT NULL
                );
                CREATE TABLE run_files (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    rows_read INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL
                );
                CREATE TABLE rejects (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (run_id, reason)
                );
                CREATE TABLE reject_examples (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL
                );
                CREATE TABLE weekly (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    week TEXT NOT NULL,
                    week_start TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL, p90_hours REAL, p95_hours REAL, p99_hours REAL, max_hours REAL,
                    oldest_outstanding_hours REAL,
                    delay_hist BLOB NOT NULL,
                    outstanding_hist BLOB NOT NULL,
                    PRIMARY KEY (run_id, trust_code, letter_type, week_start)
                ) WITHOUT ROWID;
                CREATE TABLE summary (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL, p90_hours REAL, p95_hours REAL, p99_hours REAL, max_hours REAL,
                    oldest_outstanding_hours REAL,
                    within_limit_pct REAL, within_3d_pct REAL, within_4d_pct REAL, p50_vs_baseline REAL,
                    PRIMARY KEY (run_id, trust_code, letter_type)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v2: content keys") { db in
            try db.execute(sql: """
                ALTER TABLE run_files ADD COLUMN content_key TEXT;
                CREATE INDEX run_files_content ON run_files(content_key);
                """)
        }
        m.registerMigration("v3: analyst views") { db in
            try db.execute(sql: """
                CREATE VIEW latest_summary AS
                    SELECT s.*, r.as_of, r.delay_to FROM summary s JOIN runs r ON r.id = s.run_id
                    WHERE s.run_id = (SELECT max(id) FROM runs);
                CREATE VIEW weekly_trend AS
                    SELECT run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due, within_limit,
                           p50_hours, p90_hours, p95_hours, p99_hours, max_hours, oldest_outstanding_hours,
                           100.0 * within_limit / nullif(due, 0) AS within_limit_pct,
                           100.0 * within_3d / nullif(due_3d, 0) AS within_3d_pct,
                           100.0 * within_4d / nullif(due_4d, 0) AS within_4d_pct,
                           p50_hours / 84.0 AS p50_vs_baseline
                    FROM weekly;
                CREATE VIEW compliance_league AS
                    SELECT letter_type, trust_code, letters, due, within_limit, within_limit_pct, p50_hours,
                           rank() OVER (PARTITION BY letter_type ORDER BY within_limit_pct DESC) AS rank
                    FROM latest_summary WHERE due > 0;
                CREATE VIEW baseline_comparison AS
                    SELECT trust_code, letter_type, letters, p50_hours, p50_vs_baseline, p50_hours - 84.0 AS hours_over_baseline,
                           within_3d_pct, within_4d_pct, within_limit_pct
                    FROM latest_summary;
                """)
        }
        m.registerMigration("v4: censoring-aware median") { db in
            try db.execute(sql: """
                ALTER TABLE weekly ADD COLUMN km_p50_hours REAL;
                ALTER TABLE summary ADD COLUMN km_p50_hours REAL;
                """)
        }
        m.registerMigration("v5: working days") { db in
            try db.execute(sql: """
                ALTER TABLE weekly ADD COLUMN p50_working_days REAL;
                ALTER TABLE weekly ADD COLUMN working_days_hist BLOB;
                ALTER TABLE summary ADD COLUMN p50_working_days REAL;
                """)
        }
        m.registerMigration("v6: weekly as a rowid table") { db in
            // Weekly cells arrive from ingest in partition order, not key order; a rowid table
            // appends them and keeps the key in a small index, where the clustered WITHOUT ROWID
            // table split pages all over its whole size on every run.
            try db.execute(sql: """
                DROP VIEW weekly_trend;
                CREATE TABLE weekly_v6 (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    trust_code TEXT NOT NULL,
                    letter_type TEXT NOT NULL,
                    week TEXT NOT NULL,
                    week_start TEXT NOT NULL,
                    letters INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    outstanding INTEGER NOT NULL,
                    due INTEGER NOT NULL,
                    within_limit INTEGER NOT NULL,
                    due_3d INTEGER NOT NULL,
                    within_3d INTEGER NOT NULL,
                    due_4d INTEGER NOT NULL,
                    within_4d INTEGER NOT NULL,
                    p50_hours REAL, p90_hours REAL, p95_hours REAL, p99_hours REAL, max_hours REAL,
                    oldest_outstanding_hours REAL,
                    delay_hist BLOB NOT NULL,
                    outstanding_hist BLOB NOT NULL,
                    km_p50_hours REAL,
                    p50_working_days REAL,
                    working_days_hist BLOB,
                    PRIMARY KEY (run_id, trust_code, letter_type, week_start)
                );
                INSERT INTO weekly_v6 SELECT * FROM weekly;
                DROP TABLE weekly;
                ALTER TABLE weekly_v6 RENAME TO weekly;
                CREATE VIEW weekly_trend AS
                    SELECT run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due, within_limit,
                           p50_hours, p90_hours, p95_hours, p99_hours, max_hours, oldest_outstanding_hours,
                           100.0 * within_limit / nullif(due, 0) AS within_limit_pct,
                           100.0 * within_3d / nullif(due_3d, 0) AS within_3d_pct,
                           100.0 * within_4d / nullif(due_4d, 0) AS within_4d_pct,
                           p50_hours / 84.0 AS p50_vs_baseline
                    FROM weekly;
                """)
        }
        return m
    }

    /// For each of these content keys already stored, the earliest run holding it.
    /// Which of `sizes` some stored file has; a file of any other size cannot be stored content.
    public func storedSizes(among sizes: [Int]) throws -> Set<Int> {
        try read { db in
            // ':' sorts just before ';', so each size's keys are one range of the content_key index.
            try Set(sizes.filter { size in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM run_files WHERE content_key >= ? AND content_key < ?)",
                                  arguments: ["\(size):", "\(size);"]) ?? false
            })
        }
    }

    public func runs(holding keys: [String]) throws -> [String: Int64] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT content_key, min(run_id) AS run FROM run_files
                WHERE content_key IN (\(keys.map { _ in "?" }.joined(separator: ","))) GROUP BY content_key
                """, arguments: StatementArguments(keys))
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["content_key"], $0["run"]) })
        }
    }

    /// SQLite's page cache for writing a run: room for the run's part of the weekly table's unique
    /// index (about 48 bytes a row), whose rows arrive in no order of key. With the default 2 MB a
    /// five-year extract's 9.6 MB of index was spilled and read back page by page: 194,000 writes
    /// and 201,000 reads, against 87,000 and 94,000 with 6 MiB, which cut its store phase from
    /// 1.08 to 0.85 s for 4 MiB more peak memory. Capped there, as the run's memory is bounded.
    static func cacheKiB(weeklyRows: Int) -> Int {
        min(6 << 10, max(2_000, weeklyRows * 48 / 1024 + 2_000))
    }

    /// Stores a finished run and every summary in one transaction, and returns the run id.
    ///
    /// `contentKeys` (one per file) are checked inside the same transaction: content already
    /// stored is refused, or with `replacing` its earlier runs are deleted in that transaction.
    public func store(_ result: IngestResult, contentKeys: [String], replacing: Bool = false,
                      startedAt: Date, finishedAt: Date, elapsed: Double) throws -> Int64 {
        do {
            return try transactionCommittedAsARun { db -> Int64 in
                let previousCache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2_000
                try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB(weeklyRows: result.assembler.cellCount))")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCache)") }
                for (file, key) in zip(result.files, contentKeys) {
                    let earlier = try Int64.fetchAll(db, sql: "SELECT DISTINCT run_id FROM run_files WHERE content_key = ?", arguments: [key])
                    guard let first = earlier.first else { continue }
                    guard replacing else { throw LetterlagError.alreadyIngested(path: file.path, runID: first) }
                    for id in earlier { try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id]) }
                }
                try db.execute(sql: """
                    INSERT INTO runs (as_of, as_of_source, delay_to, started_at, finished_at, files, bytes, rows_read,
                        letters, rows_rejected, trusts, elapsed_seconds, limits_json, tool_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Timestamps.iso(result.asOf), result.asOfFromExtract ? "extract" : "argument",
                                     result.delayTo, Timestamps.iso(startedAt), Timestamps.iso(finishedAt),
                                     result.files.count, result.bytes, result.rowsRead, result.letters,
                                     result.rowsRejected, result.trusts, elapsed, result.limits.json, Letterlag.version])
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
                var weekly = BulkInsert(try db.makeStatement(sql: """
                    INSERT INTO weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """))
                // Weekly cells arrive a partition at a time, their figures and histogram bytes made on
                // the assembling threads, so this thread only binds and steps.
                // The spill files go while the last weekly rows and the commit are written; a stored
                // result is not read again.
                let wholeRun = try result.assembler.forEachBatch(discardingSpills: true, prepare: WeeklyRow.init) { batch in
                    for w in batch {
                        weekly.bind(run)
                        weekly.bind(w.row.trust)
                        weekly.bind(w.row.type.name)
                        weekly.bind(w.week)
                        weekly.bind(w.weekStart)
                        weekly.bind(figuresOf: w.row)
                        weekly.bind(w.blobs[..<w.delayEnd])
                        weekly.bind(w.blobs[w.delayEnd..<w.agesEnd])
                        weekly.bind(w.row.kmP50Hours)
                        weekly.bind(w.row.p50WorkingDays)
                        weekly.bind(w.blobs[w.agesEnd...])
                        try weekly.step(db)
                    }
                }
                var summary = BulkInsert(try db.makeStatement(sql: """
                    INSERT INTO summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """))
                for (key, cell) in wholeRun {
                    let row = SummaryRow(trust: key.trust, type: key.type, summary: cell)
                    summary.bind(run)
                    summary.bind(key.trust)
                    summary.bind(key.type.name)
                    summary.bind(figuresOf: row)
                    for value in [row.withinLimitPercent, row.within3dPercent, row.within4dPercent, row.p50VersusBaseline, row.kmP50Hours, row.p50WorkingDays] {
                        summary.bind(value)
                    }
                    try summary.step(db)
                }
                return run
            }
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path, consequence: "; nothing was stored")
        }
    }

    /// Runs `body` in one immediate transaction whose commit an interruption waits for
    /// (`Interruption.committing`), so a stop reports exactly whether the run was stored.
    private func transactionCommittedAsARun(_ body: (Database) throws -> Int64) throws -> Int64 {
        try pool.writeWithoutTransaction { db in
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

    /// One weekly row, ready to bind.
    struct WeeklyRow: Sendable {
        var row: SummaryRow
        var week: String
        var weekStart: String
        /// The delay, outstanding-age and working-days histograms' stored forms, one after another
        /// in one buffer (one allocation a row, not three); the first two end at these offsets.
        var blobs: [UInt8] = []
        var delayEnd = 0
        var agesEnd = 0

        init(id: CellID, cell: CellSummary) {
            row = SummaryRow(trust: id.trust, type: id.type, summary: cell)
            week = CivilDate.isoWeekLabel(ofWeek: id.week)
            weekStart = CivilDate.isoDate(days: CivilDate.monday(ofWeek: id.week))
            blobs.reserveCapacity(cell.delay.encodedSizeEstimate + cell.outstandingAge.encodedSizeEstimate + cell.workingDays.encodedSizeEstimate)
            cell.delay.encode(into: &blobs)
            delayEnd = blobs.count
            cell.outstandingAge.encode(into: &blobs)
            agesEnd = blobs.count
            cell.workingDays.encode(into: &blobs)
        }
    }

    // MARK: Reading

    /// One stored run, as `runs` lists it.
    public struct Run: Sendable, Codable {
        public var id: Int64
        public var asOf: String
        public var asOfSource: String
        public var delayTo: String
        public var startedAt: String
        public var finishedAt: String
        public var files: Int
        public var bytes: Int
        public var rowsRead: Int
        public var letters: Int
        public var rowsRejected: Int
        public var trusts: Int
        public var elapsedSeconds: Double
    }

    public func runs() throws -> [Run] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map { r in
                Run(id: r["id"], asOf: r["as_of"], asOfSource: r["as_of_source"], delayTo: r["delay_to"],
                    startedAt: r["started_at"], finishedAt: r["finished_at"], files: r["files"], bytes: r["bytes"],
                    rowsRead: r["rows_read"], letters: r["letters"], rowsRejected: r["rows_rejected"],
                    trusts: r["trusts"], elapsedSeconds: r["elapsed_seconds"])
            }
        }
    }

    /// The run with `id`, or the latest when nil.
    public func run(_ id: Int64?) throws -> Run {
        let all = try runs()
        if let id {
            guard let r = all.first(where: { $0.id == id }) else { throw LetterlagError.noRuns("\(path): there is no run \(id)") }
            return r
        }
        guard let r = all.last else { throw LetterlagError.noRuns("\(path): there are no runs yet; run 'letterlag ingest' first") }
        return r
    }

    /// The whole-run summary rows of a run.
    public func summary(run: Int64) throws -> [SummaryRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM summary WHERE run_id = ? ORDER BY trust_code, letter_type", arguments: [run]).map {
                SummaryRow(row: $0)
            }
        }
    }

    /// The weekly cells of a run, with their histograms, optionally for one trust or letter type.
    public func weeklyCells(run: Int64, trust: String? = nil, type: LetterType? = nil) throws -> [(CellID, CellSummary)] {
        var sql = "SELECT * FROM weekly WHERE run_id = ?"
        var arguments: [any DatabaseValueConvertible] = [run]
        if let trust { sql += " AND trust_code = ?"; arguments.append(trust) }
        if let type { sql += " AND letter_type = ?"; arguments.append(type.name) }
        return try read { db in
            try Row.fetchAll(db, sql: sql + " ORDER BY trust_code, letter_type, week_start", arguments: StatementArguments(arguments)).compactMap { r in
                guard let type = LetterType(name: r["letter_type"]), let monday = CivilDate.parse(isoDate: r["week_start"]),
                      let delay = LatencyHistogram(encoded: [UInt8](r["delay_hist"] as Data)),
                      let ages = LatencyHistogram(encoded: [UInt8](r["outstanding_hist"] as Data)) else { return nil }
                var s = CellSummary()
                s.letters = r["letters"]
                s.received = r["received"]
                s.outstanding = r["outstanding"]
                s.due = r["due"]
                s.withinLimit = r["within_limit"]
                s.due3d = r["due_3d"]
                s.within3d = r["within_3d"]
                s.due4d = r["due_4d"]
                s.within4d = r["within_4d"]
                s.delay = delay
                s.outstandingAge = ages
                if let blob = r["working_days_hist"] as Data?, let working = LatencyHistogram(encoded: [UInt8](blob)) {
                    s.workingDays = working
                }
                return (CellID(trust: r["trust_code"], type: type, week: CivilDate.weekIndex(days: monday)), s)
            }
        }
    }

    /// The contract limits a run was computed with.
    public func limits(run: Int64) throws -> ContractLimits {
        let json = try read { db in try String.fetchOne(db, sql: "SELECT limits_json FROM runs WHERE id = ?", arguments: [run]) }
        guard let json else { throw LetterlagError.noRuns("\(path): there is no run \(run)") }
        return try ContractLimits(json: Data(json.utf8))
    }

    /// Reject counts of a run, by reason name.
    public func rejects(run: Int64) throws -> [(reason: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT reason, count FROM rejects WHERE run_id = ? ORDER BY count DESC, reason", arguments: [run])
                .map { ($0["reason"], $0["count"]) }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }
}

extension SummaryRow {
    init(row r: Row) {
        trust = r["trust_code"]
        type = LetterType(name: r["letter_type"]) ?? .clinicLetter
        letters = r["letters"]
        received = r["received"]
        outstanding = r["outstanding"]
        due = r["due"]
        withinLimit = r["within_limit"]
        due3d = r["due_3d"]
        within3d = r["within_3d"]
        due4d = r["due_4d"]
        within4d = r["within_4d"]
        p50Hours = r["p50_hours"]
        p90Hours = r["p90_hours"]
        p95Hours = r["p95_hours"]
        p99Hours = r["p99_hours"]
        maxHours = r["max_hours"]
        oldestOutstandingHours = r["oldest_outstanding_hours"]
        kmP50Hours = r["km_p50_hours"]
        p50WorkingDays = r["p50_working_days"]
    }
}
