import Testing
@testable import LetterlagKit

/// `LetterFold` hands a month's letters on to its whole run's fold as the month is drained; the
/// whole run's figures must be exactly those of folding every letter there directly.
struct LetterFoldTests {
    /// A letter as a fold takes it: received (a record and stage) or outstanding (an event and stage).
    enum Letter {
        case received(UInt64, stage: UInt64)
        case outstanding(event: Int64, stage: UInt64)
    }

    static func add(_ letter: Letter, to fold: LetterFold) {
        switch letter {
        case .received(let r, let stage): fold.addReceived(r, stage: stage)
        case .outstanding(let event, let stage): fold.addOutstanding(event: event, stage: stage)
        }
    }

    /// Letters of every kind: quick and years-long delays (whose records keep only a bucket),
    /// unsent, sent and in transit, delivered, and outstanding of every age around the as-of time.
    static func letters(count: Int, asOf: Int64, seed: UInt64) -> [Letter] {
        var random = SplitMix64(seed: seed)
        func uniform(_ n: Int64) -> Int64 { Int64(random.next() % UInt64(n)) }
        return (0..<count).map { _ in
            let writing = uniform(4) == 0 ? uniform(10 * 365 * 86_400) : uniform(20 * 86_400)
            let limit: Int64 = uniform(3) == 0 ? -1 : 7 * 86_400
            switch uniform(6) {
            case 0:
                return .outstanding(event: asOf - uniform(30 * 86_400), stage: 0)
            case 1:
                return .outstanding(event: asOf - writing - uniform(5 * 86_400),
                                    stage: StageRecord.make(writing: writing, delivery: nil, limit: limit))
            default:
                let delivery = uniform(6 * 86_400)
                let delay = uniform(8) == 0 ? uniform(6 * 365 * 86_400) : writing + delivery
                var flags: UInt64 = 0
                if limit >= 0 { flags |= CellRecord.due | (delay <= limit ? CellRecord.withinLimit : 0) }
                if delay <= 3 * 86_400 { flags |= CellRecord.within3d }
                if delay <= 4 * 86_400 { flags |= CellRecord.within4d }
                let stage = uniform(5) == 0 ? 0 : StageRecord.make(writing: writing, delivery: delivery, limit: limit)
                return .received(CellRecord.received(localCell: 0, delay: delay, workingBucket: Int(uniform(40)), flags: flags), stage: stage)
            }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func aWholeRunHandedEachMonthsLettersHasTheFiguresOfFoldingThemAll(seed: UInt64) {
        let asOf: Int64 = 1_735_000_000
        let limits = ContractLimits.standard
        let all = Self.letters(count: 2_000, asOf: asOf, seed: seed)
        // Months of very different sizes, one of them empty.
        let cuts = [0, 1, 3, 3, 400, 1_111, 1_999, 2_000]
        for workingDays in [false, true] {
            let direct = LetterFold(longDelaysExact: false, workingDays: workingDays)
            all.forEach { Self.add($0, to: direct) }
            let expected = direct.summary(type: 1, asOf: asOf, limits: limits)

            let month = LetterFold(longDelaysExact: false, workingDays: workingDays)
            let whole = LetterFold(longDelaysExact: false, workingDays: workingDays)
            var months: [CellSummary] = []
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                all[start..<end].forEach { Self.add($0, to: month) }
                months.append(month.summary(type: 1, asOf: asOf, limits: limits, handingOnTo: whole))
            }
            let handedOn = whole.summary(type: 1, asOf: asOf, limits: limits)
            #expect(handedOn == expected)
            #expect(handedOn.letters == 2_000 && handedOn.outstanding > 0 && handedOn.inTransit > 0 && handedOn.delivery.total > 0)
            // Each month's own figures are unchanged by handing its letters on.
            #expect(CellSummary.merged(months) == expected)
        }
    }

    @Test(arguments: [UInt64(4), 5, 6])
    func aMiddleGivesTheSummarysCountsMedianAndNinetiethAndHandsOnTheSame(seed: UInt64) {
        let asOf: Int64 = 1_735_000_000
        let limits = ContractLimits.standard
        let all = Self.letters(count: 1_500, asOf: asOf, seed: seed)
        // Cells of one, two and a few letters, where the first and last ranks are the extremes, and large ones.
        let cuts = [0, 1, 3, 6, 16, 17, 400, 1_111, 1_500]
        let viaSummary = LetterFold(longDelaysExact: false, workingDays: false), viaMiddle = LetterFold(longDelaysExact: false, workingDays: false)
        let wholeOfSummaries = LetterFold(longDelaysExact: false, workingDays: false)
        let wholeOfMiddles = LetterFold(longDelaysExact: false, workingDays: false)
        for (start, end) in zip(cuts, cuts.dropFirst()) {
            all[start..<end].forEach { Self.add($0, to: viaSummary); Self.add($0, to: viaMiddle) }
            let expected = viaSummary.summary(type: 2, asOf: asOf, limits: limits, handingOnTo: wholeOfSummaries)
            let (counts, p50, p90) = viaMiddle.middle(type: 2, asOf: asOf, limits: limits, handingOnTo: wholeOfMiddles)
            var countsOnly = expected
            (countsOnly.delay, countsOnly.outstandingAge, countsOnly.writing, countsOnly.delivery) = (.init(), .init(), .init(), .init())
            #expect(counts == countsOnly, "letters \(start)..<\(end)")
            #expect(p50 == expected.delay.percentile(perMille: 500) && p90 == expected.delay.percentile(perMille: 900), "letters \(start)..<\(end)")
        }
        #expect(wholeOfMiddles.summary(type: 2, asOf: asOf, limits: limits) == wholeOfSummaries.summary(type: 2, asOf: asOf, limits: limits))
        // Only outstanding letters: no percentile.
        Self.add(.outstanding(event: asOf - 3_600, stage: 0), to: viaMiddle)
        let (counts, p50, p90) = viaMiddle.middle(type: 2, asOf: asOf, limits: limits)
        #expect(counts.outstanding == 1 && counts.letters == 1 && p50 == nil && p90 == nil)
    }
}

