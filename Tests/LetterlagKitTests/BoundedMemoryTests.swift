import Foundation
import Testing
@testable import LetterlagKit

/// The parts that keep an ingest's memory bounded: spill files, packed records, and several
/// files read at once.
struct BoundedMemoryTests {
    @Test func spilledValuesComeBackPerPartitionInTheOrderWritten() throws {
        let spill = try SpillFile(partitions: 5)
        var expected = [[UInt64]](repeating: [], count: 5)
        // Enough values to fill many blocks and several staged writes, spread unevenly.
        let total = spill.blockValues * SpillFile.stagedBlocks * 3 + 77
        var state: UInt64 = 1
        for i in 0..<total {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let p = i % 7 == 0 ? 4 : Int(state >> 61) % 4
            spill.append(state, to: p)
            expected[p].append(state)
        }
        try spill.finish()
        #expect(spill.values == total)
        for p in 0..<5 {
            var back: [UInt64] = [42]
            try spill.read(partition: p, into: &back)
            #expect(spill.count(of: p) == expected[p].count)
            #expect(back == [42] + expected[p])
        }
    }

    @Test func anEmptySpillReadsBackNothing() throws {
        let spill = try SpillFile(partitions: 3)
        try spill.finish()
        var back: [UInt64] = []
        try spill.read(partition: 1, into: &back)
        #expect(back.isEmpty)
    }

    @Test func anOutstandingEventFitsItsWeekOffsetAcrossBothClockChanges() {
        let clock = LondonClock.shared
        // Every 7 minutes 13 seconds through 2023 and 2024, which holds both changes of both years.
        let start = Int64(CivilDate.days(year: 2023, month: 1, day: 1)) * 86_400
        let end = Int64(CivilDate.days(year: 2025, month: 1, day: 1)) * 86_400
        var worst = (Int.max, Int.min)
        for utc in stride(from: start, to: end, by: 433) {
            let week = CivilDate.weekIndex(days: clock.localDay(fromUTC: utc))
            let offset = CellRecord.offset(ofEvent: utc, week: week)
            worst = (min(worst.0, offset), max(worst.1, offset))
            #expect(CellRecord.event(ofOffset: offset, week: week) == utc)
            let record = CellRecord.outstanding(localCell: 123_456, offset: offset)
            #expect(CellRecord.isOutstanding(record) && CellRecord.offset(record) == offset)
            #expect(CellRecord.localCell(record) == 123_456)
        }
        #expect(worst.0 >= 0 && worst.1 < 1 << 20)
    }

    @Test func aReceivedRecordKeepsItsExactDelayItsBucketsItsFlagsAndItsCell() {
        let top = LatencyHistogram.bucket(of: .max)
        let allFlags = CellRecord.due | CellRecord.withinLimit | CellRecord.within3d | CellRecord.within4d
        let longest = CellRecord.localCells - 1
        // Exact up to just below the long-delay mark; from it up, only the bucket survives.
        let delays: [Int64] = [0, 1, 127, 128, 86_400, 40 * 86_400, CellRecord.longDelay - 1, CellRecord.longDelay,
                               CellRecord.longDelay + 1, 10 * 365 * 86_400, 1 << 40, .max]
        for delay in delays {
            for (w, flags, cell) in [(0, UInt64(0), 0), (top, allFlags, longest), (7, CellRecord.due, 12_345), (3_000, CellRecord.within4d, 1)] {
                let r = CellRecord.received(localCell: cell, delay: delay, workingBucket: w, flags: flags)
                #expect(!CellRecord.isOutstanding(r))
                #expect(CellRecord.exactDelay(r) == (delay < CellRecord.longDelay ? delay : -1))
                #expect(CellRecord.delayBucket(r) == LatencyHistogram.bucket(of: delay))
                #expect(CellRecord.workingBucket(r) == w && CellRecord.localCell(r) == cell)
                #expect(r & allFlags == flags)
            }
        }
    }

