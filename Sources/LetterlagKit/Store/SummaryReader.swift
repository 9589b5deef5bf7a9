import Foundation
import GRDB
import GRDBSQLite

/// Reading runs and their cells. Whole-run rows are few (trusts × letter types) and are read
/// whole; weekly rows can be hundreds of thousands, so they are streamed (`forEachWeek`).
extension SummaryStore {
    /// One stored run, as `runs` lists it.
    public struct Run: Sendable, Codable {
        public var id: Int64
        public var asOf: String
        public var asOfSource: String
        public var delayTo: DelayTarget
        public var startedAt: String
        public var finishedAt: String
        public var files: Int
        public var bytes: Int
        public var rowsRead: Int
        public var letters: Int
        public var rowsRejected: Int
        public var trusts: Int
        public var elapsedSeconds: Double
        /// The start of the extract's window of events (nil for runs stored before v11 recorded it).
        public var windowStart: String?
        /// When `prune` removed the run's snapshot; the history may still hold some of its weeks.
        public var prunedAt: String?
    }

    public func runs() throws -> [Run] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map { r in
                guard let delayTo = DelayTarget(rawValue: r["delay_to"]) else {
                    throw LetterlagError.database(path: path, reason: "run \(r["id"] as Int64) has delay_to '\(r["delay_to"] as String? ?? "")', which this letterlag cannot read", statement: nil)
                }
                return Run(id: r["id"], asOf: r["as_of"], asOfSource: r["as_of_source"], delayTo: delayTo,
                    startedAt: r["started_at"], finishedAt: r["finished_at"], files: r["files"], bytes: r["bytes"],
                    rowsRead: r["rows_read"], letters: r["letters"], rowsRejected: r["rows_rejected"],
                    trusts: r["trusts"], elapsedSeconds: r["elapsed_seconds"], windowStart: r["window_start"], prunedAt: r["pruned_at"])
            }
        }
    }

    /// The run with `id`, or the latest stored when nil; a pruned run's snapshot is gone, so it is refused.
    public func run(_ id: Int64?) throws -> Run {
        let all = try runs()
        if let id {
            guard let r = all.first(where: { $0.id == id }) else { throw LetterlagError.noRuns("\(path): there is no run \(id)") }
            if let pruned = r.prunedAt {
                throw LetterlagError.noRuns("\(path): run \(id) was pruned at \(pruned); only its weeks still in the history are kept (trend without --run reads them)")
            }
            return r
        }
        guard let r = all.last(where: { $0.prunedAt == nil }) else {
            throw LetterlagError.noRuns("\(path): there are no runs yet; run 'letterlag ingest' first")
        }
        return r
    }

    /// The whole-run summary rows of a run.
    public func summary(run: Int64) throws -> [SummaryRow] {
        let columns = ["trust_code", "letter_type"] + SummarySchema.figureColumns + ["km_p50_hours", "p50_working_days"]
            + SummarySchema.stageColumns
        let at = StoredFigurePositions(columns)
        var rows: [SummaryRow] = []
        try forEachRow("SELECT \(columns.joined(separator: ", ")) FROM summary WHERE run_id = ? ORDER BY trust_code, letter_type", [run]) { s in
            rows.append(try SummaryRow(reading: s, at: at, table: "summary", path: path))
        }
        return rows
    }

    /// How many of a run's letters were received within the clock tolerance before their sending.
    public func deliveredAtSending(run: Int64) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT delivered_at_sending FROM runs WHERE id = ?", arguments: [run]) } ?? 0
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

    /// Calls `body` with each weekly row of a run, or each week standing in the history (with the
    /// run it came from), in trust, letter type and week order, read
    /// through SQLite's C API by column position, with memory flat however many rows there
    /// are. The stored figures are always read; the histograms only with `histograms`, for
    /// callers that merge weeks. The order is the primary key's, so SQLite sorts nothing.
    public func forEachWeek(_ source: WeekSource, trust: String? = nil, type: LetterType? = nil, histograms: Bool,
                            _ body: (StoredWeek) throws -> Void) throws {
        let columns = StoredWeek.columns + (histograms ? StoredWeek.histogramColumns : [])
        var sql: String
        var arguments: [any DatabaseValueConvertible] = []
        switch source {
        case .run(let run):
            sql = "SELECT \(columns.map { $0 == "partial" ? "0 AS partial" : $0 }.joined(separator: ", ")) FROM weekly WHERE run_id = ?"
            arguments.append(run)
            if trust != nil { sql += " AND trust_code = ?" }
            if type != nil { sql += " AND letter_type = ?" }
            sql += " ORDER BY trust_code, letter_type, week_start"
        case .history:
            // The history's own key order: each standing week is found by its run's key in `weekly`.
            sql = """
                SELECT \(columns.map { $0 == "partial" ? "h.partial" : "w.\($0)" }.joined(separator: ", "))
                FROM history_weeks h JOIN weekly w ON w.run_id = h.run_id AND w.trust_code = h.trust_code
                    AND w.letter_type = h.letter_type AND w.week_start = h.week_start
                WHERE 1
                """
            if trust != nil { sql += " AND h.trust_code = ?" }
            if type != nil { sql += " AND h.letter_type = ?" }
            sql += " ORDER BY h.trust_code, h.letter_type, h.week_start"
        }
        if let trust { arguments.append(trust) }
        if let type { arguments.append(type.name) }
        try forEachRow(sql, arguments) { try body(try StoredWeek($0, histograms: histograms, path: path)) }
    }

    /// Calls `body` with the statement at each row of `sql`, read by column position through
    /// SQLite's C API, so memory stays flat however many rows there are.
    func forEachRow(_ sql: String, _ arguments: [any DatabaseValueConvertible], _ body: (OpaquePointer) throws -> Void) throws {
        try read { db in
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(StatementArguments(arguments))
            let handle = statement.sqliteStatement
            while true {
                let rc = sqlite3_step(handle)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
                }
                try body(handle)
            }
        }
    }
}

