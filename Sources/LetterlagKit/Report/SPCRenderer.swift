/// Writes SPC series as CSV or JSON (every point) or a table (each series' latest point).
public struct SPCRenderer {
    /// The CSV header: the issue's nine columns first, then the measure, the moving range, whether
    /// the series is short, and the assurance against `--target`.
    public static let columns = ["trust_code", "letter_type", "period", "value", "mean", "lower_limit", "upper_limit",
                                 "special_cause", "point_type", "measure", "moving_range", "short_series", "assurance"]

    let format: OutputFormat
    let measure: SPCAnalysis.Measure
    private var csv: CSVWriter
    private var table: StreamingTable?
    private var json: JSONArrayWriter

    public init(format: OutputFormat, measure: SPCAnalysis.Measure, to sink: OutputSink) {
        self.format = format
        self.measure = measure
        csv = CSVWriter(sink: sink)
        json = JSONArrayWriter(sink: sink)
        if format == .table {
            table = StreamingTable(header: ["trust", "letter type", "latest", "value", "mean", "lower", "upper", "special cause",
                                            "point type", "points", "assurance"], leftAligned: [0, 1, 2, 7, 8, 10], sink: sink)
        }
    }

    func cells(_ s: SPCAnalysis.Series, _ i: Int) -> [FigureCell] {
        let p = s.chart.points[i]
        return [.text(s.trust), .text(s.type.name), .text(s.periods[i]), .fixed(p.value), .fixed(s.chart.mean),
                .fixed(s.chart.lowerLimit), .fixed(s.chart.upperLimit), .text(p.specialCause), .text(p.pointType),
                .text(measure.rawValue), .fixed(p.movingRange), .integer(s.chart.isShort ? 1 : 0), .text(s.assurance ?? "")]
    }

    public mutating func begin() throws {
        switch format {
        case .csv: try csv.row(Self.columns)
        case .json: try json.begin()
        case .table: break
        }
    }

    public mutating func write(_ s: SPCAnalysis.Series) throws {
        switch format {
        case .csv:
            for i in s.chart.points.indices {
                for c in cells(s, i) { try csv.cell(c) }
                try csv.endRow()
            }
        case .json:
            for i in s.chart.points.indices {
                try json.object(zip(Self.columns, cells(s, i)))
            }
        case .table:
            guard let last = s.chart.points.indices.last else { return }
            let c = cells(s, last).map(\.text)
            try table!.add([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8],
                            "\(s.chart.points.count)\(s.chart.isShort ? " (short)" : "")", c[12]])
        }
    }

    public mutating func end() throws {
        switch format {
        case .csv: break
        case .json: try json.end()
        case .table: try table!.finish()
        }
    }
}