    @Test func delaysTooLongForARecordStillGiveExactExtremes() throws {
        let long = "2009-03-02 10:00:00"  // about eleven years before receipt
        let text = ([canonicalHeader,
                     row("L1", event: "2020-03-02 10:00:00", received: "2020-03-03 10:00:00"),
                     row("L2", event: long, received: "2020-03-05 10:00:00"),
                     row("L3", event: "2020-03-02 10:00:00", received: "2020-03-06 10:00:00")]).joined(separator: "\n")
        let dir = try ScratchDirectory()
        let result = try ingest([try dir.write("long.csv", text)])
        let cells = try result.cells
        let longCell = try #require(cells.first { $0.key.week == CivilDate.weekIndex(days: CivilDate.parse(isoDate: "2009-03-02")!) }?.value)
        let expected = Int64(CivilDate.days(year: 2020, month: 3, day: 5) - CivilDate.days(year: 2009, month: 3, day: 2)) * 86_400
        #expect(expected >= CellRecord.longDelay)
        #expect(longCell.delay.minimum == expected && longCell.delay.maximum == expected)
        #expect(longCell.delay.percentile(perMille: 500) == Double(expected))
        let shortCell = try #require(cells.first { $0.key.week == CivilDate.weekIndex(days: CivilDate.parse(isoDate: "2020-03-02")!) }?.value)
        #expect(shortCell.delay.minimum == 86_400 && shortCell.delay.maximum == 4 * 86_400)
        // Breakdown cells keep no exact long delays: their longest is its bucket's midpoint, within
        // 0.78% (the lower bound was 0.98% short here), and their shortest stays exact.
        let practice = try #require(try result.assembler.allBreakdownCells().first { $0.breakdown == .practice && $0.month == nil })
        #expect(practice.summary.received == 3 && practice.summary.delay.minimum == 86_400)
        #expect(abs(Double(practice.summary.delay.maximum - expected)) <= 0.0078 * Double(expected))
    }

    @Test func storingGrowsSQLitesCacheWithTheWeeklyRowsUpToItsCapThenGivesItAndTheSpillFilesBack() throws {
        #expect(SummaryStore.cacheKiB(weeklyRows: 0) == 2_000)
        #expect(SummaryStore.cacheKiB(weeklyRows: 15_000) == 2_703)
        #expect(SummaryStore.cacheKiB(weeklyRows: 44_518) == 3 << 10)
        #expect(SummaryStore.cacheKiB(weeklyRows: 219_861) == 3 << 10)
        #expect(SummaryStore.cacheKiB(weeklyRows: 50_000_000) == 3 << 10)
        let dir = try ScratchDirectory()
        let file = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let store = try SummaryStore(path: dir.path("c.sqlite"))
        let now = Date()
        let result = try ingest([file])
        _ = try store.store(result, contentKeys: ["k"], startedAt: now)
        #expect(try store.writer().write { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -2_000)
        // Storing discarded the spill files as soon as the cells were assembled; reading them again fails plainly.
        let spent = #expect(throws: LetterlagError.self) { try result.cells }
        if case .spill? = spent {} else { Issue.record("expected the spill's error, got \(String(describing: spent))") }
        #expect(try store.reader.summary(run: 1).first?.letters == 1)
    }

    @Test func aBatchsRowArraysStayBelowTheSizeMallocMapsOnItsOwn() {
        // Above it, each of a national run's batches was mapped, faulted in and unmapped: 800 at 512 rows.
        #expect(MemoryLayout<RunWriter.BreakdownRow>.stride * CellAssembler.breakdownRowsPerBatch < IngestPipeline.mmapThreshold)
        #expect(MemoryLayout<RunWriter.WeeklyRow>.stride * CellAssembler.weeklyRowsPerBatch < IngestPipeline.mmapThreshold)
    }

