import Foundation
import Testing
@testable import LetterlagKit

/// A letter is its trust and letter id: the first row of a letter in file order counts, across
/// every file of a run, and the rest are set aside as `duplicate_letter_id`.
@Suite struct DuplicateLetterTests {
    @Test func repeatedLettersAfterTheFirstAreSetAsideInFileOrder() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("dups.csv", extractWithRepeatedLetterIDs())
        for (chunkSize, workers) in [(1_024, 2), (1 << 20, 2), (700, 3), (1 << 20, 1)] {
            let result = try ingest([path], chunkSize: chunkSize, workers: workers)
            #expect(result.rowsRead == 2_003)
            #expect(result.rejectCounts == [.duplicateLetterID: 2])
            #expect(result.rejectExamples.map(\.line) == [2_002, 2_003])
            let s = try #require(try wholeRun(result)["RJ1/clinic_letter"])
            #expect(s.letters == 2_000)
            #expect(s.maxHours == 24.0)
            // The same id at another trust is another letter, still outstanding.
            #expect(try wholeRun(result)["RXH/clinic_letter"]?.outstanding == 1)
        }
    }

    @Test func trustsThatNumberTheirLettersAlikeNeverCollide() throws {
        let dir = try ScratchDirectory()
        let extract = try generatedRows(dir, rows: 24_000, trusts: 12)
        // One file per trust, each numbering its letters from L0000000001, as a national run receives them.
        var byTrust: [String: [[String]]] = [:]
        for fields in extract.rows { byTrust[fields[1], default: []].append(fields) }
        var files: [String] = []
        for (trust, rows) in byTrust.sorted(by: { $0.key < $1.key }) {
            let renumbered = rows.enumerated().map { i, f in
                ([String(format: "L%010d", i + 1)] + f.dropFirst()).joined(separator: ",")
            }
            files.append(try dir.write("\(trust).csv", ([extract.header] + renumbered).joined(separator: "\n") + "\n"))
        }
        let split = try ingest(files, chunkSize: 16 << 10)
        let whole = try ingest([extract.path], chunkSize: 16 << 10)
        #expect(split.rowsRejected == 0)
        #expect(split.rowsRead == 24_000)
        #expect(try split.cells == whole.cells)
    }

    @Test func aLetterRepeatedInALaterFileIsSetAsideThere() throws {
        let dir = try ScratchDirectory()
        let a = try dir.write("a.csv", ([canonicalHeader] + (1...50).map {
            row("L\($0)", event: "2020-01-14 09:00:00", received: "2020-01-15 09:00:00")
        }).joined(separator: "\n") + "\n")
        let b = try dir.write("b.csv", [canonicalHeader,
                                        row("L9", event: "2020-01-14 09:00:00", received: "2020-02-15 09:00:00"),
                                        row("L9", trust: "RXH", event: "2020-01-14 09:00:00", received: "2020-01-16 09:00:00"),
                                        row("L51", event: "2020-01-14 09:00:00")].joined(separator: "\n") + "\n")
        // The later file is named first, so reading order is not file order.
        let result = try ingest([a, b], workers: 2)
        #expect(result.rejectCounts == [.duplicateLetterID: 1])
        #expect(result.rejectExamples == [.init(reason: .duplicateLetterID, file: b, line: 2)])
        #expect(result.files.map(\.rowsRejected) == [0, 1])
        let rj1 = try #require(try wholeRun(result)["RJ1/clinic_letter"])
        #expect(rj1.letters == 51 && rj1.maxHours == 24 && rj1.outstanding == 1)
        #expect(try wholeRun(result)["RXH/clinic_letter"]?.letters == 1)
    }

    @Test func anExtractHoldingEveryRowTwiceOrThriceCountsTheRowsOnce() throws {
        let dir = try ScratchDirectory()
        let extract = try generatedRows(dir, rows: 20_000, trusts: 6)
        let body = extract.rows.map { $0.joined(separator: ",") }
        let once = try ingest([extract.path], chunkSize: 64 << 10)
        let appended = try dir.write("appended.csv", ([extract.header] + body + body).joined(separator: "\n") + "\n")
        let adjacent = try dir.write("adjacent.csv", ([extract.header] + body.flatMap { [$0, $0] }).joined(separator: "\n") + "\n")
        let thrice = try dir.write("thrice.csv", ([extract.header] + body + body + body).joined(separator: "\n") + "\n")
        for (path, copies) in [(appended, 2), (adjacent, 2), (thrice, 3)] {
            let result = try ingest([path], chunkSize: 64 << 10)
            #expect(result.rowsRead == 20_000 * copies)
            #expect(result.rejectCounts == [.duplicateLetterID: 20_000 * (copies - 1)])
            #expect(try result.cells == once.cells)
        }
        // The repeats of an appended copy are its own lines, from the line after the first copy.
        let appendedResult = try ingest([appended], chunkSize: 64 << 10)
        #expect(appendedResult.rejectExamples.map(\.line) == Array(20_002..<20_022))
        let adjacentResult = try ingest([adjacent], chunkSize: 64 << 10)
        #expect(adjacentResult.rejectExamples.map(\.line) == (0..<20).map { 3 + 2 * $0 })
    }

    /// Ids of every shape, compact and wide, repeated with other contents in random order,
    /// checked against a plain dictionary of the first row of each trust and id.
    @Test func theFirstRowOfEachLetterCountsAsAPlainDictionarySays() throws {
        let dir = try ScratchDirectory()
        var rng = SplitMix64(seed: 99)
        let shapes: [(inout SplitMix64) -> String] = [
            { "L" + String(format: "%010d", Int($0.next() % 300)) },
            { String(Int($0.next() % 300)) },
            { "AB" + String(Int($0.next() % 300)) },
            { "patient-letter-" + String(Int($0.next() % 300)) + "-x" },
            { "l" + String(Int($0.next() % 300)) },
            { "ABC" + String(Int($0.next() % 300)) },
            { "123456789012" + String(Int($0.next() % 10)) },
        ]
        var lines = [canonicalHeader]
        var first: [String: Int] = [:]
        var repeats: [Int] = []
        var kept: [String] = []
        for n in 0..<6_000 {
            let id = shapes[Int(rng.next() % UInt64(shapes.count))](&rng)
            let trust = ["RJ1", "RXH", "R1K"][Int(rng.next() % 3)]
            let hours = 1 + Int(rng.next() % 400)
            let event = "2020-03-\(String(format: "%02d", 2 + Int(rng.next() % 20))) 09:00:00"
            let received = rng.next() % 10 == 0 ? "" : Timestamps.iso(try Timestamps.parseArgument(event) + Int64(hours) * 3_600)
            let text = row(id, trust: trust, type: ["clinic_letter", "discharge_summary"][Int(rng.next() % 2)],
                           event: event, received: received)
            lines.append(text)
            let line = n + 2
            if first["\(trust)|\(id)"] == nil { first["\(trust)|\(id)"] = line; kept.append(text) } else { repeats.append(line) }
        }
        let mixed = try dir.write("mixed.csv", lines.joined(separator: "\n") + "\n")
        let reference = try dir.write("reference.csv", ([canonicalHeader] + kept).joined(separator: "\n") + "\n")
        for (chunkSize, workers) in [(4 << 10, 2), (1 << 20, 1), (3_001, 3)] {
            let result = try ingest([mixed], chunkSize: chunkSize, workers: workers)
            #expect(result.rejectCounts[.duplicateLetterID] == repeats.count)
            #expect(result.rejectExamples.map(\.line) == Array(repeats.prefix(RejectTally.examplesPerReason)))
            #expect(try result.cells == ingest([reference], chunkSize: chunkSize, workers: workers).cells)
        }
        #expect(repeats.count > 2_000)
    }

    /// Two long ids built to have the same fingerprint are two letters; only a true repeat is set aside.
    @Test func longIDsWhoseFingerprintsCollideAreStillDifferentLetters() throws {
        let trust = 27 * 1_296 + 19 * 36 + 1  // RJ1
        let (a, b) = collidingIDs(trust: trust)
        #expect(a != b)
        let fa = a.withUnsafeBufferPointer { LetterKey.fingerprint(trust: trust, id: $0) }
        let fb = b.withUnsafeBufferPointer { LetterKey.fingerprint(trust: trust, id: $0) }
        #expect(fa == fb)
        let idA = String(decoding: a, as: UTF8.self), idB = String(decoding: b, as: UTF8.self)
        let dir = try ScratchDirectory()
        let path = try dir.write("collide.csv", [canonicalHeader,
                                                 row(idA, event: "2020-01-14 09:00:00", received: "2020-01-15 09:00:00"),
                                                 row(idB, event: "2020-01-14 09:00:00", received: "2020-01-16 09:00:00"),
                                                 row(idA, event: "2020-01-14 09:00:00", received: "2020-01-20 09:00:00"),
                                                 row(idB, trust: "RXH", event: "2020-01-14 09:00:00")].joined(separator: "\n") + "\n")
        let result = try ingest([path])
        #expect(result.rejectCounts == [.duplicateLetterID: 1])
        #expect(result.rejectExamples.map(\.line) == [4])
        let rj1 = try #require(try wholeRun(result)["RJ1/clinic_letter"])
        #expect(rj1.letters == 2 && rj1.maxHours == 48)
        #expect(try wholeRun(result)["RXH/clinic_letter"]?.letters == 1)
    }

    @Test func compactKeysNameEachTrustAndIDOnceAndRefuseOtherShapes() {
        var rng = SplitMix64(seed: 3)
        var seen: [UInt64: String] = [:]
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for _ in 0..<200_000 {
            let prefix = String((0..<Int(rng.next() % 3)).map { _ in letters[Int(rng.next() % 26)] })
            let digits = String((0..<Int(rng.next() % 11)).map { _ in Character(String(rng.next() % 10)) })
            let id = prefix + digits
            if id.isEmpty { continue }
            let trust = Int(rng.next() % 3)
            let key = Array(id.utf8).withUnsafeBufferPointer { LetterKey.compact(trust: trust, id: $0) }
            guard let key else { Issue.record("\(id) has the compact shape but got no key"); continue }
            let name = "\(trust)|\(id)"
            if let other = seen[key] { #expect(other == name) }
            seen[key] = name
            #expect(key != LetterKey.marker && key != 0)
        }
        for id in ["ABC1", "L12345678901", "l0000012345", "L00000 12345", "1234567890123", "A-1", "", "L0000012345X"] {
            #expect(Array(id.utf8).withUnsafeBufferPointer { LetterKey.compact(trust: 1, id: $0) } == nil, "\(id)")
        }
        #expect(Array("L0000012345".utf8).withUnsafeBufferPointer { LetterKey.compact(trust: CellRegistry.fastTrustCodes, id: $0) } == nil)
        for (word, value) in [("00000000", 0), ("12345678", 12_345_678), ("99999999", 99_999_999), ("07000001", 7_000_001)] {
            #expect(LetterKey.eightDigits(Array(word.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) == UInt64(value))
        }
        for bad in ["1234567/", "1234567:", "a2345678", " 2345678", "\u{0}2345678"] {
            #expect(LetterKey.eightDigits(Array(bad.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) == nil, "\(bad)")
        }
    }

    @Test func aRepeatsDelayTooLongForItsRecordLeavesTheExtremesWithIt() throws {
        let dir = try ScratchDirectory()
        // L1 first arrives after a day, then again eleven years late; L2 the other way round.
        let path = try dir.write("long.csv", [canonicalHeader,
                                              row("L1", event: "2009-03-02 10:00:00", received: "2009-03-03 10:00:00"),
                                              row("L2", event: "2009-03-02 10:00:00", received: "2020-03-02 10:00:00"),
                                              row("L1", event: "2009-03-02 10:00:00", received: "2020-03-05 10:00:00"),
                                              row("L2", event: "2009-03-02 10:00:00", received: "2009-03-04 10:00:00")]
            .joined(separator: "\n") + "\n")
        let result = try ingest([path])
        #expect(result.rejectExamples.map(\.line) == [4, 5])
        let cell = try #require(try result.cells.values.first)
        let eleven = Int64(CivilDate.days(year: 2020, month: 3, day: 2) - CivilDate.days(year: 2009, month: 3, day: 2)) * 86_400
        #expect(eleven >= CellRecord.longDelay)
        #expect(cell.letters == 2 && cell.delay.minimum == 86_400 && cell.delay.maximum == eleven)
    }

    @Test func tooManyRepeatsFailTheRunNamingTheFileAndTheReason() throws {
        let dir = try ScratchDirectory()
        let rows = (1...100).map { row("L\($0)", event: "2020-01-14 09:00:00") }
        let file = try dir.write("twice.csv", ([canonicalHeader] + rows + rows).joined(separator: "\n") + "\n")
        #expect(throws: LetterlagError.tooManyRejected(
            files: [.init(path: file, rows: 200, rejected: 100, reasons: [.init(name: "duplicate_letter_id", count: 100, firstLine: 102)])],
            rejected: 100, rows: 200, limitPercent: 1)) {
            try ingest([file], maxRejected: 1)
        }
    }
}

