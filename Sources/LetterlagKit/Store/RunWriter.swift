import Foundation
import GRDB

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
    /// The practice view's months met so far (`CivilDate.monthIndex`), and whether this run takes each in the history.
    private var practiceMonths: [Int: Bool] = [:]
    /// `Breakdown.tables`' place of the practice view's months, which are kept in the history alone.
    static let practiceMonthTable = Breakdown.tables.firstIndex { $0.breakdown == .practice && $0.byMonth }!

    init(_ db: Database, run: Int64) throws {
        self.db = db
        self.run = run
        weekly = try BulkInsert(db, into: "weekly", Self.weeklyColumns)
        summary = try BulkInsert(db, into: "summary", Self.summaryColumns)
        inserts = try Breakdown.tables.enumerated().map { i, table in
            try BulkInsert(db, into: SummarySchema.storedTable(table.breakdown, byMonth: table.byMonth),
                           SummarySchema.storedColumns(table.breakdown, byMonth: table.byMonth),
                           parameters: i == Self.practiceMonthTable ? Self.practiceMonthParameters : 1)
        }
    }

    /// Parameters of an insert statement of the practice view's months: 32 rows, more than half
    /// of a national run's rows. The other tables take a row a statement: their `run_id` is a
    /// foreign key, and SQLite keeps a statement journal (a copy of every page a statement
    /// touches, written to a temporary file) for a statement of several rows that could fail one
    /// (`SummarySchema.insert`), which cost more system time than the rows saved.
    static let practiceMonthParameters = 480

    /// The `weekly` columns a run's insert names, in the order `write` binds them.
    static let weeklyColumns = ["run_id", "trust_code", "letter_type", "week", "week_start"] + StoredFigures.columns
        + ["delay_hist", "outstanding_hist", "km_p50_hours", "p50_working_days", "working_days_hist", "complete"]
        + StoredFigures.stageColumns + ["writing_hist", "delivery_hist"]

    /// The `summary` columns a run's insert names, in the order `write` binds them.
    static let summaryColumns = ["run_id", "trust_code", "letter_type"] + StoredFigures.columns
        + ["within_limit_pct", "within_3d_pct", "within_4d_pct", "p50_vs_baseline", "km_p50_hours", "p50_working_days"]
        + StoredFigures.stageColumns + ["writing_within_limit_pct", "delivered_at_sending"]

    /// Writes a batch of weekly, whole-run and breakdown rows, and the practice view's month rows.
    public mutating func write(cells: [WeeklyRow], totals: [SummaryRow], breakdowns: [BreakdownRow],
                               practiceMonths monthRows: [PracticeMonthRow] = []) throws {
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
        var lastMonth = -1, taken = false
        for r in monthRows {
            if r.month != lastMonth {
                if practiceMonths.isEmpty { try takePracticeMonths(RunHistory.windowMonths(run: run, db)) }
                if practiceMonths[r.month] == nil { try takePracticeMonths([r.month]) }
                lastMonth = r.month
                taken = practiceMonths[r.month]!
            }
            guard taken else { continue }
            inserts[Self.practiceMonthTable].bind(practiceMonth: r)
            try inserts[Self.practiceMonthTable].step(db)
        }
    }

    /// Inserts the rows still held; the run's rows are all in their tables after it.
    mutating func finish() throws {
        try weekly.finish(db)
        try summary.finish(db)
        for i in inserts.indices { try inserts[i].finish(db) }
    }

    /// Takes `months` of the practice view's months in the history where this run outranks the
    /// run standing there, and removes that run's rows of them in one pass over the table, so
    /// that the run's rows are then written in the table's key order. (A conflict clause on each
    /// insert instead made SQLite keep a statement journal, which tripled the time to store them.)
    private mutating func takePracticeMonths(_ months: [Int]) throws {
        var taken: [String] = []
        for month in months where practiceMonths[month] == nil {
            let label = CivilDate.monthLabel(month)
            practiceMonths[month] = try RunHistory.take(practiceMonth: label, run: run, db)
            if practiceMonths[month]! { taken.append(label) }
        }
        guard !taken.isEmpty else { return }
        try db.execute(sql: "DELETE FROM practice_months_stored WHERE month IN (\(taken.map { _ in "?" }.joined(separator: ", ")))",
                       arguments: StatementArguments(taken))
    }

    /// Records how many letters were left out of the practice view's months, their event month
    /// being earlier than its slots reach (`runs.practice_month_letters_left_out`).
    public func leaveOutOfPracticeMonths(letters: Int) throws {
        try db.execute(sql: "UPDATE runs SET practice_month_letters_left_out = ? WHERE id = ?", arguments: [letters, run])
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
    /// assembling thread so that the writing thread only binds (`SummarySchema.storedColumns`).
    public struct BreakdownRow: Sendable {
        /// Its table's place in `Breakdown.tables`, the order the run's inserts are made in.
        var table: Int
        /// The key's text columns after `run_id`, in `SummarySchema.breakdownKey` order; the
        /// letter type is stored as its code, bound from `row.type`.
        var key: KeyText
        var row: SummaryRow

        /// At most three key texts (a trust or practice, a month, a value or trust), held in place:
        /// each is a small string, so a row's key allocates nothing, where an array of them was a
        /// quarter of a national run's allocations.
        struct KeyText: Sendable {
            private var texts = ("", "", "")
            private(set) var count = 0

            mutating func append(_ text: String) {
                switch count {
                case 0: texts.0 = text
                case 1: texts.1 = text
                case 2: texts.2 = text
                default: preconditionFailure("a breakdown key has at most three text columns")
                }
                count += 1
            }

            subscript(i: Int) -> String {
                precondition(i < count, "key text \(i) of \(count)")
                switch i {
                case 0: return texts.0
                case 1: return texts.1
                default: return texts.2
                }
            }
        }

        /// What a key column holds of a cell.
        enum KeyPart { case trust, type, month, value }

        /// Per table of `Breakdown.tables`, what its key columns after `run_id` hold: read once
        /// from `SummarySchema.breakdownKey`, not for each of a run's 400,000 rows.
        static let keyParts: [[KeyPart]] = Breakdown.tables.map { b, byMonth in
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

        /// The row of any breakdown cell but the practice view's months, which travel as
        /// `PracticeMonthRow` and are bound by `BulkInsert.bind(practiceMonth:)`.
        public init(_ cell: BreakdownCell) {
            let monthly = cell.month != nil
            table = Breakdown.tables.firstIndex { $0.breakdown == cell.breakdown && $0.byMonth == monthly }!
            precondition(table != RunWriter.practiceMonthTable, "the practice view's months come as PracticeMonthRow")
            var key = KeyText()
            for part in Self.keyParts[table] {
                switch part {
                case .trust: key.append(cell.trust)
                case .type: break
                case .month: key.append(CivilDate.monthLabel(cell.month!))
                case .value: key.append(cell.breakdown.text(ofValue: cell.value))
                }
            }
            self.key = key
            row = SummaryRow(trust: cell.trust, type: cell.type, summary: cell.summary)
        }
    }
}

extension BulkInsert {
    /// A practice view month row's stored columns (`SummarySchema.storedColumns(.practice, byMonth: true)`).
    mutating func bind(practiceMonth r: PracticeMonthRow) {
        for part in RunWriter.BreakdownRow.keyParts[RunWriter.practiceMonthTable] {
            switch part {
            case .value: bind(PackedCode(practice: r.practice))
            case .type: bind(r.type.rawValue)
            case .month: bind(PackedCode(month: r.month))
            case .trust: bind(r.trust)
            }
        }
        bind(storedCounts: (r.received, r.outstanding, r.due, r.withinLimit, r.due3d, r.within3d, r.due4d, r.within4d),
             p50Seconds: StoredFigures.wholeSeconds(r.p50Seconds), p90Seconds: StoredFigures.wholeSeconds(r.p90Seconds))
        bind(r.isComplete ? 1 : 0)
    }

    /// A breakdown row's stored columns after `run_id` (`SummarySchema.storedColumns`).
    mutating func bind(breakdown r: RunWriter.BreakdownRow) {
        bind(keyOf: r)
        bind(storedFiguresOf: r.row)
        bind(StoredFigures.seconds(r.row.kmP50Hours))
        bind(r.row.complete == true ? 1 : 0)
        bind(storedStagesOf: r.row)
    }

    /// A breakdown row's key columns after `run_id`, the letter type as its code (`letter_types`).
    mutating func bind(keyOf r: RunWriter.BreakdownRow) {
        var text = 0
        for part in RunWriter.BreakdownRow.keyParts[r.table] {
            if part == .type {
                bind(r.row.type.rawValue)
            } else {
                bind(r.key[text])
                text += 1
            }
        }
    }
}
