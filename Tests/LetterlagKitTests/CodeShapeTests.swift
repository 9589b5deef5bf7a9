import Foundation
import Testing
@testable import LetterlagKit

/// Codes are checked while parsing: a row whose trust, practice, specialty or site code has
/// another shape is set aside as `invalid_code`, and its text never reaches the database.
@Suite struct CodeShapeTests {
    /// The shapes written out plainly, to hold the fast checks to.
    static func isAlnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) }
    static func referenceTrust(_ s: [UInt8]) -> Bool { (3...5).contains(s.count) && s.allSatisfy(isAlnum) }
    static func referencePractice(_ s: [UInt8]) -> Bool {
        s.count == 6 && (0x41...0x5A).contains(s[0]) && s.dropFirst().allSatisfy { (0x30...0x39).contains($0) }
    }
    static func referenceSpecialty(_ s: [UInt8]) -> Bool { s.count == 3 && s.allSatisfy { (0x30...0x39).contains($0) } }
    static func referenceSite(_ s: [UInt8]) -> Bool { s.isEmpty || (s.count == 5 && s.allSatisfy(isAlnum)) }

    @Test func theChecksAgreeWithThePlainRulesOnRandomBytes() {
        var rng = SplitMix64(seed: 8)
        // Mostly near-miss bytes around the edges of the ranges, so every branch is reached.
        let alphabet: [UInt8] = Array("09AZ/:@[az_ -,\"=<\u{7F}".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var seenTrust = Set<Int>()
        for _ in 0..<300_000 {
            let n = Int(rng.next() % 8)
            let bytes = (0..<n).map { _ in rng.next() % 4 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))]
                                                               : UInt8(0x30 + rng.next() % 43) }
            bytes.withUnsafeBufferPointer { b in
                let number = CodeShape.trustNumber(b)
                #expect((number >= 0) == Self.referenceTrust(bytes), "\(bytes)")
                if number >= 0 {
                    #expect(number < CodeShape.trustNumbers)
                    #expect(Array(CodeShape.trustCode(number).utf8) == bytes)
                    seenTrust.insert(number)
                }
                #expect(CodeShape.isPractice(b) == Self.referencePractice(bytes), "\(bytes)")
                #expect(CodeShape.isSpecialty(b) == Self.referenceSpecialty(bytes), "\(bytes)")
                #expect(CodeShape.isSite(b) == Self.referenceSite(bytes), "\(bytes)")
            }
        }
        #expect(seenTrust.count > 1_000)
        for (code, number) in [("000", 0), ("ZZZ", 46_655), ("0000", 46_656), ("ZZZZZ", CodeShape.trustNumbers - 1)] {
            #expect(Array(code.utf8).withUnsafeBufferPointer { CodeShape.trustNumber($0) } == number)
            #expect(CodeShape.trustCode(number) == code)
        }
    }

    @Test func rowsWithHostileCodesAreSetAsideAndNoneOfTheirTextIsStored() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("codes.sqlite")
        func line(_ id: String, trust: String = "RJ1", site: String = "RJ122", practice: String = "A81001", specialty: String = "300") -> String {
            "\(id),\(trust),\(site),\(practice),\(specialty),clinic_letter,2020-01-14 09:32:00,,2020-01-15 09:32:00,electronic"
        }
        let hostile = [
            line("H1", trust: "<script>alert(1)</script>"),
            line("H2", trust: "\"=HYPERLINK(\"\"http://x\"\")\""),
            line("H3", trust: "\"R,X\""),
            line("H4", trust: "rj1"),
            line("H5", trust: "RJ"),
            line("H6", trust: "RJ12345"),
            line("H7", practice: "=1+2"),
            line("H8", practice: "a81001"),
            line("H9", practice: "A8100"),
            line("H10", practice: "AA1001"),
            line("H11", specialty: "30"),
            line("H12", specialty: "3O0"),
            line("H13", specialty: "@SUM"),
            line("H14", site: "RJ12"),
            line("H15", site: "-RJ12"),
            line("H16", trust: "RJ1 "),
        ]
        let good = [line("G1"), line("G2", trust: "RXH12", site: ""), line("G3", trust: "NT01", practice: "Y00001", specialty: "999")]
        var lines = [canonicalHeader]
        for i in 0..<max(hostile.count, good.count) {
            if i < good.count { lines.append(good[i]) }
            if i < hostile.count { lines.append(hostile[i]) }
        }
        let file = try dir.write("codes.csv", lines.joined(separator: "\n") + "\n")
        let result = try ingest([file])
        #expect(result.rejectCounts == [.invalidCode: hostile.count])
        #expect(Set(try wholeRun(result).keys) == ["RJ1/clinic_letter", "RXH12/clinic_letter", "NT01/clinic_letter"])

        let run = try Binary.run(["ingest", file, "--db", db, "--max-rejected", "100"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("set aside invalid_code: \(hostile.count)"))
        var haystack = run.stdout + run.stderr
        for command in [["report", "--format", "csv"], ["report", "--format", "json"], ["trend", "--format", "csv"], ["runs"]] {
            haystack += try Binary.run(command + ["--db", db]).stdout
        }
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: db + suffix) { haystack += String(decoding: data, as: UTF8.self) }
        }
        #expect(haystack.contains("RXH12"))
        for text in ["script", "HYPERLINK", "R,X", "rj1", "RJ12345", "=1+2", "a81001", "AA1001", "3O0", "@SUM", "-RJ12"] {
            #expect(!haystack.contains(text), "\(text) reached the database or an output")
        }
    }

    @Test func trustCodesThatReadAsNumbersStayTextInEveryJSONOutput() throws {
        // Valid ODS-shaped codes that a number parser would take: an integer, an exponent, NaN,
        // infinity and a hexadecimal float.
        let codes = ["123", "1E5", "NAN", "INF", "0X1F"]
        let shown = codes + [RunComparison.nationalCode, PracticeAssembler.allTrusts, PracticeAssembler.otherTrusts]
        let dir = try ScratchDirectory()
        let db = dir.path("j.sqlite")
        for (week, day) in ["14", "21"].enumerated() {
            let rows = codes.map { "L\(week),\($0),,A81001,300,clinic_letter,2020-01-\(day) 09:32:00,,2020-01-\(day) 18:00:00,post" }
            let file = try dir.write("w\(week).csv", ([canonicalHeader] + rows).joined(separator: "\n") + "\n")
            #expect(try Binary.run(["ingest", file, "--db", db, "--quiet"]).status == 0)
        }
        for command in [["report"], ["report", "--by", "practice"], ["report", "--practice", "A81001"], ["compare"], ["trend"]] {
            let out = try Binary.run(command + ["--db", db, "--format", "json"])
            #expect(out.status == 0, "\(command): \(out.stderr)")
            let parsed = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8))
            let rows = (parsed as? [String: Any])?["rows"] as? [[String: Any]] ?? parsed as? [[String: Any]] ?? []
            let trusts = rows.compactMap { $0["trust_code"] }
            #expect(!trusts.isEmpty, "\(command)")
            for trust in trusts {
                #expect(trust is String && shown.contains(trust as! String), "\(command): \(trust) is not one of the codes, as text")
            }
        }
    }

    @Test func aChannelIsReadWhateverItsCaseAndAnyOtherSpellingIsUnknown() {
        func channel(_ text: String) -> LetterChannel {
            LetterChannel(rawValue: Array(text.utf8).withUnsafeBufferPointer { LetterChannel.of($0) })!
        }
        for (text, expected) in [("electronic", LetterChannel.electronic), ("Electronic", .electronic), ("ELECTRONIC", .electronic),
                                 ("post", .post), ("POST", .post), ("email", .email), ("eMail", .email),
                                 ("", .unknown), ("electronix", .unknown), ("electronics", .unknown), ("e-mail", .unknown),
                                 ("posts", .unknown), ("pos", .unknown), ("elec tronic", .unknown), ("@lectronic", .unknown)] {
            #expect(channel(text) == expected, "\(text)")
        }
    }
}