/// A generated extract written as CSV, with its header and rows split into fields.
private func generatedRows(_ dir: ScratchDirectory, rows: Int, trusts: Int) throws -> (path: String, header: String, rows: [[String]]) {
    var options = ExtractGenerator.Options(rows: rows)
    options.trusts = trusts
    let path = dir.path("generated.csv")
    try ExtractGenerator(options: options).write(to: path)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    return (path, lines[0], lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
}

/// Two different sixteen-byte ids of printable letters and digits with the same
/// `LetterKey.fingerprint`: the fingerprint XORs each word into its state before multiplying,
/// so a second word can undo any difference in the first.
private func collidingIDs(trust: Int) -> ([UInt8], [UInt8]) {
    func state(afterFirstWord w: UInt64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ 16 ^ UInt64(trust) << 32
        h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        return (h << 29) | (h >> 35)
    }
    func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
    func bytes(_ w: UInt64) -> [UInt8] { withUnsafeBytes(of: w) { Array($0) } }
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    // Any printable byte but the comma and quote, so the field needs no quoting.
    let printable = (UInt8(0x21)...0x7E).filter { $0 != 0x2C && $0 != 0x22 }
    let a = Array("LETTER-A".utf8) + Array("00000001".utf8)
    let target = state(afterFirstWord: word(Array(a[0..<8]))) ^ word(Array(a[8..<16]))
    var rng = SplitMix64(seed: 11)
    while true {
        let first = (0..<8).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        let second = bytes(target ^ state(afterFirstWord: word(first)))
        if second.allSatisfy({ printable.contains($0) }) { return (a, first + second) }
    }
}
