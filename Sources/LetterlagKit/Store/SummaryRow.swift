/// The published figures of one cell or window, as the report, trend and store use them.
public struct SummaryRow: Sendable, Equatable {
    public var trust: String
    public var type: LetterType
    public var letters: Int
    public var received: Int
    public var outstanding: Int
    public var due: Int
    public var withinLimit: Int
    public var due3d: Int
    public var within3d: Int
    public var due4d: Int
    public var within4d: Int
    public var p50Hours: Double?
    public var p90Hours: Double?
    public var p95Hours: Double?
    public var p99Hours: Double?
    public var maxHours: Double?
    public var oldestOutstandingHours: Double?
    /// The censoring-aware median (Kaplan–Meier), counting outstanding letters as censored at their age.
    public var kmP50Hours: Double?
    /// The median delay in England and Wales working days (weekends and bank holidays left out).
    public var p50WorkingDays: Double?

    /// Whether the figures are final (docs/product.md, "Complete periods"); nil where not known,
    /// as for whole-run rows and weeks stored before the rule was kept.
    public var complete: Bool?

    /// The 3–4 day historical baseline, as its midpoint in hours.
    public static let baselineHours = 84.0

    /// The figures of merged cells: counts as they are, statistics from the histograms.
    public init(trust: String, type: LetterType, summary s: CellSummary) {
        func hours(_ seconds: Double?) -> Double? { seconds.map { $0 / 3600 } }
        self.init(trust: trust, type: type, counts: s,
                  hours: (hours(s.delay.percentile(perMille: 500)), hours(s.delay.percentile(perMille: 900)),
                          hours(s.delay.percentile(perMille: 950)), hours(s.delay.percentile(perMille: 990)),
                          s.delay.isEmpty ? nil : Double(s.delay.maximum) / 3600,
                          s.outstandingAge.isEmpty ? nil : Double(s.outstandingAge.maximum) / 3600),
                  kmP50Hours: hours(KaplanMeier.median(delays: s.delay, censored: s.outstandingAge)),
                  p50WorkingDays: s.workingDays.percentile(perMille: 500), complete: s.isComplete)
    }

    /// Stored figures read back: counts from `counts`, hours as stored (p50, p90, p95, p99, max, oldest outstanding).
    init(trust: String, type: LetterType, counts c: CellSummary, hours: (Double?, Double?, Double?, Double?, Double?, Double?),
         kmP50Hours: Double?, p50WorkingDays: Double?, complete: Bool?) {
        self.trust = trust
        self.type = type
        letters = c.letters
        received = c.received
        outstanding = c.outstanding
        due = c.due
        withinLimit = c.withinLimit
        due3d = c.due3d
        within3d = c.within3d
        due4d = c.due4d
        within4d = c.within4d
        (p50Hours, p90Hours, p95Hours, p99Hours, maxHours, oldestOutstandingHours) = hours
        self.kmP50Hours = kmP50Hours
        self.p50WorkingDays = p50WorkingDays
        self.complete = complete
    }

    /// The counts of `SummarySchema.figureColumns`, in its order.
    var storedCounts: [Int] { [letters, received, outstanding, due, withinLimit, due3d, within3d, due4d, within4d] }
    /// The hours of `SummarySchema.figureColumns`, after the counts.
    var storedHours: [Double?] { [p50Hours, p90Hours, p95Hours, p99Hours, maxHours, oldestOutstandingHours] }

    static func percent(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) * 100 / Double(whole) : nil }

    public var withinLimitPercent: Double? { Self.percent(withinLimit, due) }
    public var within3dPercent: Double? { Self.percent(within3d, due3d) }
    public var within4dPercent: Double? { Self.percent(within4d, due4d) }
    /// The median as a multiple of the 3.5-day baseline.
    public var p50VersusBaseline: Double? { p50Hours.map { $0 / Self.baselineHours } }
}
