import Foundation
import Testing
@testable import LetterlagKit

@Suite struct RealExtractTests {
    /// Rewrites a clean canonical extract the way a real trust's system might export it.
    func messy(_ clean: String) throws -> [UInt8] {
        let parser = TimestampParser()
        var rng = SplitMix64(seed: 77)
        let codes = ["discharge_summary": "DS", "ae_discharge": "AE", "clinic_letter": "CL", "dna_notification": "DNA"]
        func reform(_ stamp: Substring) -> String {
            guard !stamp.isEmpty else { return "" }
            let text = String(stamp)
            if text.count > 19 { return text }  // already carries an offset
            let y = text.prefix(4), m = text.dropFirst(5).prefix(2), d = text.dropFirst(8).prefix(2), time = text.dropFirst(11)
            switch rng.next() % 4 {
            case 0: return "\(d)/\(m)/\(y) \(time)"
            case 1: return Timestamps.iso(parser.parse(text).utc)
            case 2: return "\(y)-\(m)-\(d)T\(time).250"
            default: return text
            }
        }
        var lines = ["\"Letter Ref\",NHS Number,Patient Name,Type Code,DischargeDateTime,Provider,Practice,Specialty,Sent Date,GP Received,Channel,Site"]
        for line in clean.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let nhs = String(9_000_000_000 + rng.next() % 999_999_999)
            lines.append([f[0].description, nhs, "\"Smith, \"\"Jo\"\"\nJr\"", codes[String(f[5])]!, reform(f[6]), "\"\(f[1])\"",
                          f[3].description, f[4].description, reform(f[7]), reform(f[8]), f[9].description, f[2].description]
                .joined(separator: ","))
        }
        let bytes = [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + Array("\r\n".utf8)
        // Several gzip members, cut at arbitrary bytes (not row boundaries).
        var members: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1 + Int(rng.next() % 200_000))
            members += GzipWriter.member(Array(bytes[start..<end]))
            start = end
        }
        return members
    }

    @Test(.tags(.slow), .skippedWhenQuick) func aRealTrustsExtractReadWithAMappingGivesTheCleanFigures() throws {
        let dir = try ScratchDirectory()
        var options = ExtractGenerator.Options(rows: 40_000)
        options.trusts = 6
        let cleanPath = dir.path("clean.csv")
        try ExtractGenerator(options: options).write(to: cleanPath)
        let messyPath = try dir.write("trust-export.csv.gz", try messy(String(contentsOfFile: cleanPath, encoding: .utf8)))
        let mappingPath = try dir.write("mapping.json", """
            {"columns": {"letter_id": "Letter Ref", "trust_code": "Provider", "site_code": "Site", "practice_code": "Practice",
                         "specialty_code": "Specialty", "letter_type": "Type Code", "event_at": "DischargeDateTime",
                         "sent_at": "Sent Date", "received_at": "GP Received", "channel": "Channel"},
             "letter_types": {"DS": "discharge_summary", "AE": "ae_discharge", "CL": "clinic_letter", "DNA": "dna_notification"}}
            """)
        let clean = try ingest([cleanPath])
        let real = try ingest([messyPath], chunkSize: 64 * 1024, mapping: try ColumnMapping.load(path: mappingPath))
        #expect(real.rowsRead == 40_000)
        #expect(real.rowsRejected == 0)
        #expect(real.asOf == clean.asOf)
        #expect(try real.cells == clean.cells)

        let db = dir.path("real.sqlite")
        let run = try Binary.run(["ingest", messyPath, "--mapping", mappingPath, "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        let stored = try String(decoding: Data(contentsOf: URL(fileURLWithPath: db)), as: UTF8.self)
            + ((try? String(decoding: Data(contentsOf: URL(fileURLWithPath: db + "-wal")), as: UTF8.self)) ?? "")
        #expect(!stored.contains("Smith"))
        #expect(!stored.contains("NHS Number"))
    }

    @Test func aMappingThatNamesAMissingColumnFailsClearly() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("x.csv", canonicalHeader + "\n")
        var mapping = ColumnMapping()
        mapping.columns[.eventAt] = "DischargeDateTime"
        #expect(throws: LetterlagError.unreadableFile(path: file, place: "line 1",
                                                      reason: "header is missing required column 'DischargeDateTime' (event_at)")) {
            try ingest([file], mapping: mapping)
        }
    }
}
