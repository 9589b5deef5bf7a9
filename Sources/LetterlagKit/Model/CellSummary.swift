/// The figures for one trust × letter type × event week, or for a merged window of weeks.
///
/// Every count adds when cells merge, and the extremes (such as `oldestInTransit`) take the larger,
/// which is what lets the store re-aggregate any window without the raw rows. `due*` and `within*` follow the definitions in docs/product.md ("Statistics").
public struct CellSummary: Sendable, Equatable {
    public var letters: Int = 0
    public var received: Int = 0
    public var outstanding: Int = 0
    /// Letters with a contract limit that were received, or whose deadline passed by the as-of time.
    public var due: Int = 0
    public var withinLimit: Int = 0
    public var due3d: Int = 0
    public var within3d: Int = 0
    public var due4d: Int = 0
    public var within4d: Int = 0
    /// Outstanding letters not yet older than both their contract limit and 4 days at the as-of
    /// time: while any remain, the cell's figures can still change (docs/product.md, "Complete periods").
    public var pending: Int = 0
    /// Letters with a `sent_at` (docs/product.md, "Stages"): the letters the writing stage is over.
    public var sent: Int = 0
    /// Letters with a contract limit that were sent, or are unsent past their deadline at the as-of time.
    public var writingDue: Int = 0
    /// Letters sent within their contract limit.
    public var writingWithinLimit: Int = 0
    /// Letters sent but not received by the as-of time.
    public var inTransit: Int = 0
    /// Letters received up to the clock tolerance before they were sent, counted as delivered at
    /// sending (docs/product.md, "Clocks that disagree").
    public var deliveredAtSending: Int = 0
    /// The longest time since sending among letters in transit, in seconds; `Int64.min` when none is.
    public var oldestInTransit: Int64 = .min
    /// False for figures read back from a run stored before stages were kept, whose stage
    /// counts and histograms are unknown rather than zero; merging keeps it false.
    public var stagesKept = true
    /// Delays of received letters.
    public var delay = LatencyHistogram()
    /// Writing (event → sent) of letters with a `sent_at`.
    public var writing = LatencyHistogram()
    /// Delivery (sent → received) of letters with both.
    public var delivery = LatencyHistogram()
    /// Ages at the as-of time of letters still outstanding.
    public var outstandingAge = LatencyHistogram()
    /// Delays of received letters in England and Wales working days (values are days, not seconds).
    public var workingDays = LatencyHistogram()

    public init() {}

    /// Whether the figures are final: no letter is `pending`.
    public var isComplete: Bool { pending == 0 }

    /// Cells grouped under one or more keys each, every group merged in one pass.
    ///
    /// The one way weekly cells become windows: whole runs, trend periods, national rows.
    public static func grouped<Key: Hashable>(_ cells: some Sequence<(CellID, CellSummary)>,
                                              by keys: (CellID) -> [Key]) -> [Key: CellSummary] {
        var groups: [Key: [CellSummary]] = [:]
        for (id, cell) in cells {
            for key in keys(id) { groups[key, default: []].append(cell) }
        }
        return groups.mapValues(merged)
    }

    /// Many summaries merged at once; histograms merge in one pass each (see `LatencyHistogram.merged`).
    public static func merged(_ parts: [CellSummary]) -> CellSummary {
        var total = CellSummary()
        for p in parts { total.mergeCounts(p) }
        total.delay = LatencyHistogram.merged(parts.map(\.delay))
        total.outstandingAge = LatencyHistogram.merged(parts.map(\.outstandingAge))
        total.workingDays = LatencyHistogram.merged(parts.map(\.workingDays))
        total.writing = LatencyHistogram.merged(parts.map(\.writing))
        total.delivery = LatencyHistogram.merged(parts.map(\.delivery))
        return total
    }

    public mutating func merge(_ o: CellSummary) {
        mergeCounts(o)
        delay.merge(o.delay)
        outstandingAge.merge(o.outstandingAge)
        workingDays.merge(o.workingDays)
        writing.merge(o.writing)
        delivery.merge(o.delivery)
    }

    /// Adds `o`'s counts, leaving the histograms to the caller.
    mutating func mergeCounts(_ o: CellSummary) {
        letters += o.letters
        received += o.received
        outstanding += o.outstanding
        due += o.due
        withinLimit += o.withinLimit
        due3d += o.due3d
        within3d += o.within3d
        due4d += o.due4d
        within4d += o.within4d
        pending += o.pending
        sent += o.sent
        writingDue += o.writingDue
        writingWithinLimit += o.writingWithinLimit
        inTransit += o.inTransit
        deliveredAtSending += o.deliveredAtSending
        oldestInTransit = max(oldestInTransit, o.oldestInTransit)
        stagesKept = stagesKept && o.stagesKept
    }
}

/// A trust and letter type: the key of whole-run and national figures.
public struct TrustType: Hashable, Sendable {
    public var trust: String
    public var type: LetterType

    public init(trust: String, type: LetterType) {
        self.trust = trust
        self.type = type
    }
}

/// Identifies a cell: trust, letter type and the Monday-based week index of the event's local date.
public struct CellID: Hashable, Sendable, Comparable {
    public var trust: String
    public var type: LetterType
    public var week: Int

    public init(trust: String, type: LetterType, week: Int) {
        self.trust = trust
        self.type = type
        self.week = week
    }

    public static func < (a: CellID, b: CellID) -> Bool {
        (a.trust, a.type.rawValue, a.week) < (b.trust, b.type.rawValue, b.week)
    }
}