/// One weekly row as read back: its key, its stored figures and, when asked, its histograms.
public struct StoredWeek: Sendable {
    public var trust: String
    public var type: LetterType
    /// The Monday-based week index of `week_start`.
    public var week: Int
    /// The stored ISO week label, such as `2024-W07`.
    public var label: String
    /// The stored figures, as the run computed them.
    public var figures: SummaryRow
    /// The run whose row this is.
    public var runID: Int64
    /// Whether the run covered only part of the week (read from the history; false from a run).
    public var partial: Bool
    /// The counts, and the histograms when they were read.
    public var cell: CellSummary

    /// The columns read for every row, in the order `init` takes them.
    static let columns = ["trust_code", "letter_type", "week", "week_start"] + SummarySchema.figureColumns
        + ["km_p50_hours", "p50_working_days", "complete"] + SummarySchema.stageColumns + ["run_id", "partial"]
    static let histogramColumns = ["delay_hist", "outstanding_hist", "working_days_hist", "writing_hist", "delivery_hist"]

    /// A column's position in `columns` then `histogramColumns`.
    private static func position(_ name: String) -> Int32 { Int32((columns + histogramColumns).firstIndex(of: name)!) }
    private static let letters = position("letters"), hours = position("p50_hours"), km = position("km_p50_hours"),
                       working = position("p50_working_days"), completeness = position("complete"), delay = position("delay_hist"),
                       sent = position("sent"), run = position("run_id"), partiality = position("partial")

