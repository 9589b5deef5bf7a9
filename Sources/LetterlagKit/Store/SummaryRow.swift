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

    /// The two stages' figures (docs/product.md, "Stages"); nil for runs stored before they were kept.
    public var stages: StageFigures?

    /// Whether the figures are final (docs/product.md, "Complete periods"); nil where not known,
    /// as for whole-run rows and weeks stored before the rule was kept.
    public var complete: Bool?

    /// The figures of merged cells: counts as they are, statistics from the histograms.
    public init(trust: String, type: LetterType, summary s: CellSummary) {
        func hours(_ seconds: Double?) -> Double? { seconds.map { $0 / 3600 } }
        let (p50, p90, p95, p99) = s.delay.percentiles(perMille: (500, 900, 950, 990))
        self.init(trust: trust, type: type, counts: s,
                  hours: (hours(p50), hours(p90), hours(p95), hours(p99),
                          s.delay.isEmpty ? nil : Double(s.delay.maximum) / 3600,
                          s.outstandingAge.isEmpty ? nil : Double(s.outstandingAge.maximum) / 3600),
                  kmP50Hours: hours(KaplanMeier.median(delays: s.delay, censored: s.outstandingAge)),
                  p50WorkingDays: s.workingDays.percentile(perMille: 500), complete: s.isComplete)
        stages = s.stagesKept ? StageFigures(s) : nil
    }

    /// A row of the counts, the median and the 90th percentile alone (in seconds), the figures a
    /// month of the practice view keeps (`SummarySchema.practiceMonthFigures`, `LetterFold.middle`),
    /// as a reader of them gets it.
    init(trust: String, type: LetterType, counts s: CellSummary, p50Seconds: Double?, p90Seconds: Double?) {
        func hours(_ seconds: Double?) -> Double? { seconds.map { $0 / 3600 } }
        self.init(trust: trust, type: type, counts: s, hours: (hours(p50Seconds), hours(p90Seconds), nil, nil, nil, nil),
                  kmP50Hours: nil, p50WorkingDays: nil, complete: s.isComplete)
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
        stages = nil
    }

    static func percent(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) * 100 / Double(whole) : nil }

    public var withinLimitPercent: Double? { Self.percent(withinLimit, due) }
    public var within3dPercent: Double? { Self.percent(within3d, due3d) }
    public var within4dPercent: Double? { Self.percent(within4d, due4d) }
    /// The median as a multiple of the 3.5-day baseline.
    public var p50VersusBaseline: Double? { p50Hours.map { $0 / Baseline.midpointHours } }
}

/// A cell's or window's writing (event → sent) and delivery (sent → received) figures.
public struct StageFigures: Sendable, Equatable {
    /// Letters with a `sent_at`, over which writing percentiles run.
    public var sent: Int
    /// Letters with both `sent_at` and `received_at`, over which delivery percentiles run.
    public var delivered: Int
    /// Letters sent but not received by the as-of time.
    public var inTransit: Int
    /// Letters with a contract limit that were sent, or are unsent past their deadline.
    public var writingDue: Int
    public var writingWithinLimit: Int
    public var writingP50Hours: Double?
    public var writingP90Hours: Double?
    public var deliveryP50Hours: Double?
    public var deliveryP90Hours: Double?
    /// The longest time since sending of a letter in transit.
    public var oldestInTransitHours: Double?
    /// Letters received up to the clock tolerance before they were sent, counted as delivered at
    /// sending; not kept in weekly or breakdown rows, so 0 when read back from them.
    public var deliveredAtSending = 0

    init(_ s: CellSummary) {
        func hours(_ seconds: Double?) -> Double? { seconds.map { $0 / 3600 } }
        sent = s.sent
        delivered = Int(s.delivery.total)
        inTransit = s.inTransit
        writingDue = s.writingDue
        writingWithinLimit = s.writingWithinLimit
        let writing = s.writing.percentiles(perMille: (500, 900, 900, 900))
        let delivery = s.delivery.percentiles(perMille: (500, 900, 900, 900))
        writingP50Hours = hours(writing.0)
        writingP90Hours = hours(writing.1)
        deliveryP50Hours = hours(delivery.0)
        deliveryP90Hours = hours(delivery.1)
        oldestInTransitHours = s.oldestInTransit == .min ? nil : Double(s.oldestInTransit) / 3600
        deliveredAtSending = s.deliveredAtSending
    }

    init(sent: Int, delivered: Int, inTransit: Int, writingDue: Int, writingWithinLimit: Int,
         hours: (Double?, Double?, Double?, Double?, Double?)) {
        self.sent = sent
        self.delivered = delivered
        self.inTransit = inTransit
        self.writingDue = writingDue
        self.writingWithinLimit = writingWithinLimit
        (writingP50Hours, writingP90Hours, deliveryP50Hours, deliveryP90Hours, oldestInTransitHours) = hours
    }

    /// Letters sent within their limit, of those due: the trust's own part of the contract.
    public var writingWithinLimitPercent: Double? { SummaryRow.percent(writingWithinLimit, writingDue) }
}
