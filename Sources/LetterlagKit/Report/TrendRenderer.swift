/// Writes a trend, a run's or the history's, as CSV, JSON or a table, exact or published, one
/// period at a time as the store streams them.
///
/// Each column is a name and a rule from a row to a cell; the CSV header, the JSON keys and the
/// table's chosen columns all come from that one list.
public struct TrendRenderer: FormatRenderer {
    public let period: TrendPeriod
    public let formatter: FigureFormatter
    /// Columns written before the trend's own, such as export's `run_id`.
    public let leading: [(name: String, cell: FigureCell)]
    /// The run the rows are of, when known: a table then starts with its title and JSON rows say
    /// what the delay measures (`delay_to`); CSV keeps its fixed columns, and `runs` says it.
    public let run: StoredRun?
    /// Whether the rows are the history's: each then ends with `partial` and the `run_id` it came from.
    public let history: Bool
    /// The practice whose months these are (`init(practiceHistory:…)`), when they are.
    public let practice: String?
    /// For the history, what each run's delay measures, by run id (`delay_to`).
    private let delayTo: [Int64: DelayTarget]
    private let rows: RowSource<TrendBuilder.Row>

    /// A trend column: the period's, or a figure column of the period's row.
    struct Column {
        let name: String
        let cell: (TrendBuilder.Row, FigureFormatter) -> FigureCell
    }

    /// Every figure column after the period's, in CSV order.
    static let figureNames = ["letters", "received", "outstanding", "p50_hours", "p90_hours", "within_limit_pct", "within_3d_pct",
                              "within_4d_pct", "p50_vs_baseline", "due", "within_limit", "p95_hours", "p99_hours", "max_hours",
                              "oldest_outstanding_hours", "km_p50_hours", "p50_working_days", "sent", "in_transit",
                              "writing_p50_hours", "writing_p90_hours", "delivery_p50_hours", "delivery_p90_hours",
                              "writing_within_limit_pct", "oldest_in_transit_hours", "complete"]

    /// The figure columns of a practice's months, which keep the counts, the median and the 90th
    /// percentile (docs/schema.md, "The practice view by month").
    static let practiceFigureNames = ["letters", "received", "outstanding", "p50_hours", "p90_hours", "within_limit_pct", "within_3d_pct",
                                      "within_4d_pct", "p50_vs_baseline", "due", "within_limit", "complete"]

    /// Every column, in CSV order; the period's column is named after it, and a practice's months
    /// name the practice after the letter type.
    static func columns(_ period: TrendPeriod, history: Bool, practice: String? = nil) -> [Column] {
        func figure(_ c: FigureColumn) -> Column { Column(name: c.name) { row, f in c.cell(row.figures, f) } }
        return FigureColumn.named(["trust_code", "letter_type"]).map(figure)
            + (practice.map { code in [Column(name: Breakdown.practice.column) { _, _ in .text(code) }] } ?? [])
            + [Column(name: period.rawValue) { row, _ in .text(row.period) }]
            + FigureColumn.named(practice == nil ? figureNames : practiceFigureNames).map(figure)
            + (history ? [Column(name: "partial") { row, _ in .integer(row.partial ? 1 : 0) },
                          Column(name: "run_id") { row, _ in .integer(Int(row.runID)) }] : [])
    }

    /// The table's columns for people: (column, heading).
    static func tableColumns(_ period: TrendPeriod, practice: Bool = false) -> [(String, String)] {
        [("trust_code", "trust"), ("letter_type", "letter type"), (period.rawValue, period.rawValue), ("letters", "letters"),
         ("outstanding", "outstanding"), ("p50_hours", "median (h)")] + (practice ? [] : [("km_p50_hours", "KM median (h)")])
            + [("p50_vs_baseline", "× 3.5d"), ("p90_hours", "p90 (h)"), ("within_limit_pct", "in limit %"), ("within_3d_pct", "≤3d %"),
               ("within_4d_pct", "≤4d %")]
    }

    private let columns: [Column]
    /// The table's columns for people, with their headings.
    private let tableSelection: [(heading: String, column: Column)]

