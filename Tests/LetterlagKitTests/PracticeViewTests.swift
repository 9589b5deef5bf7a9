import Foundation
import GRDB
import Testing
@testable import LetterlagKit

/// The practice view (docs/product.md, "Breakdowns"): per practice × letter type, `(all)`, each
/// trust that sent it at least 8 letters, and `(other)`, sized by practices whatever the letters.
struct PracticeViewTests {
    /// A generated extract's practice cells, by `trust,type,practice`, and its months' by
    /// `trust,type,practice,month`.
    static func cells(_ result: IngestResult) throws -> [String: CellSummary] {
        var out: [String: CellSummary] = [:]
        for c in try result.assembler.allBreakdownCells() where c.breakdown == .practice {
            let key = "\(c.trust),\(c.type.name),\(CodeShape.practiceCode(c.value))" + (c.month.map { ",\(CivilDate.monthLabel($0))" } ?? "")
            #expect(out[key] == nil, "\(key) twice")
            out[key] = c.summary
        }
        return out
    }

    static func generated(_ dir: ScratchDirectory, rows: Int = 30_000, trusts: Int = 8) throws -> String {
        let path = dir.path("x.csv.gz")
        #expect(try Binary.run(["generate", "--rows", "\(rows)", "--trusts", "\(trusts)", "--seed", "11", "--days", "120",
                                "--output", path]).status == 0)
        return path
    }

    @Test func theTrustRowsAndOtherAddUpToAllInEveryCount() throws {
        let dir = try ScratchDirectory()
        let result = try ingest([try Self.generated(dir)])
        let everyCell = try Self.cells(result)
        let cells = everyCell.filter { $0.key.split(separator: ",").count == 3 }
        // A practice's months share out its run: each `(all)` month's letters add up to the run's.
        var byMonths: [String: Int] = [:]
        for (key, summary) in everyCell where key.hasPrefix("(all),") && key.split(separator: ",").count == 4 {
            byMonths[String(key.split(separator: ",").prefix(3).joined(separator: ",")), default: 0] += summary.letters
        }
        #expect(byMonths == cells.filter { $0.key.hasPrefix("(all),") }.mapValues(\.letters))
        // Trusts are named in a month only where they sent the practice 8 letters of the type in it.
        let namedMonths = everyCell.filter { !$0.key.hasPrefix("(") && $0.key.split(separator: ",").count == 4 }
        #expect(namedMonths.values.allSatisfy { $0.letters >= DisclosureThreshold.smallestShown })
        var parts: [String: CellSummary] = [:]
        var wholes: [String: CellSummary] = [:]
        for (key, summary) in cells {
            let f = key.split(separator: ",", maxSplits: 1)
            if f[0] == "(all)" { wholes[String(f[1])] = summary } else { parts[String(f[1]), default: CellSummary()].merge(summary) }
        }
        #expect(wholes.count > 100 && Set(wholes.keys) == Set(parts.keys))
        for (key, whole) in wholes {
            let sum = try #require(parts[key])
            for (name, path) in [("letters", \CellSummary.letters), ("received", \.received), ("outstanding", \.outstanding), ("due", \.due),
                                 ("withinLimit", \.withinLimit), ("due3d", \.due3d), ("within3d", \.within3d), ("due4d", \.due4d),
                                 ("within4d", \.within4d), ("pending", \.pending), ("sent", \.sent), ("writingDue", \.writingDue),
                                 ("writingWithinLimit", \.writingWithinLimit), ("inTransit", \.inTransit)] {
                #expect(whole[keyPath: path] == sum[keyPath: path], "\(key) \(name)")
            }
            // Merged histograms are the whole's: the parts are a partition of its letters.
            #expect(whole.delay == sum.delay && whole.writing == sum.writing && whole.delivery == sum.delivery
                    && whole.outstandingAge == sum.outstandingAge, "\(key)")
        }
        // Named trusts carry 8 letters or more; the extract's long tail makes '(other)' common.
        #expect(cells.allSatisfy { $0.key.hasPrefix("(") || $0.value.letters >= DisclosureThreshold.smallestShown })
        #expect(cells.keys.filter { $0.hasPrefix("(other)") }.count > 50)
        #expect(cells.keys.filter { !$0.hasPrefix("(") }.count > 20)
    }

    @Test func placingFlowsAFewAtATimeOrFoldingThemAsReadGivesTheSameRows() throws {
        let dir = try ScratchDirectory()
        let result = try ingest([try Self.generated(dir)])
        let whole = try Self.cells(result)
        // 40 letters at a time: most partitions take many chunks, and a flow of more than 40 is
        // folded as it is read, never held.
        result.assembler.practiceChunkLetters = 40
        #expect(try Self.cells(result) == whole)
        result.assembler.practiceChunkLetters = 1
        #expect(try Self.cells(result) == whole)
    }

    @Test func theViewsRowsComeInTheTablesKeyOrder() throws {
        let dir = try ScratchDirectory()
        let result = try ingest([try Self.generated(dir)])
        let keys = try result.assembler.allBreakdownCells().filter { $0.breakdown == .practice && $0.month == nil }
            .map { [CodeShape.practiceCode($0.value), $0.type.name, $0.trust] }
        #expect(keys.count > 1_000)
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func practiceRangesCutTheSampleIntoEvenShareAndNeverSplitAPractice() {
        // A hundred busy practices in a row, a quiet long tail, and one practice with a fifth of all letters.
        var sample = PracticeSample()
        var letters: [Int: Int] = [:]
        var state: UInt64 = 5
        for i in 0..<2_000_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let r = Int(state >> 33)
            let practice = i % 5 == 0 ? 777_777 : r % 3 == 0 ? 1_000_000 + r % 20_000 : 81_000 + r % 100
            sample.note(practice)
            letters[practice, default: 0] += 1
        }
        #expect(sample.values.count <= PracticeSample.capacity)
        #expect(abs(sample.values.count * sample.every - 2_000_000) <= sample.every)
        let ranges = PracticeRanges(samples: [(sample.values, sample.every)])
        // About one range a share of the letters: the busy practice's own, and the rest cut at most one short of a share each.
        let share = PracticeRanges.lettersPerPartition
        #expect(ranges.count >= 1 + 1_600_000 / share && ranges.count <= 2 + 2 * 1_600_000 / share, "\(ranges.count) ranges")
        var held = [Int](repeating: 0, count: ranges.count)
        var previous = 0
        for practice in letters.keys.sorted() {
            let p = ranges.partition(of: practice)
            #expect(p >= previous, "ranges are in practice order")
            previous = p
            held[p] += letters[practice]!
        }
        // The busy practice has a range of its own; every other range holds at most twice its share.
        let busiest = ranges.partition(of: 777_777)
        #expect(held[busiest] == letters[777_777])
        for (p, n) in held.enumerated() where p != busiest { #expect(n <= 2 * PracticeRanges.lettersPerPartition, "partition \(p): \(n)") }
        // Practices never seen fall into the range around them.
        #expect(ranges.partition(of: 0) == 0 && ranges.partition(of: CodeShape.practiceNumbers - 1) == ranges.count - 1)
    }

    @Test func theTypeRanksFollowTheNames() {
        let byName = LetterType.allCases.sorted { $0.name < $1.name }
        for t in LetterType.allCases { #expect(PracticeAssembler.typeRank(t.rawValue) == byName.firstIndex(of: t)!, "\(t.name)") }
    }

    @Test func aPracticeRecordKeepsWhatAFoldReads() {
        let record = CellRecord.received(localCell: 12_345, delay: 98_765, workingBucket: 77,
                                         flags: CellRecord.due | CellRecord.within4d)
        let first = PracticeRecord.received(practice: 2_599_999, record: record, slot: PracticeRecord.monthSlots)
        #expect(!PracticeRecord.isHeader(first) && !PracticeRecord.isOutstanding(first))
        #expect(PracticeRecord.practice(first) == 2_599_999 && PracticeRecord.slot(first, StageRecord.unsent) == PracticeRecord.monthSlots)
        let back = PracticeRecord.cellRecord(first)
        #expect(CellRecord.exactDelay(back) == 98_765 && back & CellRecord.due != 0 && back & CellRecord.within4d != 0)
        #expect(back & (CellRecord.withinLimit | CellRecord.within3d) == 0)
        let long = PracticeRecord.received(practice: 1, record: CellRecord.received(localCell: 0, delay: CellRecord.longDelay + 999_999,
                                                                                     workingBucket: 0, flags: 0), slot: 1)
        #expect(CellRecord.delayBucket(PracticeRecord.cellRecord(long)) == LatencyHistogram.bucket(of: CellRecord.longDelay + 999_999))
        let out = PracticeRecord.outstanding(practice: 42, age: 400 * 86_400 * 365)
        #expect(PracticeRecord.isOutstanding(out) && PracticeRecord.practice(out) == 42 && PracticeRecord.age(out) == 400 * 86_400 * 365)
        // An outstanding letter's slot rides in its stage's delivery field, which it lacks, and leaves it clean.
        let sent = StageRecord.sent | 1_234
        let stage = PracticeRecord.outstandingStage(sent, slot: 510)
        #expect(PracticeRecord.slot(out, stage) == 510 && PracticeRecord.stage(out, stage) == sent)
        #expect(PracticeRecord.slot(month: 2024 * 12, asOfMonth: 2024 * 12 + 3) == PracticeRecord.monthSlots - 3)
        #expect(PracticeRecord.slot(month: 1900 * 12, asOfMonth: 2024 * 12) == 0)
        #expect(PracticeRecord.month(ofSlot: PracticeRecord.monthSlots - 3, asOfMonth: 2024 * 12 + 3) == 2024 * 12)
        let header = PracticeRecord.header(pair: TrustTypePair(trust: 96_655, type: 3))
        #expect(PracticeRecord.isHeader(header) && PracticeRecord.pair(ofHeader: header) == TrustTypePair(trust: 96_655, type: 3))
    }

    @Test(.tags(.slow), .skippedWhenQuick) func theViewGrowsWithPracticesNotLetters() throws {
        // Ten times the letters over the same practices and trusts: far fewer than ten times the rows.
        let dir = try ScratchDirectory()
        var rows: [Int] = []
        for n in [20_000, 200_000] {
            let path = dir.path("x\(n).csv.gz")
            #expect(try Binary.run(["generate", "--rows", "\(n)", "--trusts", "20", "--seed", "2", "--output", path]).status == 0)
            rows.append(try Self.cells(try ingest([path])).filter { $0.key.split(separator: ",").count == 3 }.count)
        }
        // 6,300 practices × 4 types bound the '(all)' and '(other)' rows; named flows grow only
        // while trusts pass 8 letters to a practice.
        #expect(rows[1] < 3 * rows[0], "\(rows)")
        #expect(rows[1] <= 6_300 * 4 * 2 + 6_300 * 4 * 20)
    }
}

/// A trust × letter type larger than a thread may hold is assembled a few weeks at a time.
struct ChunkedAssemblyTests {
    /// Every figure the assembly hands the store, keyed so that two assemblies can be compared.
    static func everything(_ assembler: CellAssembler) throws -> [String: CellSummary] {
        var out: [String: CellSummary] = [:]
        try assembler.forEachBatch(cell: { ("week \($0.trust) \($0.type.name) \($0.week)", $1) },
                                   total: { ("total \($0.trust) \($0.type.name)", $1) },
                                   breakdown: { ("\($0.breakdown) \($0.trust) \($0.type.name) \($0.value) \($0.month ?? -1)", $0.summary) }) { batch in
            for (key, summary) in batch.cells + batch.totals + batch.breakdowns {
                #expect(out[key] == nil, "\(key) twice")
                out[key] = summary
            }
        }
        return out
    }

    @Test func assemblingAFewWeeksAtATimeGivesTheFiguresOfOneAssembly() throws {
        let dir = try ScratchDirectory()
        let generated = dir.path("x.csv")
        // Few trusts, a year: each trust × type has thousands of letters over 53 weeks and 12 months.
        #expect(try Binary.run(["generate", "--rows", "40000", "--trusts", "3", "--seed", "4", "--output", generated]).status == 0)
        // And 3,000 rows again, whose records are read and left out as repeats.
        let text = try String(contentsOfFile: generated, encoding: .utf8)
        let path = try dir.write("y.csv", text + text.split(separator: "\n").dropFirst().prefix(3_000).joined(separator: "\n") + "\n")
        let result = try ingest([path])
        #expect(result.rejectCounts[.duplicateLetterID] == 3_000)
        let whole = try Self.everything(result.assembler)
        #expect(whole.keys.filter { $0.hasPrefix("specialty") }.count > 100)
        // Parts of one week, of a few weeks (months split between parts), and of most of a trust × type.
        for records in [1, 700, 9_000] {
            result.assembler.chunkRecords = records
            let parts = try Self.everything(result.assembler)
            #expect(parts.count == whole.count, "\(records) records at a time")
            for (key, summary) in whole where parts[key] != summary {
                Issue.record("\(records) records at a time: \(key) differs")
            }
        }
    }
}
