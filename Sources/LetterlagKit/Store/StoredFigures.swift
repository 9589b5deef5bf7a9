/// The figure and stage columns that `weekly`, `summary` and the breakdown tables share: their
/// names in table order and the one binder that writes them in that order live here, side by
/// side; readers find each column by name (`Positions`), so only this file knows the order.
enum StoredFigures {
    /// The counts then hours, in table order: `BulkInsert.bind(figuresOf:)` binds in this order.
    static let columns = ["letters", "received", "outstanding", "due", "within_limit", "due_3d", "within_3d", "due_4d", "within_4d",
                          "p50_hours", "p90_hours", "p95_hours", "p99_hours", "max_hours", "oldest_outstanding_hours"]

    /// The stage columns, counts then hours, in table order: `BulkInsert.bind(stagesOf:)` binds in
    /// this order. Null in rows stored before v8.
    static let stageColumns = ["sent", "delivered", "in_transit", "writing_due", "writing_within_limit", "writing_p50_hours",
                               "writing_p90_hours", "delivery_p50_hours", "delivery_p90_hours", "oldest_in_transit_hours"]

    /// A table's columns as its stored table names them (docs/schema.md, "How breakdowns are
    /// stored"): the letter type as `letter_type_code`, each `_hours` figure as `_seconds`, and
    /// neither `letters` (received + outstanding) nor the history's `partial`, which the views make.
    static func stored(_ columns: [String]) -> [String] {
        columns.compactMap { column in
            switch column {
            case "letters", "partial": nil
            case "letter_type": "letter_type_code"
            case _ where column.hasSuffix("_hours"): column.dropLast("hours".count) + "seconds"
            default: column
            }
        }
    }

    /// Whole seconds from hours that a histogram's value made, as `seconds / 3600`: every such
    /// value is a whole number of seconds (a bucket's representative or an extreme), and the
    /// division's error is far below half a second, so this gives back exactly the seconds, and
    /// the views' `seconds / 3600.0` exactly the hours.
    static func seconds(_ hours: Double?) -> Int? { wholeSeconds(hours.map { $0 * 3600 }) }

    /// A histogram's value in seconds as stored: a whole number already, kept as an integer.
    static func wholeSeconds(_ seconds: Double?) -> Int? { seconds.map { Int($0.rounded()) } }

    /// Where a query's row holds each column `SummaryRow(reading:at:table:path:)` reads, found once
    /// per query by name, so every table's rows are read the same way whatever their other columns.
    /// Absent optional columns are -1: a row without them has no such figure.
    struct Positions {
        let trust, type: Int32
        let letters, received, outstanding, due, withinLimit, due3d, within3d, due4d, within4d: Int32
        let p50, p90, p95, p99, max, oldestOutstanding, km, workingDays, complete: Int32
        let sent, delivered, inTransit, writingDue, writingWithinLimit: Int32
        let writingP50, writingP90, deliveryP50, deliveryP90, oldestInTransit: Int32

        init(_ columns: [String]) {
            func at(_ name: String) -> Int32 { StatementRow.position(of: name, in: columns) }
            trust = at("trust_code"); type = at("letter_type")
            letters = at("letters"); received = at("received"); outstanding = at("outstanding"); due = at("due")
            withinLimit = at("within_limit"); due3d = at("due_3d"); within3d = at("within_3d"); due4d = at("due_4d")
            within4d = at("within_4d")
            p50 = at("p50_hours"); p90 = at("p90_hours"); p95 = at("p95_hours"); p99 = at("p99_hours"); max = at("max_hours")
            oldestOutstanding = at("oldest_outstanding_hours"); km = at("km_p50_hours"); workingDays = at("p50_working_days")
            complete = at("complete")
            sent = at("sent"); delivered = at("delivered"); inTransit = at("in_transit"); writingDue = at("writing_due")
            writingWithinLimit = at("writing_within_limit"); writingP50 = at("writing_p50_hours"); writingP90 = at("writing_p90_hours")
            deliveryP50 = at("delivery_p50_hours"); deliveryP90 = at("delivery_p90_hours"); oldestInTransit = at("oldest_in_transit_hours")
        }
    }

    /// A row's counts, by name.
    static func counts(_ row: StatementRow, at p: Positions) -> CellSummary {
        var c = CellSummary()
        c.letters = row.int(p.letters); c.received = row.int(p.received); c.outstanding = row.int(p.outstanding)
        c.due = row.int(p.due); c.withinLimit = row.int(p.withinLimit)
        c.due3d = row.int(p.due3d); c.within3d = row.int(p.within3d); c.due4d = row.int(p.due4d); c.within4d = row.int(p.within4d)
        return c
    }

    /// A row's hours: p50, p90, p95, p99, max and oldest outstanding.
    static func hours(_ row: StatementRow, at p: Positions) -> (Double?, Double?, Double?, Double?, Double?, Double?) {
        (row.real(p.p50), row.real(p.p90), row.real(p.p95), row.real(p.p99), row.real(p.max), row.real(p.oldestOutstanding))
    }
}