    @Test func theCellIndexFindsAndCountsEveryCellWhateverOrderTheWeeksArriveIn() {
        var index = CellIndex()
        var expected: [Int: [Int: Int]] = [:]
        var counted: [Int: Int] = [:]
        var state: UInt64 = 7
        // Weeks over 20 years, arriving in random order, so spans widen both ways, move and get compacted.
        let pairs = [TrustTypePair(trust: 0, type: 0).raw, TrustTypePair(trust: 27 * 1296 + 19 * 36 + 10, type: 3).raw,
                     TrustTypePair(trust: 46_656 + 4, type: 1).raw, TrustTypePair(trust: 5, type: 2).raw]
        for cell in 0..<5_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let pair = pairs[Int(state >> 62)]
            let week = Int((state >> 20) % 1_043) - 300
            if expected[pair]?[week] != nil { continue }
            #expect(index.cell(pair: pair, week: week) == -1)
            #expect(index.count(pair: pair, week: week) == -1)
            index.insert(pair: pair, week: week, cell: cell)
            expected[pair, default: [:]][week] = cell
            // Letters counted as cells come, so counts move with their spans as they widen and compact.
            for _ in 0..<(cell % 4) { #expect(index.count(pair: pair, week: week) == cell) }
            counted[cell] = cell % 4
        }
        for (pair, weeks) in expected {
            for (week, cell) in weeks where cell % 5 == 0 {
                #expect(index.count(pair: pair, week: week) == cell)
                counted[cell, default: 0] += 1
            }
        }
        var seen: [Int: Int] = [:]
        index.forEachCount { cell, letters in
            #expect(seen[cell] == nil)
            seen[cell] = letters
        }
        #expect(seen == counted)
        for (pair, weeks) in expected {
            for (week, cell) in weeks { #expect(index.cell(pair: pair, week: week) == cell) }
            #expect(index.cell(pair: pair, week: -2_000) == -1 && index.cell(pair: pair, week: 2_000) == -1)
        }
        #expect(index.cell(pair: TrustTypePair(trust: 9, type: 0).raw, week: 0) == -1)
        #expect(index.cell(pair: TrustTypePair(trust: 90_000, type: 0).raw, week: 0) == -1)
    }

    @Test func severalFilesReadAtOnceGiveTheFiguresOfOneFileAndPlaceBadRowsInTheirOwnFile() throws {
        let dir = try ScratchDirectory()
        var options = ExtractGenerator.Options(rows: 30_000)
        options.trusts = 5
        try ExtractGenerator(options: options).write(to: dir.path("whole.csv"))
        let lines = try String(contentsOfFile: dir.path("whole.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0], body = Array(lines[1...])
        // Three parts, the second with a bad row on its line 5 (the header is line 1).
        var parts = [Array(body[0..<9_000]), Array(body[9_000..<21_000]), Array(body[21_000...])]
        parts[1].insert(row("BAD1", event: "2024-13-45 10:00:00"), at: 3)
        var paths: [String] = []
        for (i, part) in parts.enumerated() {
            paths.append(try dir.write("part\(i).csv", ([header] + part).joined(separator: "\n") + "\n"))
        }
        let one = try dir.write("one.csv", ([header] + parts.flatMap { $0 }).joined(separator: "\n") + "\n")
        let split = try ingest(paths, chunkSize: 64 * 1024, workers: 3)
        let whole = try ingest([one], chunkSize: 64 * 1024, workers: 3)
        #expect(try split.cells == whole.cells)
        #expect(split.rowsRead == 30_001 && split.rowsRejected == 1)
        #expect(split.rejectExamples == [.init(reason: .impossibleTimestamp, file: paths[1], line: 5)])
        #expect(split.files.map(\.rowsRead) == [9_000, 12_001, 9_000])
    }

    @Test func aTemporaryDirectoryThatCannotBeWrittenFailsWithExitCodeEight() throws {
        let dir = try ScratchDirectory()
        let csv = try dir.write("x.csv", [canonicalHeader, row("L1", event: "2024-01-14 09:32:00", received: "2024-01-15 09:32:00")]
            .joined(separator: "\n") + "\n")
        let db = dir.path("x.sqlite")
        let missing = dir.path("no-such-directory")
        let out = try Binary.run(["ingest", csv, "--db", db, "--quiet"], environment: ["TMPDIR": missing])
        #expect(out.status == 8)
        #expect(out.stderr.contains("cannot create a temporary file in \(missing)"))
        #expect(try SummaryStore(path: db).reader.runs().isEmpty)
    }
}
