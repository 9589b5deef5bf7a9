/// Writes SPC series as CSV or JSON (every point) or a table (each series' latest point), one
/// series held at a time.
public struct SPCRenderer: FormatRenderer {
    /// The CSV header: the issue's nine columns first, then the measure, the moving range, whether
    /// the series is short, and the assurance against `--target`.
    public static let columns = ["trust_code", "letter_type", "period", "value", "mean", "lower_limit", "upper_limit",
                                 "special_cause", "point_type", "measure", "moving_range", "short_series", "assurance"]

    let measure: SPCAnalysis.Measure
    private let series: RowSource<SPCAnalysis.Series>

    /// The series `series` hands on, each charting `measure`.
    public init(measure: SPCAnalysis.Measure, series: @escaping RowSource<SPCAnalysis.Series>) {
        self.measure = measure
        self.series = series
    }

    /// Every series of `options` from the store (`SPCAnalysis.forEachSeries`), one held at a time.
    public init(_ reader: RunReader, _ options: SPCAnalysis.Options) {
        self.init(measure: options.measure) { each in try SPCAnalysis.forEachSeries(reader, options, each) }
    }

    func cells(_ s: SPCAnalysis.Series, _ i: Int) -> [FigureCell] {
        let p = s.chart.points[i]
        // A median is a delay in hours, to four decimals as every delay is (`FigureFormatter.delayCell`).
        let number: (Double?) -> FigureCell = measure == .median ? { .precise($0) } : { .fixed($0) }
        return [.text(s.trust), .text(s.type.name), .text(s.periods[i]), number(p.value), number(s.chart.mean),
                number(s.chart.lowerLimit), number(s.chart.upperLimit), .text(p.specialCause), .text(p.pointType),
                .text(measure.rawValue), number(p.movingRange), .integer(s.chart.isShort ? 1 : 0), .text(s.assurance ?? "")]
    }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        var out = RowOutput(format, to: sink) {
            StreamingTable(header: ["trust", "letter type", "latest", "value", "mean", "lower", "upper", "special cause",
                                    "point type", "points", "assurance"], leftAligned: [0, 1, 2, 7, 8, 10], sink: sink)
        }
        switch format {
        case .csv: try out.csv.row(Self.columns)
        case .json: try out.json.begin()
        case .table: break
        }
        try series { s in
            switch format {
            case .csv:
                for i in s.chart.points.indices {
                    for c in cells(s, i) { try out.csv.cell(c) }
                    try out.csv.endRow()
                }
            case .json:
                for i in s.chart.points.indices {
                    try out.json.object(zip(Self.columns, cells(s, i)))
                }
            case .table:
                guard let last = s.chart.points.indices.last else { return }
                let c = cells(s, last).map(\.text)
                try out.table!.add([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8],
                                    "\(s.chart.points.count)\(s.chart.isShort ? " (short)" : "")", c[12]])
            }
        }
        switch format {
        case .csv: break
        case .json: try out.json.end()
        case .table: try out.table!.finish()
        }
    }
}
