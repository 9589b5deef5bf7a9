/// Writes `report --by specialty|channel|practice` and `report --practice`: one row per trust ×
/// letter type × value over the run, with the report's columns, stages included.
///
/// Rows stream from the store's whole-run breakdown tables, in trust, letter type and value order.
public struct BreakdownRenderer {
    public let breakdown: Breakdown
    public let formatter: FigureFormatter
    public let format: OutputFormat
    private var csv: CSVWriter
    private var table: StreamingTable?
    private var rowsWritten = 0
    /// Columns before the key, such as the run's id and as-of time in a practice's trend.
    private let leading: [String]

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

    init(breakdown: Breakdown, publish: Bool, format: OutputFormat, to sink: OutputSink, leading: [String] = []) {
        self.breakdown = breakdown
        self.leading = leading
        formatter = FigureFormatter(publish: publish)
        self.format = format
        csv = CSVWriter(sink: sink)
        if format == .table {
            let keys = (leading + Self.keyColumns(breakdown)).map { $0.replacingOccurrences(of: "_", with: " ") }
            table = StreamingTable(header: keys + Self.tableColumns.map(\.1), leftAligned: Set(0..<keys.count), sink: sink)
        }
    }

    mutating func begin() throws {
        switch format {
        case .csv: try csv.row(leading + Self.header(breakdown))
        case .json: try csv.sink.write("[")
        case .table: break
        }
    }

    mutating func write(value: String, _ row: SummaryRow, leading leadingCells: [FigureCell] = []) throws {
        var keys: [FigureCell] = leadingCells + [.text(row.trust), .text(row.type.name), .text(value)]
        if breakdown == .specialty { keys.append(.text(Int(value).flatMap { TreatmentFunction.name(of: $0) } ?? "")) }
        switch format {
        case .csv:
            for k in keys { try csv.cell(k) }
            for c in Self.figures { try csv.cell(c.cell(row, formatter)) }
            try csv.endRow()
        case .json:
            let cells = zip(leading + Self.keyColumns(breakdown), keys).map { ($0, $1) }
                + zip(Self.jsonNames, Self.jsonFigures.map { $0.cell(row, formatter) }).map { ($0, $1) }
            try csv.sink.write(FigureCell.jsonObject(cells, first: rowsWritten == 0))
        case .table:
            try table!.add(keys.map(\.text) + Self.tableFigures.map { $0.cell(row, formatter).text })
        }
        rowsWritten += 1
    }

    mutating func end() throws {
        switch format {
        case .csv: break
        case .json: try csv.sink.write(rowsWritten == 0 ? "]\n" : "\n]\n")
        case .table: try table!.finish()
        }
    }

    /// Writes a run's breakdown, or with `practice` that practice's rows from every trust.
    public static func write(_ store: SummaryStore, run: Int64, by breakdown: Breakdown, practice: String? = nil, publish: Bool,
                             format: OutputFormat, to sink: OutputSink) throws {
        var renderer = BreakdownRenderer(breakdown: breakdown, publish: publish, format: format, to: sink)
        try renderer.begin()
        try store.forEachBreakdown(breakdown, run: run, practice: practice,
                                   orderedBy: ["trust_code", "letter_type", breakdown.column]) { r in
            try renderer.write(value: r.value, r.figures)
        }
        try renderer.end()
    }

    /// Writes a practice's trend: its row per trust × letter type in every stored run, each run
    /// one point (the grain the practice breakdown is stored at), oldest run first.
    public static func writeTrend(_ store: SummaryStore, practice: String, publish: Bool, format: OutputFormat, to sink: OutputSink) throws {
        let asOf = Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.id, $0.asOf) })
        var renderer = BreakdownRenderer(breakdown: .practice, publish: publish, format: format, to: sink, leading: runColumns)
        try renderer.begin()
        try store.forEachBreakdown(.practice, run: nil, practice: practice, orderedBy: ["trust_code", "letter_type", "run_id"]) { r in
            try renderer.write(value: r.value, r.figures, leading: [.integer(Int(r.runID)), .text(asOf[r.runID] ?? "")])
        }
        try renderer.end()
    }
}
