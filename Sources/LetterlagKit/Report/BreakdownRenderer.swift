/// Writes `report --by specialty|channel|practice` and `report --practice`: one row per trust ×
/// letter type × value over the run, with the report's columns, stages included.
///
/// Rows stream from the store's whole-run breakdown tables in their key order: trust, letter
/// type and value, or for practices practice, letter type and trust (docs/schema.md, "Breakdowns").
public struct BreakdownRenderer {
    public let breakdown: Breakdown
    public let formatter: FigureFormatter
    public let format: OutputFormat
    private var csv: CSVWriter
    private var table: StreamingTable?
    private var json: JSONArrayWriter
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

    init(breakdown: Breakdown, publish: Bool, format: OutputFormat, to sink: OutputSink, title: String, leading: [String] = [],
         marksComplete: Bool = false) {
        self.breakdown = breakdown
        self.title = title
        self.leading = leading
        self.marksComplete = marksComplete
        formatter = FigureFormatter(publish: publish)
        self.format = format
        csv = CSVWriter(sink: sink)
        json = JSONArrayWriter(sink: sink)
        if format == .table {
            let keys = (leading + Self.keyColumns(breakdown)).map { $0.replacingOccurrences(of: "_", with: " ") }
            let status = marksComplete ? ["status"] : []
            table = StreamingTable(header: keys + Self.tableColumns.map(\.1) + status,
                                   leftAligned: Set(0..<keys.count).union(marksComplete ? [keys.count + Self.tableColumns.count] : []), sink: sink)
        }
    }

    mutating func begin() throws {
        switch format {
        case .csv: try csv.row(leading + Self.header(breakdown) + (marksComplete ? ["complete"] : []))
        case .json: try json.begin()
        case .table: try csv.sink.write(title + ".\n")
        }
    }

    /// Writes one row; `delayTo` (`received` or `sent`, the run's) goes into its JSON object.
    mutating func write(value: String, _ row: SummaryRow, delayTo: DelayTarget?, leading leadingCells: [FigureCell] = []) throws {
        var keys: [FigureCell] = leadingCells + [.text(row.trust), .text(row.type.name), .text(value)]
        if breakdown == .specialty { keys.append(.text(Int(value).flatMap { TreatmentFunction.name(of: $0) } ?? "")) }
        let complete: [FigureCell] = marksComplete ? [row.complete.map { .integer($0 ? 1 : 0) } ?? .text("")] : []
        switch format {
        case .csv:
            for k in keys { try csv.cell(k) }
            for c in Self.figures { try csv.cell(c.cell(row, formatter)) }
            for c in complete { try csv.cell(c) }
            try csv.endRow()
        case .json:
            let cells = zip(leading + Self.keyColumns(breakdown), keys).map { ($0, $1) }
                + zip(Self.jsonNames, Self.jsonFigures.map { $0.cell(row, formatter) }).map { ($0, $1) }
                + complete.map { ("complete", $0) } + [("delay_to", .text(delayTo?.rawValue ?? ""))]
            try json.object(cells)
        case .table:
            let status = marksComplete ? [row.complete == true ? "" : "provisional"] : []
            try table!.add(keys.map(\.text) + Self.tableFigures.map { $0.cell(row, formatter).text } + status)
        }
    }

    mutating func end() throws {
        switch format {
        case .csv: break
        case .json: try json.end()
        case .table:
            try table!.finish()
            if marksComplete { try csv.sink.write(TrendRenderer.provisionalNote) }
        }
    }

    /// Writes a run's breakdown in its table's key order, or with `practice` that practice's rows:
    /// per letter type, `(all)`, `(other)` and each trust that sent it at least 8 letters.
    public static func write(_ store: SummaryStore, run: StoredRun, by breakdown: Breakdown, practice: String? = nil, publish: Bool,
                             format: OutputFormat, to sink: OutputSink) throws {
        var renderer = BreakdownRenderer(breakdown: breakdown, publish: publish, format: format, to: sink, title: run.title)
        try renderer.begin()
        try store.reader.forEachBreakdown(breakdown, run: run.id, practice: practice) { r in
            try renderer.write(value: r.value, r.figures, delayTo: run.delayTo)
        }
        try renderer.end()
    }

    /// Writes a practice's trend: its row per trust × letter type in every stored run, each run
    /// one point (the grain the practice breakdown is stored at), oldest run first; with `trust`
    /// or `type`, only that trust's or letter type's rows.
    public static func writeTrend(_ store: SummaryStore, practice: String, trust: String? = nil, type: LetterType? = nil,
                                  publish: Bool, format: OutputFormat, to sink: OutputSink) throws {
        guard CodeShape.isPractice(practice) else { throw LetterlagError.badArgument("a practice code is \(CodeShape.practiceShape)") }
        let runs = Dictionary(uniqueKeysWithValues: try store.reader.runs().map { ($0.id, $0) })
        let measures = Set(runs.values.map(\.delayTo)).sorted { $0.rawValue < $1.rawValue }.map(\.description)
        var renderer = BreakdownRenderer(breakdown: .practice, publish: publish, format: format, to: sink,
                                         title: "Practice \(practice), one point per stored run; delay is \(measures.joined(separator: ", or in some runs "))",
                                         leading: runColumns, marksComplete: true)
        try renderer.begin()
        try store.reader.forEachBreakdown(.practice, run: nil, practice: practice, orderedBy: ["letter_type", "trust_code", "run_id"]) { r in
            guard trust.map({ $0 == r.figures.trust }) ?? true, type.map({ $0 == r.figures.type }) ?? true else { return }
            try renderer.write(value: r.value, r.figures, delayTo: runs[r.runID]?.delayTo,
                               leading: [.integer(Int(r.runID)), .text(runs[r.runID]?.asOf ?? "")])
        }
        try renderer.end()
    }
}
