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
        let total = SpillFile.blockValues * SpillFile.stagedBlocks * 3 + 77
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
            let record = CellRecord.outstanding(cell: 123_456, offset: offset)
            #expect(CellRecord.kind(record) == CellRecord.outstanding && CellRecord.offset(record) == offset)
            #expect(CellRecord.cell(record) == 123_456)
        }
        #expect(worst.0 >= 0 && worst.1 < 1 << 20)
    }

    @Test func aReceivedRecordKeepsBothBucketsItsFlagsAndItsCell() {
        let top = LatencyHistogram.bucket(of: .max)
        let allFlags = CellRecord.due | CellRecord.withinLimit | CellRecord.within3d | CellRecord.within4d
        for (d, w) in [(0, 0), (top, top), (1_234, 7), (5, 3_000)] {
            for flags in [0, CellRecord.due, CellRecord.within4d, allFlags] {
                let r = CellRecord.received(cell: .max, delayBucket: d, workingBucket: w, flags: flags)
                #expect(CellRecord.kind(r) == CellRecord.received)
                #expect(CellRecord.delayBucket(r) == d && CellRecord.workingBucket(r) == w)
                #expect(CellRecord.cell(r) == Int(UInt32.max))
                #expect(r & allFlags == flags)
            }
        }
    }

    @Test func theCellIndexFindsEveryCellWhateverOrderTheWeeksArriveIn() {
        var index = CellIndex()
        var expected: [Int: [Int: Int]] = [:]
        var state: UInt64 = 7
        // Weeks over 20 years, arriving in random order, so spans widen both ways, move and get compacted.
        let pairs = [CellIndex.pair(trust: 0, type: 0), CellIndex.pair(trust: 27 * 1296 + 19 * 36 + 10, type: 3),
                     CellIndex.pair(trust: 46_656 + 4, type: 1), CellIndex.pair(trust: 5, type: 2)]
        for cell in 0..<5_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let pair = pairs[Int(state >> 62)]
            let week = Int((state >> 20) % 1_043) - 300
            if expected[pair]?[week] != nil { continue }
            #expect(index.cell(pair: pair, week: week) == -1)
            index.insert(pair: pair, week: week, cell: cell)
            expected[pair, default: [:]][week] = cell
        }
        for (pair, weeks) in expected {
            for (week, cell) in weeks { #expect(index.cell(pair: pair, week: week) == cell) }
            #expect(index.cell(pair: pair, week: -2_000) == -1 && index.cell(pair: pair, week: 2_000) == -1)
        }
        #expect(index.cell(pair: CellIndex.pair(trust: 9, type: 0), week: 0) == -1)
        #expect(index.cell(pair: CellIndex.pair(trust: 90_000, type: 0), week: 0) == -1)
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
        #expect(try SummaryStore(path: db).runs().isEmpty)
    }
}