extension BulkInsert {
    /// The counts and hours, in `StoredFigures.columns` order, field by field, since arrays of
    /// them cost four allocations a row on the one writing thread.
    mutating func bind(figuresOf r: SummaryRow) {
        bind(r.letters); bind(r.received); bind(r.outstanding); bind(r.due); bind(r.withinLimit)
        bind(r.due3d); bind(r.within3d); bind(r.due4d); bind(r.within4d)
        bind(r.p50Hours); bind(r.p90Hours); bind(r.p95Hours); bind(r.p99Hours); bind(r.maxHours); bind(r.oldestOutstandingHours)
    }

    /// The counts but `letters`, then the hours as whole seconds, in `StoredFigures.stored(columns)` order.
    mutating func bind(storedFiguresOf r: SummaryRow) {
        bind(storedCountsAndMiddleOf: r)
        bind(StoredFigures.seconds(r.p95Hours)); bind(StoredFigures.seconds(r.p99Hours))
        bind(StoredFigures.seconds(r.maxHours)); bind(StoredFigures.seconds(r.oldestOutstandingHours))
    }

    /// The counts but `letters`, and the median and 90th percentile in whole seconds: the stored
    /// practice view's month figures, the first columns `bind(storedFiguresOf:)` binds.
    @inline(__always)
    mutating func bind(storedCountsAndMiddleOf r: SummaryRow) {
        bind(storedCounts: (r.received, r.outstanding, r.due, r.withinLimit, r.due3d, r.within3d, r.due4d, r.within4d),
             p50Seconds: StoredFigures.seconds(r.p50Hours), p90Seconds: StoredFigures.seconds(r.p90Hours))
    }

    /// `bind(storedCountsAndMiddleOf:)` from the numbers themselves (received, outstanding, due,
    /// within limit, due and within 3 days, due and within 4 days, then the stored seconds), for a
    /// row that is no `SummaryRow`.
    @inline(__always)
    mutating func bind(storedCounts c: (Int, Int, Int, Int, Int, Int, Int, Int), p50Seconds: Int?, p90Seconds: Int?) {
        bind(c.0); bind(c.1); bind(c.2); bind(c.3); bind(c.4); bind(c.5); bind(c.6); bind(c.7)
        bind(p50Seconds); bind(p90Seconds)
    }

    /// The stage columns with hours as whole seconds, in `StoredFigures.stored(stageColumns)` order.
    mutating func bind(storedStagesOf r: SummaryRow) {
        let s = r.stages
        bind(s?.sent); bind(s?.delivered); bind(s?.inTransit); bind(s?.writingDue); bind(s?.writingWithinLimit)
        for hours in [s?.writingP50Hours, s?.writingP90Hours, s?.deliveryP50Hours, s?.deliveryP90Hours, s?.oldestInTransitHours] {
            bind(StoredFigures.seconds(hours))
        }
    }

    /// The stage columns, in `StoredFigures.stageColumns` order; all null before stages were kept.
    mutating func bind(stagesOf r: SummaryRow) {
        let s = r.stages
        bind(s?.sent); bind(s?.delivered); bind(s?.inTransit); bind(s?.writingDue); bind(s?.writingWithinLimit)
        bind(s?.writingP50Hours); bind(s?.writingP90Hours); bind(s?.deliveryP50Hours); bind(s?.deliveryP90Hours)
        bind(s?.oldestInTransitHours)
    }
}

extension SummaryRow {
    /// A stored row's figures, by column name; a letter type this letterlag does not know is an
    /// error naming the table and the row, never another type.
    init(reading row: StatementRow, at p: StoredFigures.Positions, table: String, path: String) throws {
        let trust = row.text(p.trust), typeName = row.text(p.type)
        guard let type = LetterType(name: typeName) else {
            throw LetterlagError.database(path: path, reason: "a \(table) row of trust \(trust) has letter type '\(typeName)', which this letterlag cannot read", statement: nil)
        }
        self.init(trust: trust, type: type, counts: StoredFigures.counts(row, at: p), hours: StoredFigures.hours(row, at: p),
                  kmP50Hours: row.real(p.km), p50WorkingDays: p.workingDays < 0 ? nil : row.real(p.workingDays),
                  complete: p.complete < 0 ? nil : row.int(p.complete) == 1)
        stages = StageFigures(reading: row, at: p)
    }
}

extension StageFigures {
    /// A stored row's stage figures, by column name; nil when the run did not keep them.
    init?(reading row: StatementRow, at p: StoredFigures.Positions) {
        guard !row.isNull(p.sent) else { return nil }
        self.init(sent: row.int(p.sent), delivered: row.int(p.delivered), inTransit: row.int(p.inTransit),
                  writingDue: row.int(p.writingDue), writingWithinLimit: row.int(p.writingWithinLimit),
                  hours: (row.real(p.writingP50), row.real(p.writingP90), row.real(p.deliveryP50), row.real(p.deliveryP90),
                          row.real(p.oldestInTransit)))
    }
}
