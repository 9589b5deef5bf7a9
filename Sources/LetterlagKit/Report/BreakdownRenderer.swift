/// Writes `report --by specialty|channel|practice` and `report --practice`: one row per trust ×
/// letter type × value over the run, with the report's columns, stages included.
///
/// Rows stream from the store's whole-run breakdown tables in their key order: trust, letter
/// type and value, or for practices practice, letter type and trust (docs/schema.md, "Breakdowns").
public struct BreakdownRenderer: FormatRenderer {
    public let breakdown: Breakdown
    public let formatter: FigureFormatter
    /// Columns before the key, such as the run's id and as-of time in a practice's trend.
    private let leading: [String]
    /// Whether each row ends with `complete` (a table with its status), as a trend's rows do:
    /// a run's practice figures stay provisional while some letter could still arrive.
    private let marksComplete: Bool
    /// The line a table starts with, saying what the delay measures.
    private let title: String

    /// The key columns: the trust, the letter type, the breakdown's value and, for a specialty, its name.
    public static func keyColumns(_ b: Breakdown) -> [String] {
        ["trust_code", "letter_type", b.column] + (b == .specialty ? ["specialty_name"] : [])
    }

    /// The CSV header: the key columns, then the report's own after its trust and type.
    public static func header(_ b: Breakdown) -> [String] { keyColumns(b) + figureNames }

    /// The columns a practice's trend puts first: each stored run is one point of it.
    static let runColumns = ["run_id", "as_of"]

    static let figureNames = Array(ReportRenderer.csvColumns.dropFirst(2))
    private static let jsonNames = figureNames + ReportRenderer.jsonExtras
    /// The columns resolved once, not per row.
    private static let figures = FigureColumn.named(figureNames), jsonFigures = FigureColumn.named(jsonNames),
                       tableFigures = FigureColumn.named(tableColumns.map(\.0))
    private static let tableColumns = [("letters", "letters"), ("outstanding", "outstanding"), ("p50_hours", "median (h)"),
                                       ("p90_hours", "p90 (h)"), ("within_limit_pct", "in limit %"), ("writing_p50_hours", "writing p50 (h)"),
                                       ("delivery_p50_hours", "delivery p50 (h)"), ("in_transit", "in transit")]

    private let rows: RowSource<Row>

    /// One row as written: the breakdown's value, its figures, what the delay measures (`delay_to`,
    /// the run's, in its JSON object) and the cells of the leading columns.
    public struct Row {
        public var value: String
        public var figures: SummaryRow
        public var delayTo: DelayTarget?
        public var leading: [FigureCell] = []
    }

    init(breakdown: Breakdown, publish: Bool, title: String, leading: [String] = [], marksComplete: Bool = false,
         rows: @escaping RowSource<Row>) {
        self.breakdown = breakdown
        self.title = title
        self.leading = leading
        self.marksComplete = marksComplete
        formatter = FigureFormatter(publish: publish)
        self.rows = rows
    }

    /// A run's breakdown in its table's key order, or with `practice` that practice's rows:
    /// per letter type, `(all)`, `(other)` and each trust that sent it at least 8 letters.
    public init(_ reader: RunReader, run: StoredRun, by breakdown: Breakdown, practice: String? = nil, publish: Bool) {
        self.init(breakdown: breakdown, publish: publish, title: run.title) { each in
            try reader.forEachBreakdown(breakdown, run: run.id, practice: practice) { r in
                try each(Row(value: r.value, figures: r.figures, delayTo: run.delayTo))
            }
        }
    }

    /// A practice's trend: its row per trust × letter type in every stored run, each run one point
    /// (the grain the practice breakdown is stored at), oldest run first; with `trust` or `type`,
    /// only that trust's or letter type's rows.
    public init(practiceTrend reader: RunReader, practice: String, trust: String? = nil, type: LetterType? = nil, publish: Bool) throws {
        guard CodeShape.isPractice(practice) else { throw LetterlagError.badArgument("a practice code is \(CodeShape.practiceShape)") }
        let runs = Dictionary(uniqueKeysWithValues: try reader.runs().map { ($0.id, $0) })
        let measures = Set(runs.values.map(\.delayTo)).sorted { $0.rawValue < $1.rawValue }.map(\.description)
        self.init(breakdown: .practice, publish: publish,
                  title: "Practice \(practice), one point per stored run; delay is \(measures.joined(separator: ", or in some runs "))",
                  leading: Self.runColumns, marksComplete: true) { each in
            try reader.forEachBreakdown(.practice, run: nil, practice: practice, orderedBy: ["letter_type", "trust_code", "run_id"]) { r in
                guard trust.map({ $0 == r.figures.trust }) ?? true, type.map({ $0 == r.figures.type }) ?? true else { return }
                try each(Row(value: r.value, figures: r.figures, delayTo: runs[r.runID]?.delayTo,
                             leading: [.integer(Int(r.runID)), .text(runs[r.runID]?.asOf ?? "")]))
            }
        }
    }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        var out = RowOutput(format, to: sink) {
            let keys = (leading + Self.keyColumns(breakdown)).map { $0.replacingOccurrences(of: "_", with: " ") }
            let status = marksComplete ? ["status"] : []
            return StreamingTable(header: keys + Self.tableColumns.map(\.1) + status,
                                  leftAligned: Set(0..<keys.count).union(marksComplete ? [keys.count + Self.tableColumns.count] : []), sink: sink)
        }
        switch format {
        case .csv: try out.csv.row(leading + Self.header(breakdown) + (marksComplete ? ["complete"] : []))
        case .json: try out.json.begin()
        case .table: try sink.write(title + ".\n")
        }
        try rows { r in
            let row = r.figures
            var keys: [FigureCell] = r.leading + [.text(row.trust), .text(row.type.name), .text(r.value)]
            if breakdown == .specialty { keys.append(.text(Int(r.value).flatMap { TreatmentFunction.name(of: $0) } ?? "")) }
            let complete: [FigureCell] = marksComplete ? [row.complete.map { .integer($0 ? 1 : 0) } ?? .text("")] : []
            switch format {
            case .csv:
                for k in keys { try out.csv.cell(k) }
                for c in Self.figures { try out.csv.cell(c.cell(row, formatter)) }
                for c in complete { try out.csv.cell(c) }
                try out.csv.endRow()
            case .json:
                let cells = zip(leading + Self.keyColumns(breakdown), keys).map { ($0, $1) }
                    + zip(Self.jsonNames, Self.jsonFigures.map { $0.cell(row, formatter) }).map { ($0, $1) }
                    + complete.map { ("complete", $0) } + [("delay_to", .text(r.delayTo?.rawValue ?? ""))]
                try out.json.object(cells)
            case .table:
                let status = marksComplete ? [row.complete == true ? "" : "provisional"] : []
                try out.table!.add(keys.map(\.text) + Self.tableFigures.map { $0.cell(row, formatter).text } + status)
            }
        }
        switch format {
        case .csv: break
        case .json: try out.json.end()
        case .table:
            try out.table!.finish()
            if marksComplete { try sink.write(TrendRenderer.provisionalNote) }
        }
    }
}
