/// What `letterlag spc` charts: for each trust × letter type, its complete periods in time order
/// as an XmR chart of one measure.
public struct SPCAnalysis {
    /// The value charted per period.
    public enum Measure: String, CaseIterable, Sendable {
        /// `100 × within_limit / due`; higher is better.
        case compliance
        /// The median delay in hours; lower is better.
        case median

        public var improvement: XmRChart.Improvement { self == .compliance ? .increase : .decrease }

        /// The period's value, nil when it has none (no letter due, none received).
        func value(_ r: SummaryRow) -> Double? { self == .compliance ? r.withinLimitPercent : r.p50Hours }
    }

    /// The periods charted.
    public enum Grain: String, CaseIterable, Sendable {
        case week, month
        var period: TrendPeriod { self == .week ? .week : .month }
    }

    public struct Options: Sendable {
        /// A run's own snapshot, or the history across runs.
        public var source: WeekSource
        public var trust: String?
        public var type: LetterType?
        public var measure: Measure = .compliance
        public var grain: Grain = .week
        public var target: Double?
        public var screen = true

        public init(_ source: WeekSource) { self.source = source }
    }

    /// One trust × letter type's chart, with its periods' labels in order.
    public struct Series: Sendable {
        public var trust: String
        public var type: LetterType
        public var periods: [String]
        public var chart: XmRChart
        /// With `--target`: `consistent_pass`, `consistent_fail` or `inconsistent`.
        public var assurance: String?

        public var latest: XmRChart.Point? { chart.points.last }
    }

    /// Calls `body` with each series in trust and letter type order, as the run's periods stream
    /// past: one series is held at a time. Periods that are not complete, are partial, or have no
    /// value are left out (docs/product.md, "Complete periods" and "History across runs").
    public static func forEachSeries(_ reader: RunReader, _ o: Options, _ body: (Series) throws -> Void) throws {
        var current: (trust: String, type: LetterType, periods: [String], values: [Double])?
        func flush() throws {
            guard let c = current, !c.values.isEmpty else { return }
            let chart = XmRChart(values: c.values, improvement: o.measure.improvement, screen: o.screen)
            try body(Series(trust: c.trust, type: c.type, periods: c.periods, chart: chart,
                            assurance: o.target.map { chart.assurance(target: $0, improvement: o.measure.improvement) }))
        }
        try TrendBuilder.stream(reader, o.source, trust: o.trust, type: o.type, by: o.grain.period) { row in
            let r = row.figures
            if current?.trust != r.trust || current?.type != r.type {
                try flush()
                current = (r.trust, r.type, [], [])
            }
            guard r.complete == true, !row.partial, let value = o.measure.value(r) else { return }
            current!.periods.append(row.period)
            current!.values.append(value)
        }
        try flush()
    }

    /// The line `--fail-on concern` prints for a series whose latest point is a concern.
    public static func concernLine(_ s: Series, measure: Measure) -> String? {
        guard let p = s.latest, p.type == .specialCauseConcern, let period = s.periods.last else { return nil }
        let f = { (v: Double) in v.isFinite ? CSVWriter.fixedText(v) : "none" }
        return "\(s.trust) \(s.type.name) \(measure.rawValue): \(p.specialCause) at \(period): \(f(p.value)) against limits "
            + "\(f(s.chart.lowerLimit)) to \(f(s.chart.upperLimit)) (mean \(f(s.chart.mean)))"
    }
}
