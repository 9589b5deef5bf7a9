import Foundation
import Testing
@testable import LetterlagKit

/// Inputs the parser fuzzer (Fuzz/run) found; each must now keep the fuzzer's invariants.
@Suite struct FuzzFindingTests {
    struct Counts: RowSink, Equatable {
        var accepted: [Int] = []
        var rejected: [RejectReason] = []
        mutating func accept(_ row: ParsedRow, line: Int) { accepted.append(Int(row.event.utc)) }
        mutating func reject(_ reason: RejectReason, line: Int) { rejected.append(reason) }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    static var findings: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test func thereAreFindingsToReplay() {
        #expect(Self.findings.count >= 1)
    }

    @Test(arguments: findings)
    func cuttingAtARowBoundaryNeverChangesTheRows(name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let layout = try ExtractLayout(header: CanonicalColumn.allCases.map(\.name), mapping: ColumnMapping(), path: name)
        let parser = RowParser(layout: layout, asOf: nil)
        bytes.withUnsafeBufferPointer { all in
            var whole = Counts(), split = Counts()
            parser.parse(all, into: &whole)
            let cut = RowBoundary.wholeRows(UnsafeRawBufferPointer(all))
            parser.parse(UnsafeBufferPointer(rebasing: all[0..<cut]), into: &split)
            parser.parse(UnsafeBufferPointer(rebasing: all[cut...]), into: &split)
            #expect(whole == split)
            #expect(whole.accepted.count + whole.rejected.count >= 1)
        }
    }

    @Test func aQuoteInsideAFieldOpensQuotingAsTheChunkerAssumes() throws {
        let dir = try ScratchDirectory()
        // Line 2's event field holds a stray quote, which swallows the newline after it, making
        // lines 2 and 3 one damaged row; line 4 is good. Every chunk size must agree.
        let text = [canonicalHeader,
                    row("L1", event: "2020-01-14 09:32:0\"0", received: "2020-01-15 09:32:00"),
                    "L2\",RJ1,RJ122,A81001,300,clinic_letter,2020-01-14 09:32:00,,,post",
                    row("L3", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")].joined(separator: "\n") + "\n"
        let path = try dir.write("stray.csv", text)
        for chunk in [256, 512, 1 << 20] {
            let result = try ingest([path], chunkSize: chunk)
            #expect(result.rowsRead == 2)
            #expect(result.letters == 1)
            #expect(result.rejectCounts == [.wrongFieldCount: 1])
        }
    }
}
