import Foundation
import Testing
@testable import LetterlagKit

@Suite struct RowParserTests {
    @Test func theByteScannerFindsEverySpecialByteAtAnyLengthAndAlignment() {
        let bytes = mostlyPlainBytes(300, seed: 3, plainPercent: 69, specials: "ab,\n\"1 ")
        bytes.withUnsafeBufferPointer { all in
            for offset in [0, 1, 7, 63] {
                for count in [0, 1, 63, 64, 65, 127, 128, 200, 300 - offset] {
                    let chunk = UnsafeBufferPointer(rebasing: all[offset..<(offset + count)])
                    let naive = chunk.indices.filter { [0x2C, 0x0A, 0x22].contains(chunk[$0]) } + [count]
                    var scanner = SpecialByteScanner(chunk.baseAddress!, count: count)
                    var found: [Int] = []
                    var position = 0
                    while true {
                        let next = scanner.next(from: position)
                        found.append(next)
                        if next >= count { break }
                        position = next + 1
                    }
                    #expect(found == naive, "offset \(offset), count \(count)")
                }
            }
        }
    }

    @Test func theRowCutAgreesWithANaiveQuoteParityWalkAtAnyLengthAndAlignment() {
        // Quotes and line feeds common enough to cross block edges both ways.
        let bytes = mostlyPlainBytes(700, seed: 9, plainPercent: 56, specials: "\"\"\n,ab")
        func naive(_ chunk: UnsafeBufferPointer<UInt8>) -> Int {
            var inQuote = false, cut = 0
            for (i, b) in chunk.enumerated() {
                if b == 0x22 { inQuote.toggle() } else if b == 0x0A && !inQuote { cut = i + 1 }
            }
            return cut
        }
        bytes.withUnsafeBufferPointer { all in
            for offset in [0, 1, 7, 63] {
                for count in [1, 2, 63, 64, 65, 127, 128, 129, 300, 700 - offset] {
                    let chunk = UnsafeBufferPointer(rebasing: all[offset..<(offset + count)])
                    #expect(RowBoundary.wholeRows(UnsafeRawBufferPointer(chunk)) == naive(chunk), "offset \(offset), count \(count)")
                }
            }
        }
    }

    @Test func letterTypesMatchOnlyTheirExactSpellingAtEveryLength() {
        let spellings = ["ae_discharge", "clinic_letter", "discharge_summary", "dna_notification", "DS", "OPCLINIC", "AE-DISCH9", "a_long_mapped_code_of_thirty_bytes"]
        let matcher = LetterTypeMatcher(spellings.enumerated().map { (Array($1.utf8), $0) })
        func type(_ text: String) -> Int {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { matcher.type(of: $0) }
        }
        for (i, spelling) in spellings.enumerated() {
            #expect(type(spelling) == i)
            var bytes = Array(spelling.utf8)
            // One byte changed anywhere, one dropped from either end, one added: never a match.
            for k in bytes.indices {
                let saved = bytes[k]
                bytes[k] = saved == 0x78 ? 0x79 : 0x78
                #expect(bytes.withUnsafeBufferPointer { matcher.type(of: $0) } == -1)
                bytes[k] = saved
            }
            #expect(type(String(spelling.dropLast())) == -1 && type(String(spelling.dropFirst())) == -1)
            #expect(type(spelling + "x") == -1 && type(spelling.uppercased() == spelling ? spelling.lowercased() : spelling.uppercased()) == -1)
        }
        #expect(type("") == -1)
    }

