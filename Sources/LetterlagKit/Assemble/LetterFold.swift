/// Folds one cell's letters, record by record, into its `CellSummary`: the one place a spilled
/// record becomes figures, for the weekly cells and every breakdown alike.
///
/// Bucket counts go into dense arrays that `summary` drains, so one fold serves cell after cell
/// on an assembling thread without allocating per letter.
final class LetterFold {
    private let delays = DenseBuckets()
    private let working = DenseBuckets()
    private let writing = DenseBuckets()
    private let delivery = DenseBuckets()
    /// Outstanding letters' ages at the as-of time, filled and drained by `summary`.
    private let ages = DenseBuckets()
    private var delayExtremes = WorkerTally.DelayExtremes()
    private var writingExtremes = WorkerTally.DelayExtremes()
    private var deliveryExtremes = WorkerTally.DelayExtremes()
    private var figures = CellSummary()
    /// Outstanding letters' event instants, and their writing in seconds or -1 when unsent.
    private var outstanding: [(event: Int64, writing: Int64)] = []
    /// Whether every delay too long for its record comes to `noteLongDelay`; otherwise such a
    /// delay's extremes are its bucket's midpoint, within 0.78% of it, as breakdowns have them.
    private let longDelaysExact: Bool
    /// Whether the working-days histogram is kept: breakdowns store no working-day figure.
    private let keepsWorkingDays: Bool

    init(longDelaysExact: Bool, workingDays: Bool = true) {
        self.longDelaysExact = longDelaysExact
        keepsWorkingDays = workingDays
    }

    /// A received letter's `CellRecord` and `StageRecord`.
    @inline(__always)
    func addReceived(_ r: UInt64, stage: UInt64) {
        figures.received &+= 1
        let exact = CellRecord.exactDelay(r)
        if exact >= 0 { delayExtremes.note(exact) }
        else if !longDelaysExact {
            let (lower, width) = LatencyHistogram.range(of: CellRecord.delayBucket(r))
            delayExtremes.note(lower + width / 2)
        }
        if r & CellRecord.due != 0 { figures.due &+= 1 }
        if r & CellRecord.withinLimit != 0 { figures.withinLimit &+= 1 }
        if r & CellRecord.within3d != 0 { figures.within3d &+= 1 }
        if r & CellRecord.within4d != 0 { figures.within4d &+= 1 }
        delays.add(CellRecord.delayBucket(r))
        if keepsWorkingDays { working.add(CellRecord.workingBucket(r)) }
        if StageRecord.isSent(stage) { addStages(stage) }
    }

    /// A delay too long for its record (`CellRecord.longDelay`), for the cell's exact extremes.
    func noteLongDelay(_ delay: Int64) { delayExtremes.note(delay) }

    /// An outstanding letter, by its event instant, with its `StageRecord`.
    @inline(__always)
    func addOutstanding(event: Int64, stage: UInt64) {
        var w: Int64 = -1
        if StageRecord.isSent(stage) {
            addStages(stage)
            w = StageRecord.atLeast(StageRecord.writingField(stage))
        }
        outstanding.append((event, w))
    }

    @inline(__always)
    private func addStages(_ stage: UInt64) {
        figures.sent &+= 1
        if stage & StageRecord.due != 0 { figures.writingDue &+= 1 }
        if stage & StageRecord.writingWithinLimit != 0 { figures.writingWithinLimit &+= 1 }
        let w = StageRecord.writingField(stage)
        writing.add(StageRecord.bucket(w))
        writingExtremes.note(StageRecord.atLeast(w))
        if StageRecord.isDelivered(stage) {
            if stage & StageRecord.deliveredAtSending != 0 { figures.deliveredAtSending &+= 1 }
            let d = StageRecord.deliveryField(stage)
            delivery.add(StageRecord.bucket(d))
            deliveryExtremes.note(StageRecord.atLeast(d))
        }
    }

    /// The figures of the letters added since the last call, judged at `asOf`; the fold is then
    /// empty. With `parent`, the letters are also handed on to it, as if each had been added
    /// there too: a month's cell passes its letters to its whole run's, at the cost of a visit
    /// of each occupied bucket rather than of each letter.
    ///
    /// Outstanding letters count as due, and as pending, by their age against their own event
    /// date's limit (docs/product.md, "Compliance" and "Complete periods").
    func summary(type: Int, asOf: Int64, limits: ContractLimits, handingOnTo parent: LetterFold? = nil) -> CellSummary {
        var s = counts(handingOnTo: parent)
        if s.received > 0 {
            if let (lowest, highest) = working.occupiedRange {
                s.workingDays = working.drain(addingTo: parent?.working)
                s.workingDays.noteExtremes(minimum: LatencyHistogram.range(of: lowest).lower,
                                           maximum: LatencyHistogram.range(of: highest).lower)
            }
            s.delay = delays.drain(addingTo: parent?.delays)
            s.delay.noteExtremes(minimum: delayExtremes.shortest, maximum: delayExtremes.longest)
        }
        drainStages(into: &s, handingOnTo: parent)
        judgeOutstanding(&s, type: type, asOf: asOf, limits: limits, keepingAges: true)
        reset()
        return s
    }

