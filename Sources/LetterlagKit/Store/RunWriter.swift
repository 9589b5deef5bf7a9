import Foundation
import GRDB

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
                let previousCache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2_000
                try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB(weeklyRows: weeklyRows))")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCache)") }
                for (file, key) in zip(result.files, contentKeys) {
                    let earlier = try Int64.fetchAll(db, sql: "SELECT DISTINCT run_id FROM run_files WHERE content_key = ?", arguments: [key])
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

/// Writes one run's rows inside its transaction, as `SummaryStore.store` hands it to its caller:
/// rows come as plain values, their figures and histogram bytes made on the threads that made
/// them, so the writing thread only binds and steps. Valid only within that call.
public struct RunWriter {
    private let db: Database
    private let run: Int64
    private var weekly: BulkInsert
    private var summary: BulkInsert
    private var inserts: [BulkInsert]
    /// Letters delivered at sending, summed over the whole-run rows written.
    private(set) var deliveredAtSending = 0

    init(_ db: Database, run: Int64) throws {
        self.db = db
        self.run = run
        weekly = BulkInsert(try db.makeStatement(sql: SummarySchema.insert(into: "weekly", SummarySchema.weeklyColumns)))
        summary = BulkInsert(try db.makeStatement(sql: SummarySchema.insert(into: "summary", SummarySchema.summaryColumns)))
        inserts = try Breakdown.tables.map { b, byMonth in
            BulkInsert(try db.makeStatement(sql: SummarySchema.insert(into: b.table(byMonth: byMonth),
                                                                         SummarySchema.breakdownColumns(b, byMonth: byMonth))))
        }
    }

    /// Writes a batch of weekly, whole-run and breakdown rows.
    public mutating func write(cells: [WeeklyRow], totals: [SummaryRow], breakdowns: [BreakdownRow]) throws {
        for w in cells {
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
            weekly.bind(w.blobs[w.agesEnd..<w.workingEnd])
            weekly.bind(w.complete ? 1 : 0)
            weekly.bind(stagesOf: w.row)
            weekly.bind(w.blobs[w.workingEnd..<w.writingEnd])
            weekly.bind(w.blobs[w.writingEnd...])
            try weekly.step(db)
        }
        for row in totals {
            summary.bind(run)
            summary.bind(row.trust)
            summary.bind(row.type.name)
            summary.bind(figuresOf: row)
            for value in [row.withinLimitPercent, row.within3dPercent, row.within4dPercent, row.p50VersusBaseline, row.kmP50Hours, row.p50WorkingDays] {
                summary.bind(value)
            }
            summary.bind(stagesOf: row)
            summary.bind(row.stages?.writingWithinLimitPercent)
            summary.bind(row.stages?.deliveredAtSending)
            deliveredAtSending += row.stages?.deliveredAtSending ?? 0
            try summary.step(db)
        }
        for r in breakdowns {
            inserts[r.table].bind(run)
            inserts[r.table].bind(breakdown: r)
            try inserts[r.table].step(db)
        }
    }

    /// Records a trust × letter type left out of the practice view, with the practices it named.
    public func omitFromPracticeView(trust: String, type: LetterType, practices: Int, reason: String) throws {
        try db.execute(sql: "INSERT INTO breakdown_omissions VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [run, Breakdown.practice.rawValue, trust, type.name, practices, reason])
    }

    /// One weekly row, ready to bind.
    public struct WeeklyRow: Sendable {
        var row: SummaryRow
        var week: String
        var weekStart: String
        var complete: Bool
        /// The delay, outstanding-age, working-days, writing and delivery histograms' stored forms,
        /// one after another in one buffer (one allocation a row, not five); the first four end at
        /// these offsets.
        var blobs: [UInt8] = []
        var delayEnd = 0
        var agesEnd = 0
        var workingEnd = 0
        var writingEnd = 0

        public init(id: CellID, cell: CellSummary) {
            row = SummaryRow(trust: id.trust, type: id.type, summary: cell)
            week = CivilDate.isoWeekLabel(ofWeek: id.week)
            weekStart = CivilDate.isoDate(days: CivilDate.monday(ofWeek: id.week))
            complete = cell.isComplete
            blobs.reserveCapacity(cell.delay.encodedSizeEstimate + cell.outstandingAge.encodedSizeEstimate + cell.workingDays.encodedSizeEstimate
                                  + cell.writing.encodedSizeEstimate + cell.delivery.encodedSizeEstimate)
            cell.delay.encode(into: &blobs)
            delayEnd = blobs.count
            cell.outstandingAge.encode(into: &blobs)
            agesEnd = blobs.count
            cell.workingDays.encode(into: &blobs)
            workingEnd = blobs.count
            cell.writing.encode(into: &blobs)
            writingEnd = blobs.count
            cell.delivery.encode(into: &blobs)
        }
    }

    /// One breakdown row, ready to bind: its key's text and its figures, computed on an
    /// assembling thread so that the writing thread only binds (`SummarySchema.breakdownColumns`).
    public struct BreakdownRow: Sendable {
        /// Its table's place in `Breakdown.tables`, the order the run's inserts are made in.
        var table: Int
        /// The key columns after `run_id`, in `SummarySchema.breakdownKey` order.
        var key: [String]
        var row: SummaryRow

        /// What a key column holds of a cell.
        private enum KeyPart { case trust, type, month, value }

        /// Per table of `Breakdown.tables`, what its key columns after `run_id` hold: read once
        /// from `SummarySchema.breakdownKey`, not for each of a run's 400,000 rows.
        private static let keyParts: [[KeyPart]] = Breakdown.tables.map { b, byMonth in
            SummarySchema.breakdownKey(b, byMonth: byMonth).dropFirst().map { column in
                switch column {
                case "trust_code": .trust
                case "letter_type": .type
                case "month": .month
                case b.column: .value
                default: preconditionFailure("\(column) is not a key column of \(b.table(byMonth: byMonth))")
                }
            }
        }

        public init(_ cell: BreakdownCell) {
            let monthly = cell.month != nil
            table = Breakdown.tables.firstIndex { $0.breakdown == cell.breakdown && $0.byMonth == monthly }!
            key = Self.keyParts[table].map { part in
                switch part {
                case .trust: cell.trust
                case .type: cell.type.name
                case .month: CivilDate.monthLabel(cell.month!)
                case .value: cell.breakdown.text(ofValue: cell.value)
                }
            }
            row = SummaryRow(trust: cell.trust, type: cell.type, summary: cell.summary)
        }
    }
}

extension BulkInsert {
    /// A breakdown row's columns after `run_id` (`SummarySchema.breakdownColumns`).
    mutating func bind(breakdown r: RunWriter.BreakdownRow) {
        for key in r.key { bind(key) }
        bind(figuresOf: r.row)
        bind(r.row.kmP50Hours)
        bind(r.row.complete == true ? 1 : 0)
        bind(stagesOf: r.row)
    }
}
