import Foundation
import GRDB

/// Reads stored runs and their rows, every row through `StatementRow`. Whole-run rows are few
/// (trusts × letter types) and are read whole; weekly and breakdown rows can be hundreds of
/// thousands, so they are streamed, in their primary key's order, which SQLite need not sort.
public struct RunReader {
    public let path: String
    let database: any DatabaseReader

    /// Runs `body` on a read connection; SQLite's errors name the database.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as DatabaseError {
            throw SummaryStore.failure(error, path: path)
        }
    }

    /// Calls `body` with each row of `sql`, memory flat however many rows there are.
    func forEachRow(_ sql: String, _ arguments: [any DatabaseValueConvertible] = [], _ body: (StatementRow) throws -> Void) throws {
        try read { db in try StatementRow.forEach(in: db, sql, arguments, body) }
    }

    /// Every stored run, pruned ones included, oldest first.
    public func runs() throws -> [StoredRun] {
        var runs: [StoredRun] = []
        try forEachRow("SELECT \(StoredRun.columns.joined(separator: ", ")) FROM runs ORDER BY id") { runs.append(try StoredRun(reading: $0, path: path)) }
        return runs
    }

    /// The run with `id`, or the latest stored when nil; a pruned run's snapshot is gone, so it is refused.
    public func run(_ id: Int64?) throws -> StoredRun {
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
        let columns = ["trust_code", "letter_type"] + StoredFigures.columns + ["km_p50_hours", "p50_working_days"]
            + StoredFigures.stageColumns
        let at = StoredFigures.Positions(columns)
        var rows: [SummaryRow] = []
        try forEachRow("SELECT \(columns.joined(separator: ", ")) FROM summary WHERE run_id = ? ORDER BY trust_code, letter_type", [run]) { row in
            rows.append(try SummaryRow(reading: row, at: at, table: "summary", path: path))
        }
        return rows
    }

    /// How many of a run's letters were received within the clock tolerance before their sending.
    public func deliveredAtSending(run: Int64) throws -> Int {
        var count = 0
        try forEachRow("SELECT delivered_at_sending FROM runs WHERE id = ?", [run]) { count = $0.int(0) }
        return count
    }

    /// The contract limits a run was computed with.
    public func limits(run: Int64) throws -> ContractLimits {
        var json: String?
        try forEachRow("SELECT limits_json FROM runs WHERE id = ?", [run]) { json = $0.optionalText(0) }
        guard let json else { throw LetterlagError.noRuns("\(path): there is no run \(run)") }
        return try ContractLimits(json: Data(json.utf8))
    }

    /// Reject counts of a run, by reason name.
    public func rejects(run: Int64) throws -> [(reason: String, count: Int)] {
        var rejects: [(reason: String, count: Int)] = []
        try forEachRow("SELECT reason, count FROM rejects WHERE run_id = ? ORDER BY count DESC, reason", [run]) { rejects.append(($0.text(0), $0.int(1))) }
        return rejects
    }

    /// Calls `body` with each weekly row of a run, or each week standing in the history (with the
    /// run it came from), in trust, letter type and week order. The stored figures are always
    /// read; the histograms only with `histograms`, for callers that merge weeks.
    public func forEachWeek(_ source: WeekSource, trust: String? = nil, type: LetterType? = nil, histograms: StoredWeek.Histograms,
                            _ body: (StoredWeek) throws -> Void) throws {
        let columns = StoredWeek.columns + histograms.columns
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
        try forEachRow(sql, arguments) { try body(try StoredWeek(reading: $0, histograms: histograms, path: path)) }
    }

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
        let at = StoredFigures.Positions(columns)
        let runAt = StatementRow.position(of: "run_id", in: columns), valueAt = StatementRow.position(of: breakdown.column, in: columns),
            monthAt = StatementRow.position(of: "month", in: columns), partialAt = StatementRow.position(of: "partial", in: columns)
        try forEachRow(sql, arguments) { row in
            let figures = try SummaryRow(reading: row, at: at, table: table, path: path)
            try body(StoredBreakdown(runID: row.int64(runAt), value: row.text(valueAt), month: byMonth ? row.text(monthAt) : nil,
                                     figures: figures, partial: partialAt >= 0 && row.int(partialAt) == 1))
        }
    }

    /// Which of `sizes` some stored file has; a file of any other size cannot be stored content.
    public func storedSizes(among sizes: [Int]) throws -> Set<Int> {
        var stored = Set<Int>()
        for size in sizes {
            // ':' sorts just before ';', so each size's keys are one range of the content_key index.
            try forEachRow("SELECT EXISTS (SELECT 1 FROM run_files WHERE content_key >= ? AND content_key < ?)", ["\(size):", "\(size);"]) {
                if $0.int(0) == 1 { stored.insert(size) }
            }
        }
        return stored
    }

    /// For each of these content keys already stored, the earliest run holding it.
    public func runs(holding keys: [String]) throws -> [String: Int64] {
        var runs: [String: Int64] = [:]
        try forEachRow("""
            SELECT content_key, min(run_id) FROM run_files
            WHERE content_key IN (\(keys.map { _ in "?" }.joined(separator: ","))) GROUP BY content_key
            """, keys) { runs[$0.text(0)] = $0.int64(1) }
        return runs
    }
}