    /// The counts of the letters added since the last call, judged at `asOf`, and their delays'
    /// median and 90th percentile in seconds: what `summary` gives of them (its `delay` histogram's
    /// `percentile(perMille:)`), without making a histogram. The fold is then empty; with
    /// `parent`, the letters are handed on as `summary` hands them. For the practice view's
    /// months, half a million cells a national night that keep nothing else.
    func middle(type: Int, asOf: Int64, limits: ContractLimits, handingOnTo parent: LetterFold? = nil)
        -> (counts: CellSummary, p50: Double?, p90: Double?) {
        var s = counts(handingOnTo: parent)
        var p50: Double?, p90: Double?
        if s.received > 0 {
            if keepsWorkingDays { working.empty(handingOnTo: parent?.working) }
            let total = UInt64(s.received)
            let (r50, r90) = (LatencyHistogram.rank(perMille: 500, of: total), LatencyHistogram.rank(perMille: 900, of: total))
            let (b50, b90) = delays.drain(findingRanks: r50, r90, addingTo: parent?.delays)
            func value(_ r: UInt64, bucket: Int) -> Double {
                LatencyHistogram.value(ofRank: r, of: total, inBucket: bucket, minimum: delayExtremes.shortest, maximum: delayExtremes.longest)
            }
            (p50, p90) = (value(r50, bucket: b50), value(r90, bucket: b90))
        }
        if s.sent > 0 { writing.empty(handingOnTo: parent?.writing) }
        if deliveryExtremes.longest >= 0 { delivery.empty(handingOnTo: parent?.delivery) }
        judgeOutstanding(&s, type: type, asOf: asOf, limits: limits, keepingAges: false)
        reset()
        return (s, p50, p90)
    }

    /// The counts so far, and with `parent` the counts, extremes and outstanding letters handed on.
    private func counts(handingOnTo parent: LetterFold?) -> CellSummary {
        if let parent {
            precondition(parent.keepsWorkingDays == keepsWorkingDays && parent.longDelaysExact == longDelaysExact,
                         "a fold hands its letters on to one that folds them alike")
            parent.figures.mergeCounts(figures)
            parent.delayExtremes.merge(delayExtremes)
            parent.writingExtremes.merge(writingExtremes)
            parent.deliveryExtremes.merge(deliveryExtremes)
            parent.outstanding.append(contentsOf: outstanding)
        }
        var s = figures
        s.letters = s.received + outstanding.count
        s.due3d = s.received
        s.due4d = s.received
        return s
    }

    /// The writing and delivery histograms, handed on to `parent`.
    private func drainStages(into s: inout CellSummary, handingOnTo parent: LetterFold?) {
        if s.sent > 0 {
            s.writing = writing.drain(addingTo: parent?.writing)
            s.writing.noteExtremes(minimum: writingExtremes.shortest, maximum: writingExtremes.longest)
        }
        if deliveryExtremes.longest >= 0 {
            s.delivery = delivery.drain(addingTo: parent?.delivery)
            s.delivery.noteExtremes(minimum: deliveryExtremes.shortest, maximum: deliveryExtremes.longest)
        }
    }

    /// Counts the outstanding letters into `s` as due and as pending, by their age against their
    /// own event date's limit (docs/product.md, "Compliance" and "Complete periods"), with their
    /// ages' histogram when `keepingAges`.
    private func judgeOutstanding(_ s: inout CellSummary, type: Int, asOf: Int64, limits: ContractLimits, keepingAges: Bool) {
        // Ages go into dense buckets, so they need no sorting to make a histogram: sorting the
        // outstanding letters by event was about 1% of a national ingest's CPU. A letter's limit
        // depends on its event's day alone, and a cell's outstanding letters share a few days, so
        // the last day's limit is kept rather than looked up again.
        var ageExtremes = WorkerTally.DelayExtremes()
        let clock = LondonClock.shared
        var lastDay = Int.min, limit: Int64 = -1
        for (event, writing) in outstanding {
            let age = asOf - event
            s.outstanding += 1
            if keepingAges {
                ages.add(LatencyHistogram.bucket(of: age))
                ageExtremes.note(age)
            }
            let day = clock.localDay(fromUTC: event)
            if day != lastDay {
                limit = limits.limitSeconds(type: type, eventDay: day)
                lastDay = day
            }
            if limit >= 0 && age >= limit { s.due += 1 }
            if age >= Baseline.threeDays { s.due3d += 1 }
            if age >= Baseline.fourDays { s.due4d += 1 }
            if !(age > Baseline.fourDays && (limit < 0 || age > limit)) { s.pending += 1 }
            if writing >= 0 {
                s.inTransit += 1
                s.oldestInTransit = max(s.oldestInTransit, age - writing)
            } else if limit >= 0 && age >= limit {
                s.writingDue += 1
            }
        }
        if keepingAges && !outstanding.isEmpty {
            s.outstandingAge = ages.drain()
            s.outstandingAge.noteExtremes(minimum: ageExtremes.shortest, maximum: ageExtremes.longest)
        }
    }

    /// Empties the fold for its next cell.
    private func reset() {
        figures = CellSummary()
        outstanding.removeAll(keepingCapacity: true)
        delayExtremes = .init()
        writingExtremes = .init()
        deliveryExtremes = .init()
    }
}