    @Test func quotedFieldsWithCommasDoubledQuotesAndNewlinesParse() throws {
        let dir = try ScratchDirectory()
        let text = """
            letter_id,nhs_number,trust_code,site_code,practice_code,specialty_code,letter_type,event_at,sent_at,received_at,channel,notes\r
            "L1","943 476 5919",RJ1,RJ122,A81001,300,"clinic_letter","2020-01-14 09:32:00",,"2020-01-15 09:32:00",post,"said ""hello"", then
            left"\r
            L2,943 476 5870,"RJ1",,A81001,300,clinic_letter,2020-01-14 09:32:00,,2020-01-16 09:32:00,,plain\r

            """
        let path = try dir.write("quoted.csv", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let result = try ingest([path])
        #expect(result.rowsRead == 2)
        #expect(result.rowsRejected == 0)
        let summary = try #require(try wholeRun(result)["RJ1/clinic_letter"])
        #expect(summary.received == 2)
        #expect(summary.p50Hours == 24)
        #expect(summary.maxHours == 48)
    }

    @Test func aCarriageReturnIsDroppedBeforeALineFeedOrTheEndButKeptBeforeAComma() throws {
        let dir = try ScratchDirectory()
        // received_at is the last column, so a CR left on it would make it unreadable; the file's
        // last line ends in a CR with no LF. A CR before a comma is part of its field.
        let header = "letter_id,trust_code,practice_code,specialty_code,letter_type,event_at,channel,received_at"
        let text = header + "\r\n"
            + "L1,RJ1,A81001,300,clinic_letter,2020-01-14 09:32:00,post,2020-01-15 09:32:00\r\n"
            + "L2,RJ1,A81001,300,clinic_letter,2020-01-14 09:32:00,\"post\",\"2020-01-16 09:32:00\"\r\n"
            + "L3,RJ1,A81001,300,clinic_letter\r,2020-01-14 09:32:00,post,2020-01-16 09:32:00\r\n"
            + "L4,RJ1,A81001,300,clinic_letter,2020-01-14 09:32:00,post,2020-01-17 09:32:00\r"
        for chunkSize in [4 << 20, 128] {
            let result = try ingest([try dir.write("crlf.csv", text)], chunkSize: chunkSize)
            #expect(result.rowsRead == 4)
            #expect(result.rejectCounts == [.unknownLetterType: 1])
            let summary = try #require(try wholeRun(result)["RJ1/clinic_letter"])
            #expect(summary.received == 3)
            // The median is a histogram bucket's midpoint (within 1%); the extremes are exact.
            #expect(abs((summary.p50Hours ?? 0) - 48) < 0.5 && summary.maxHours == 72)
        }
    }

    @Test func columnsMayComeInAnyOrderAndExtraOnesAreIgnored() throws {
        let dir = try ScratchDirectory()
        let text = """
            received_at,channel,event_at,patient_name,letter_type,trust_code,letter_id,sent_at,specialty_code,practice_code,site_code
            2020-03-02 10:00,email,2020-03-01 10:00,Jane Doe,discharge_summary,RXH,L9,,300,B82005,

            """
        let result = try ingest([try dir.write("reordered.csv", text)])
        let summary = try #require(try wholeRun(result)["RXH/discharge_summary"])
        #expect(summary.letters == 1)
        #expect(summary.p50Hours == 24)
    }

    @Test func badRowsAreSetAsideByReasonWithTheirLineNumbers() throws {
        let dir = try ScratchDirectory()
        let lines = [
            canonicalHeader,
            row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00"),             // line 2: good
            "L2,RJ1,RJ122,A81001,300,clinic_letter,2020-01-14 09:32:00",                            // 3: too few fields
            row("L3", event: "2020-02-30 09:00:00"),                                                // 4: impossible
            row("L4", event: "next tuesday"),                                                      // 5: unreadable
            row("L5", event: "2020-01-14 09:32:00", sent: "2020-01-13 09:32:00"),                   // 6: sent before event
            row("L6", event: "2020-01-14 09:32:00", received: "2020-01-13 09:32:00"),               // 7: received before event
            row("L7", type: "letter", event: "2020-01-14 09:32:00"),                                // 8: unknown type
            row("L8", trust: "", event: "2020-01-14 09:32:00"),                                     // 9: required empty
            row("L9", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00"),               // 10: good
        ]
        let result = try ingest([try dir.write("bad.csv", lines.joined(separator: "\n") + "\n")])
        #expect(result.rowsRead == 9)
        #expect(result.letters == 2)
        let expected: [RejectReason: Int] = [.wrongFieldCount: 1, .impossibleTimestamp: 1, .unreadableTimestamp: 1,
                                             .sentBeforeEvent: 1, .receivedBeforeEvent: 1, .unknownLetterType: 1,
                                             .requiredFieldEmpty: 1]
        #expect(result.rejectCounts == expected)
        let places = Dictionary(uniqueKeysWithValues: result.rejectExamples.map { ($0.reason, $0.line) })
        #expect(places == [.wrongFieldCount: 3, .impossibleTimestamp: 4, .unreadableTimestamp: 5, .sentBeforeEvent: 6,
                           .receivedBeforeEvent: 7, .unknownLetterType: 8, .requiredFieldEmpty: 9])
    }