    /// A trend of `rows`, a run's when `run` is given, the history's (across `historyOf`) when that is.
    public init(period: TrendPeriod, publish: Bool, leading: [(name: String, cell: FigureCell)] = [], run: StoredRun? = nil,
                historyOf runs: [StoredRun]? = nil, practice: String? = nil, rows: @escaping RowSource<TrendBuilder.Row>) {
        self.period = period
        self.run = run
        self.practice = practice
        history = runs != nil
        delayTo = Dictionary(uniqueKeysWithValues: (runs ?? []).map { ($0.id, $0.delayTo) })
        formatter = FigureFormatter(publish: publish)
        self.leading = leading
        self.rows = rows
        columns = Self.columns(period, history: history, practice: practice)
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0) })
        tableSelection = Self.tableColumns(period, practice: practice != nil).map { ($0.1, byName[$0.0]!) }
    }

    /// A run's trend from the store, one period held at a time.
    public init(_ reader: RunReader, run: StoredRun, trust: String? = nil, type: LetterType? = nil, by period: TrendPeriod,
                publish: Bool, leading: [(name: String, cell: FigureCell)] = []) {
        self.init(period: period, publish: publish, leading: leading, run: run) { each in
            try TrendBuilder.stream(reader, .run(run.id), trust: trust, type: type, by: period, each)
        }
    }

    /// The history's trend (docs/schema.md, "History"), one period held at a time.
    public init(history reader: RunReader, trust: String? = nil, type: LetterType? = nil, by period: TrendPeriod, publish: Bool) throws {
        self.init(period: period, publish: publish, historyOf: try reader.runs()) { each in
            try TrendBuilder.stream(reader, .history, trust: trust, type: type, by: period, each)
        }
    }

    /// A practice's trend by event month from the history (docs/schema.md, "The practice view by
    /// month"): per letter type, its `(all)` row, then each trust named for it, month by month,
    /// each month from the run that stands for it; with `trust` or `type`, only those rows. Reads
    /// the practice's rows through the table's key, a few milliseconds.
    public init(practiceHistory reader: RunReader, practice: String, trust: String? = nil, type: LetterType? = nil,
                publish: Bool) throws {
        guard CodeShape.isPractice(practice) else { throw LetterlagError.badArgument("a practice code is \(CodeShape.practiceShape)") }
        self.init(period: .month, publish: publish, historyOf: try reader.runs(), practice: practice) { each in
            try reader.forEachBreakdown(.practice, byMonth: true, run: nil, practice: practice,
                                        orderedBy: ["letter_type", "trust_code", "month"]) { r in
                guard trust.map({ $0 == r.figures.trust }) ?? true, type.map({ $0 == r.figures.type }) ?? true else { return }
                try each(TrendBuilder.Row(period: r.month ?? "", firstWeek: 0, figures: r.figures, runID: r.runID, partial: r.partial))
            }
        }
    }

    /// The CSV header's names.
    public var header: [String] { leading.map(\.name) + columns.map(\.name) }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        var out = RowOutput(format, to: sink) {
            StreamingTable(header: tableSelection.map(\.heading) + ["status"] + (history ? ["run"] : []),
                           leftAligned: [0, 1, 2, tableSelection.count], sink: sink)
        }
        switch format {
        case .csv: try out.csv.row(header)
        case .json: try out.json.begin()
        case .table:
            if let run { try sink.write(run.title + ".\n") }
            if let practice { try sink.write("Practice \(practice) by event month: (all) and each trust named for it in the month.\n") }
            if history {
                let measures = Set(delayTo.values).sorted { $0.rawValue < $1.rawValue }.map(\.description).joined(separator: " or ")
                try sink.write("The history across runs: each \(practice == nil ? "week" : "month") from the run with the latest as-of time that covered it (run); delay is \(measures).\n")
            }
        }
        try rows { row in
            switch format {
            case .csv:
                for l in leading { try out.csv.cell(l.cell) }
                for c in columns { try out.csv.cell(c.cell(row, formatter)) }
                try out.csv.endRow()
            case .json:
                let delay = (run?.delayTo ?? delayTo[row.runID]).map { [("delay_to", FigureCell.text($0.rawValue))] } ?? []
                try out.json.object(leading + columns.map { ($0.name, $0.cell(row, formatter)) } + delay)
            case .table:
                let status = row.partial ? "partial" : row.figures.complete == true ? "" : "provisional"
                try out.table!.add(tableSelection.map { $0.column.cell(row, formatter).text } + [status] + (history ? [String(row.runID)] : []))
            }
        }
        switch format {
        case .csv: break
        case .json: try out.json.end()
        case .table:
            try out.table!.finish()
            try sink.write(Self.provisionalNote)
            if history { try sink.write(Self.partialNote) }
        }
    }

    /// What a table's `provisional` status means, printed under it.
    static let provisionalNote = "Provisional: a period with letters outstanding that are not yet older than both their contract limit and 4 days; its figures can still change.\n"

    /// What a table's `partial` status means, printed under a history.
    static let partialNote = "Partial: a period that began before the window of every run holding it, or had not ended by its as-of time; its counts miss letters.\n"
}