    init(_ s: OpaquePointer, histograms: Bool, path: String) throws {
        func text(_ i: Int32) -> String { sqlite3_column_text(s, i).map { String(cString: $0) } ?? "" }
        func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(s, i)) }
        func real(_ i: Int32) -> Double? { SummaryStore.storedReal(s, i) }
        let trust = text(0), typeName = text(1), label = text(2)
        self.trust = trust
        self.label = label
        let monday = sqlite3_column_text(s, 3).flatMap {
            CivilDate.parse(isoDate: UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(s, 3))))
        }
        guard let type = LetterType(name: typeName), let monday else {
            throw LetterlagError.database(path: path, reason: "a weekly row of trust \(trust) has letter type '\(typeName)' and week_start '\(text(3))', which this letterlag cannot read", statement: nil)
        }
        self.type = type
        week = CivilDate.weekIndex(days: monday)
        runID = sqlite3_column_int64(s, Self.run)
        partial = int(Self.partiality) == 1
        var c = SummaryStore.storedCounts(s, at: Self.letters)
        // A week stored before completeness was kept counts as incomplete unless nothing was outstanding.
        let complete = sqlite3_column_type(s, Self.completeness) == SQLITE_NULL ? c.outstanding == 0 : int(Self.completeness) == 1
        c.pending = complete ? 0 : 1
        figures = SummaryRow(trust: trust, type: type, counts: c, hours: SummaryStore.storedHours(s, at: Self.hours),
                             kmP50Hours: real(Self.km), p50WorkingDays: real(Self.working), complete: complete)
        figures.stages = StageFigures(reading: s, from: Self.sent)
        if let st = figures.stages {
            c.sent = st.sent
            c.inTransit = st.inTransit
            c.writingDue = st.writingDue
            c.writingWithinLimit = st.writingWithinLimit
            c.oldestInTransit = st.oldestInTransitHours.map { Int64(($0 * 3600).rounded()) } ?? .min
        } else {
            c.stagesKept = false
        }
        if histograms {
            func histogram(_ i: Int32, _ name: String) throws -> LatencyHistogram {
                let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(s, i), count: Int(sqlite3_column_bytes(s, i)))
                guard let h = LatencyHistogram(encodedBytes: bytes) else {
                    throw LetterlagError.database(path: path, reason: "the \(name) of trust \(trust), \(typeName), week \(label) is not a letterlag histogram", statement: nil)
                }
                return h
            }
            c.delay = try histogram(Self.delay, "delay_hist")
            c.outstandingAge = try histogram(Self.delay + 1, "outstanding_hist")
            c.workingDays = try histogram(Self.delay + 2, "working_days_hist")
            if c.stagesKept {
                c.writing = try histogram(Self.delay + 3, "writing_hist")
                c.delivery = try histogram(Self.delay + 4, "delivery_hist")
            }
        }
        cell = c
    }
}

extension SummaryStore {
    /// The counts of `SummarySchema.figureColumns` in a statement's row, from column `n` on.
    static func storedCounts(_ s: OpaquePointer, at n: Int32) -> CellSummary {
        func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(s, n + i)) }
        var c = CellSummary()
        c.letters = int(0); c.received = int(1); c.outstanding = int(2); c.due = int(3); c.withinLimit = int(4)
        c.due3d = int(5); c.within3d = int(6); c.due4d = int(7); c.within4d = int(8)
        return c
    }

    /// The hours of `SummarySchema.figureColumns` (after its counts) in a statement's row, from column `h` on.
    static func storedHours(_ s: OpaquePointer, at h: Int32) -> (Double?, Double?, Double?, Double?, Double?, Double?) {
        func real(_ i: Int32) -> Double? { storedReal(s, h + i) }
        return (real(0), real(1), real(2), real(3), real(4), real(5))
    }

    /// Column `i` of a statement's row as a number, or nil when it is null.
    static func storedReal(_ s: OpaquePointer, _ i: Int32) -> Double? {
        sqlite3_column_type(s, i) == SQLITE_NULL ? nil : sqlite3_column_double(s, i)
    }
}

/// Where a statement's row holds the columns `SummaryRow(reading:at:table:path:)` reads, found once
/// per query by name, so every table's rows are read the same way whatever their other columns.
struct StoredFigurePositions {
    let trust: Int32, type: Int32, counts: Int32, hours: Int32, km: Int32, stages: Int32
    /// Absent columns are -1: a row without them has no such figure.
    let workingDays: Int32, complete: Int32

