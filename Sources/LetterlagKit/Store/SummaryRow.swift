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

    /// The 3–4 day historical baseline, as its midpoint in hours.
    public static let baselineHours = 84.0

    public init(trust: String, type: LetterType, summary s: CellSummary) {
        func hours(_ seconds: Double?) -> Double? { seconds.map { $0 / 3600 } }
        self.trust = trust
        self.type = type
        letters = s.letters
        received = s.received
        outstanding = s.outstanding
        due = s.due
        withinLimit = s.withinLimit
        due3d = s.due3d
        within3d = s.within3d
        due4d = s.due4d
        within4d = s.within4d
        p50Hours = hours(s.delay.percentile(perMille: 500))
        p90Hours = hours(s.delay.percentile(perMille: 900))
        p95Hours = hours(s.delay.percentile(perMille: 950))
        p99Hours = hours(s.delay.percentile(perMille: 990))
        maxHours = s.delay.isEmpty ? nil : Double(s.delay.maximum) / 3600
        oldestOutstandingHours = s.outstandingAge.isEmpty ? nil : Double(s.outstandingAge.maximum) / 3600
        kmP50Hours = hours(KaplanMeier.median(delays: s.delay, censored: s.outstandingAge))
        p50WorkingDays = s.workingDays.percentile(perMille: 500)
    }

    static func percent(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) * 100 / Double(whole) : nil }

    public var withinLimitPercent: Double? { Self.percent(withinLimit, due) }
    public var within3dPercent: Double? { Self.percent(within3d, due3d) }
    public var within4dPercent: Double? { Self.percent(within4d, due4d) }
    /// The median as a multiple of the 3.5-day baseline.
    public var p50VersusBaseline: Double? { p50Hours.map { $0 / Self.baselineHours } }
}