    @Test func rowsAfterAGivenAsOfTimeAreSetAside() throws {
        let dir = try ScratchDirectory()
        let text = [canonicalHeader,
                    row("L1", event: "2020-01-14 09:00:00", received: "2020-01-15 09:00:00"),
                    row("L2", event: "2020-01-14 09:00:00", received: "2020-02-15 09:00:00"),
                    row("L3", event: "2020-03-14 09:00:00")].joined(separator: "\n")
        let result = try ingest([try dir.write("late.csv", text)], asOf: "2020-02-01 00:00:00")
        #expect(result.rejectCounts == [.afterAsOf: 2])
        #expect(result.letters == 1)
    }

    @Test func aMissingRequiredColumnFailsTheFileNamingIt() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("noevent.csv", "letter_id,trust_code,practice_code,specialty_code,letter_type,received_at\nL1,RJ1,A81001,300,clinic_letter,\n")
        #expect(throws: LetterlagError.unreadableFile(path: path, place: "line 1", reason: "header is missing required column 'event_at'")) {
            try ingest([path])
        }
    }

    @Test func anExtractWithoutReceivedAtMeasuresDelayToSending() throws {
        let dir = try ScratchDirectory()
        let text = "letter_id,trust_code,practice_code,specialty_code,letter_type,event_at,sent_at\nL1,RJ1,A81001,300,clinic_letter,2020-01-14 09:00,2020-01-16 09:00\n"
        let result = try ingest([try dir.write("sent.csv", text)])
        #expect(result.delayTo == .sent)
        #expect(try wholeRun(result)["RJ1/clinic_letter"]?.p50Hours == 48)
    }

    @Test(arguments: [256, 1_000, 4_096, 65_536])
    func chunkSizeNeverChangesAFigure(chunkSize: Int) throws {
        let dir = try ScratchDirectory()
        var options = ExtractGenerator.Options(rows: 3_000)
        options.trusts = 5
        let plain = dir.path("x.csv")
        try ExtractGenerator(options: options).write(to: plain)
        // Quoted fields with newlines force the quote-aware cut.
        var text = try String(contentsOfFile: plain, encoding: .utf8)
        text = text.replacingOccurrences(of: ",electronic\n", with: ",\"elec\ntronic\"\n")
        let quoted = try dir.write("q.csv", text)
        let reference = try ingest([quoted], chunkSize: 1 << 20, workers: 1)
        let split = try ingest([quoted], chunkSize: chunkSize, workers: 2)
        #expect(try split.cells == reference.cells)
        #expect(split.rowsRead == 3_000)
        #expect(reference.rowsRejected == 0)
    }
}

@Suite struct HeaderTests {
    @Test func aHeaderNamingAColumnTwiceFailsTheFile() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("twice.csv", canonicalHeader + ",Event_At\n" + row("L1", event: "2020-01-14 09:32:00") + ",x\n")
        #expect(throws: LetterlagError.unreadableFile(path: path, place: "line 1",
                                                      reason: "header names column 'Event_At' twice (fields 7 and 11)")) {
            try ingest([path])
        }
    }

    @Test func aHeaderWithABOMAndQuotedNamesIsRead() throws {
        let dir = try ScratchDirectory()
        let quoted = canonicalHeader.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ",")
        let path = try dir.write("bom.csv", [0xEF, 0xBB, 0xBF] + Array((quoted + "\r\n" + row("L1", event: "2020-01-14 09:32:00") + "\r\n").utf8))
        #expect(try ingest([path]).letters == 1)
    }
}

/// The quote-free path against the general loop, which handles every row it does.
@Suite struct QuoteFreeRowsTests {
    /// Every event a parse reports, with what an accepted row carries, copied out of the chunk.
    struct Events: RowSink, Equatable {
        var events: [String] = []
        mutating func accept(_ row: ParsedRow, line: Int) {
            events.append("accept \(line) \(Array(row.letterID)) \(row.trust) \(row.letterType) \(row.practice) \(row.specialty) "
                          + "\(row.channel) \(row.event.utc) \(row.sent.status) \(row.sent.utc) \(row.arrival.status) \(row.arrival.utc)")
        }
        mutating func reject(_ reason: RejectReason, line: Int) { events.append("reject \(line) \(reason)") }
    }