    init(_ columns: [String]) {
        func at(_ name: String) -> Int32 { columns.firstIndex(of: name).map(Int32.init) ?? -1 }
        trust = at("trust_code"); type = at("letter_type"); counts = at("letters"); hours = at("p50_hours")
        km = at("km_p50_hours"); stages = at("sent"); workingDays = at("p50_working_days"); complete = at("complete")
    }
}

extension SummaryRow {
    /// A stored row's figures, by column position; a letter type this letterlag does not know is
    /// an error naming the table and the row, never another type.
    init(reading s: OpaquePointer, at p: StoredFigurePositions, table: String, path: String) throws {
        func text(_ i: Int32) -> String { sqlite3_column_text(s, i).map { String(cString: $0) } ?? "" }
        let trust = text(p.trust), typeName = text(p.type)
        guard let type = LetterType(name: typeName) else {
            throw LetterlagError.database(path: path, reason: "a \(table) row of trust \(trust) has letter type '\(typeName)', which this letterlag cannot read", statement: nil)
        }
        self.init(trust: trust, type: type, counts: SummaryStore.storedCounts(s, at: p.counts),
                  hours: SummaryStore.storedHours(s, at: p.hours), kmP50Hours: SummaryStore.storedReal(s, p.km),
                  p50WorkingDays: p.workingDays < 0 ? nil : SummaryStore.storedReal(s, p.workingDays),
                  complete: p.complete < 0 ? nil : sqlite3_column_int64(s, p.complete) == 1)
        stages = StageFigures(reading: s, from: p.stages)
    }
}

extension StageFigures {
    /// The stage columns (`SummarySchema.stageColumns`) of a statement's row from column `first` on; nil when not kept.
    init?(reading s: OpaquePointer, from first: Int32) {
        guard sqlite3_column_type(s, first) != SQLITE_NULL else { return nil }
        func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(s, first + i)) }
        func real(_ i: Int32) -> Double? { SummaryStore.storedReal(s, first + i) }
        self.init(sent: int(0), delivered: int(1), inTransit: int(2), writingDue: int(3), writingWithinLimit: int(4),
                  hours: (real(5), real(6), real(7), real(8), real(9)))
    }
}

/// One stored breakdown row read back: its run, its value and its figures.
public struct StoredBreakdown: Sendable {
    public var runID: Int64
    /// The breakdown's value as stored: a specialty or practice code, or a channel's name.
    public var value: String
    /// The event month, `2024-07`, for a row of a month table.
    public var month: String?
    public var figures: SummaryRow
}

extension SummaryStore {
    /// Calls `body` with each row of `breakdown`'s whole-run table (or, `byMonth`, its month
    /// table) for `run` (every run when nil), optionally one practice's only, in `order` (the
    /// primary key's when nil, which SQLite need not sort); memory stays flat however many rows.
    public func forEachBreakdown(_ breakdown: Breakdown, byMonth: Bool = false, run: Int64?, practice: String? = nil,
                                 orderedBy order: [String]? = nil, _ body: (StoredBreakdown) throws -> Void) throws {
        let table = breakdown.table(byMonth: byMonth)
        let columns = SummarySchema.breakdownColumns(breakdown, byMonth: byMonth)
        var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table)"
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let run { conditions.append("run_id = ?"); arguments.append(run) }
        if let practice { conditions.append("practice_code = ?"); arguments.append(practice) }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY " + (order ?? SummarySchema.breakdownKey(breakdown, byMonth: byMonth)).joined(separator: ", ")
        let at = StoredFigurePositions(columns)
        let valueAt = Int32(columns.firstIndex(of: breakdown.column)!), monthAt = Int32(columns.firstIndex(of: "month") ?? -1)
        try forEachRow(sql, arguments) { s in
            func text(_ i: Int32) -> String { sqlite3_column_text(s, i).map { String(cString: $0) } ?? "" }
            let figures = try SummaryRow(reading: s, at: at, table: table, path: path)
            try body(StoredBreakdown(runID: sqlite3_column_int64(s, 0), value: text(valueAt), month: byMonth ? text(monthAt) : nil,
                                     figures: figures))
        }
    }
}
