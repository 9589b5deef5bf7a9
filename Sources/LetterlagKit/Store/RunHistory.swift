import GRDB

/// Keeps the history (docs/schema.md, "History"): for every trust × letter type × week, and
/// every trust × letter type × month of the monthly breakdowns, the run whose figures stand.
///
/// The history names rows, it copies none: `history_weeks` points at a `weekly` row and
/// `history_months` at the month's `by_specialty_month` and `by_channel_month` rows. A run's row
/// stands when no other run ranks higher for that period, by: covering it in full (a partial
/// period never replaces a covered one), then the later as-of time (an older snapshot ingested
/// after a newer one never wins), then the later ingest.
enum RunHistory {
    /// A period table of the history: its name, the period column, the run's covered bounds in
    /// `runs`, and the table whose keys say which periods a run has figures for.
    private struct Periods {
        let table: String
        let column: String
        let first: String
        let last: String
        let source: String
    }

    private static let weeks = Periods(table: "history_weeks", column: "week_start", first: "first_full_week",
                                       last: "last_full_week", source: "weekly")
    /// Every letter of a trust × type × month has a channel (`unknown` at worst), so the channel
    /// table's keys are the months the run has figures for.
    private static let months = Periods(table: "history_months", column: "month", first: "first_full_month",
                                        last: "last_full_month", source: "by_channel_month")

    /// Enters a newly stored run's periods wherever it ranks higher than the run standing there.
    /// Costs a read of the run's keys from their indexes and one history lookup a period.
    static func add(run: Int64, _ db: Database) throws {
        for p in [weeks, months] {
            try db.execute(sql: """
                INSERT INTO \(p.table) (trust_code, letter_type, \(p.column), run_id, partial)
                SELECT DISTINCT s.trust_code, s.letter_type, s.\(p.column), s.run_id,
                       NOT (s.\(p.column) BETWEEN r.\(p.first) AND r.\(p.last))
                FROM \(p.source) s JOIN runs r ON r.id = s.run_id WHERE s.run_id = ?
                ON CONFLICT (trust_code, letter_type, \(p.column)) DO UPDATE SET run_id = excluded.run_id, partial = excluded.partial
                WHERE (1 - excluded.partial, (SELECT as_of FROM runs WHERE id = excluded.run_id), excluded.run_id)
                    > (1 - \(p.table).partial, (SELECT as_of FROM runs WHERE id = \(p.table).run_id), \(p.table).run_id)
                """, arguments: [run])
        }
    }

    /// Enters `month` of the practice view's months for newly stored `run` where it ranks higher
    /// than the run standing there, by the same ranking as every period, and returns whether it
    /// now stands. Those months are kept in the history alone (`practice_months`): the run that
    /// takes a month replaces its rows.
    static func take(practiceMonth month: String, run: Int64, _ db: Database) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO history_practice_months (month, run_id, partial)
            SELECT ?1, id, NOT (?1 BETWEEN first_full_month AND last_full_month) FROM runs WHERE id = ?2
            ON CONFLICT (month) DO UPDATE SET run_id = excluded.run_id, partial = excluded.partial
            WHERE (1 - excluded.partial, (SELECT as_of FROM runs WHERE id = excluded.run_id), excluded.run_id)
                > (1 - history_practice_months.partial, (SELECT as_of FROM runs WHERE id = history_practice_months.run_id),
                   history_practice_months.run_id)
            """, arguments: [month, run])
        var stands = false
        try StatementRow.forEach(in: db, "SELECT 1 FROM history_practice_months WHERE month = ? AND run_id = ?", [month, run]) { _ in
            stands = true
        }
        return stands
    }

    /// The months from a run's window start to its as-of time, in London (`CivilDate.monthIndex`):
    /// the practice view's months it may take, claimed before its rows are written.
    static func windowMonths(run: Int64, _ db: Database) throws -> [Int] {
        var bounds: (start: Int64, asOf: Int64)?
        try StatementRow.forEach(in: db, "SELECT window_start, as_of FROM runs WHERE id = ?", [run]) { row in
            if let start = Timestamps.parseStored(row.text(0)), let asOf = Timestamps.parseStored(row.text(1)) { bounds = (start, asOf) }
        }
        guard let bounds else { return [] }
        let clock = LondonClock.shared
        let first = CivilDate.monthIndex(days: clock.localDay(fromUTC: bounds.start))
        let last = CivilDate.monthIndex(days: clock.localDay(fromUTC: bounds.asOf))
        return first <= last ? Array(first...last) : []
    }

    /// Deletes a removed run's rows that the history does not name: every whole-run table's,
    /// and its weeks and months but those that still stand. Its `runs` row, files and rejects
    /// stay, marked `pruned_at`: a few hundred bytes that say what ran each night.
    static func discardSnapshot(run: Int64, prunedAt: String, _ db: Database) throws {
        for table in ["summary", "by_specialty_stored", "by_channel_stored", "by_practice_stored", "by_practice_v9", "breakdown_omissions"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ?", arguments: [run])
        }
        try db.execute(sql: """
            DELETE FROM weekly WHERE run_id = ?1 AND rowid NOT IN (
                SELECT w.rowid FROM history_weeks h JOIN weekly w ON w.run_id = h.run_id AND w.trust_code = h.trust_code
                    AND w.letter_type = h.letter_type AND w.week_start = h.week_start
                WHERE h.run_id = ?1)
            """, arguments: [run])
        for table in ["by_specialty_month_stored", "by_channel_month_stored"] {
            try db.execute(sql: """
                DELETE FROM \(table) WHERE run_id = ?1 AND (trust_code, letter_type_code, month) NOT IN (
                    SELECT h.trust_code, t.code, h.month FROM history_months h JOIN letter_types t ON t.letter_type = h.letter_type
                    WHERE h.run_id = ?1)
                """, arguments: [run])
        }
        try db.execute(sql: "UPDATE runs SET pruned_at = ? WHERE id = ?", arguments: [prunedAt, run])
    }
}