    /// Rows of many kinds, good and bad: CR endings, blank lines, too many and too few fields,
    /// empty and unreadable fields, quoted fields (some holding commas and line feeds), a stray
    /// quote, and random bytes.
    static func rows(seed: UInt64, count: Int) -> String {
        var rng = SplitMix64(seed: seed)
        var out = ""
        for i in 0..<count {
            let good = row("L\(i)", trust: ["RJ1", "RAX", "R0A"][Int(rng.next() % 3)], event: "2024-03-\(10 + rng.next() % 18) 0\(rng.next() % 10):15:00",
                           received: rng.next() % 5 == 0 ? "" : "2024-04-02 11:00:00")
            switch rng.next() % 16 {
            case 0: out += good + "\r\n"
            case 1: out += "\n"
            case 2: out += "\r\n"
            case 3: out += good + ",extra\n"
            case 4: out += good.split(separator: ",").dropLast().joined(separator: ",") + "\n"
            case 5: out += good.replacingOccurrences(of: "RJ1", with: "") + "\n"
            case 6: out += good.replacingOccurrences(of: "2024-03-", with: "2024-3-") + "\n"
            case 7: out += good.replacingOccurrences(of: "clinic_letter", with: "\"clinic_letter\"") + "\n"
            case 8: out += good.replacingOccurrences(of: "A81001", with: "\"A8,1\n001\"") + "\n"
            case 9: out += good.replacingOccurrences(of: "electronic", with: "elec\"tronic") + "\n"
            case 10: out += String(decoding: mostlyPlainBytes(Int(rng.next() % 90), seed: rng.next(), plainPercent: 70, specials: ",,\n\r1a "), as: UTF8.self) + "\n"
            default: out += good + "\n"
            }
        }
        return out
    }

    func compare(_ text: String, _ parser: RowParser, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { all in
            // Every cut at a row boundary, as the chunker makes them, and some that end without one.
            for end in Set([all.count, RowBoundary.wholeRows(UnsafeRawBufferPointer(all)), all.count / 2, 64, 127, 128, 129].filter { $0 <= all.count }) {
                for start in Set([0, RowBoundary.wholeRows(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all[..<min(end, 200)])))]) where start <= end {
                    let chunk = UnsafeBufferPointer(rebasing: all[start..<end])
                    var fast = Events(), general = Events()
                    let fastLines = parser.parse(chunk, into: &fast, quoteFreeFirst: true)
                    let generalLines = parser.parse(chunk, into: &general, quoteFreeFirst: false)
                    #expect(fast == general, "bytes \(start)..<\(end)", sourceLocation: sourceLocation)
                    #expect(fastLines == generalLines, "bytes \(start)..<\(end)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func theQuoteFreePathGivesEveryRowAndLineTheGeneralLoopGives() throws {
        let layout = try ExtractLayout(header: canonicalHeader.split(separator: ",").map(String.init), mapping: ColumnMapping(), path: "t.csv")
        let parser = RowParser(layout: layout, asOf: nil)
        var checked = 0
        for seed in 0..<300 as Range<UInt64> {
            compare(Self.rows(seed: seed, count: 1 + Int(seed % 40)), parser)
            checked += 1
        }
        #expect(checked == 300)
    }

    @Test func aQuoteAfterManyPlainRowsHandsTheRestToTheGeneralLoopAtTheRightRow() throws {
        let layout = try ExtractLayout(header: canonicalHeader.split(separator: ",").map(String.init), mapping: ColumnMapping(), path: "t.csv")
        let parser = RowParser(layout: layout, asOf: nil)
        let plain = (0..<30).map { row("L\($0)", event: "2024-03-11 09:15:00", received: "2024-03-12 09:15:00") }
        // A letter ID quoted around a comma and a line feed: one row over two lines.
        let quoted = "\"Q,\n1\"" + row("", event: "2024-03-11 09:15:00", received: "2024-03-12 09:15:00")
        for at in [0, 1, 15, 29, 30] {
            var rows = plain
            rows.insert(quoted, at: at)
            let text = rows.joined(separator: "\n") + "\n"
            compare(text, parser)
            var events = Events()
            let lines = Array(text.utf8).withUnsafeBufferPointer { parser.parse($0, into: &events) }
            #expect(lines == 32)
            #expect(events.events.count == 31)
            #expect(events.events.allSatisfy { $0.hasPrefix("accept") })
            #expect(events.events[at].hasPrefix("accept \(at) \(Array("Q,\n1".utf8))"))
            if at < 30 { #expect(events.events[at + 1].hasPrefix("accept \(at + 2) \(Array("L\(at)".utf8))")) }
        }
    }
}
