/// Writes `report --by specialty|channel|practice` and `report --practice`: one row per trust ×
/// letter type × value over the run, with the report's columns, stages included.
///
/// Rows stream from the store's whole-run breakdown tables in their key order: trust, letter
/// type and value, or for practices practice, letter type and trust (docs/schema.md, "Breakdowns").
public struct BreakdownRenderer: FormatRenderer {
    public let breakdown: Breakdown
    public let formatter: FigureFormatter
    /// The line a table starts with, saying what the delay measures.
    private let title: String

    /// The key columns: the trust, the letter type, the breakdown's value and, for a specialty, its name.
    public static func keyColumns(_ b: Breakdown) -> [String] {
        ["trust_code", "letter_type", b.column] + (b == .specialty ? ["specialty_name"] : [])
    }

    /// The CSV header: the key columns, then the report's own after its trust and type.
    public static func header(_ b: Breakdown) -> [String] { keyColumns(b) + figureNames }

    static let figureNames = Array(ReportRenderer.csvColumns.dropFirst(2))
    private static let jsonNames = figureNames + ReportRenderer.jsonExtras
    /// The columns resolved once, not per row.
    private static let figures = FigureColumn.named(figureNames), jsonFigures = FigureColumn.named(jsonNames),
                       tableFigures = FigureColumn.named(tableColumns.map(\.0))
    private static let tableColumns = [("letters", "letters"), ("outstanding", "outstanding"), ("p50_hours", "median (h)"),
                                       ("p90_hours", "p90 (h)"), ("within_limit_pct", "in limit %"), ("writing_p50_hours", "writing p50 (h)"),
                                       ("delivery_p50_hours", "delivery p50 (h)"), ("in_transit", "in transit")]

    private let rows: RowSource<Row>

    /// One row as written: the breakdown's value, its figures and what the delay measures
    /// (`delay_to`, the run's, in its JSON object).
    public struct Row {
        public var value: String
        public var figures: SummaryRow
        public var delayTo: DelayTarget?
    }

    init(breakdown: Breakdown, publish: Bool, title: String, rows: @escaping RowSource<Row>) {
        self.breakdown = breakdown
        self.title = title
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

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        var out = RowOutput(format, to: sink) {
            let keys = Self.keyColumns(breakdown).map { $0.replacingOccurrences(of: "_", with: " ") }
            return StreamingTable(header: keys + Self.tableColumns.map(\.1), leftAligned: Set(0..<keys.count), sink: sink)
        }
        switch format {
        case .csv: try out.csv.row(Self.header(breakdown))
        case .json: try out.json.begin()
        case .table: try sink.write(title + ".\n")
        }
        try rows { r in
            let row = r.figures
            var keys: [FigureCell] = [.text(row.trust), .text(row.type.name), .text(r.value)]
            if breakdown == .specialty { keys.append(.text(Int(r.value).flatMap { TreatmentFunction.name(of: $0) } ?? "")) }
            switch format {
            case .csv:
                for k in keys { try out.csv.cell(k) }
                for c in Self.figures { try out.csv.cell(c.cell(row, formatter)) }
                try out.csv.endRow()
            case .json:
                let cells = zip(Self.keyColumns(breakdown), keys).map { ($0, $1) }
                    + zip(Self.jsonNames, Self.jsonFigures.map { $0.cell(row, formatter) }).map { ($0, $1) }
                    + [("delay_to", .text(r.delayTo?.rawValue ?? ""))]
                try out.json.object(cells)
            case .table:
                try out.table!.add(keys.map(\.text) + Self.tableFigures.map { $0.cell(row, formatter).text })
            }
        }
        switch format {
        case .csv: break
        case .json: try out.json.end()
        case .table:
            try out.table!.finish()
        }
    }
}
