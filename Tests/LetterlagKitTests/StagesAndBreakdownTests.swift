import Foundation
import GRDB
import Testing
@testable import LetterlagKit

/// The letters of a generated extract, read with Foundation's clock rather than letterlag's, and
/// the figures a slow, obvious computation gives for any grouping of them.
struct ReferenceLetters {
    struct Letter {
        var trust: String, type: String, practice: String, specialty: String, channel: String
        var event: Int64, sent: Int64?, received: Int64?
        var monthLabel: String
    }

    var letters: [Letter] = []
    var asOf: Int64 = .min

    init(csv: String) throws {
        let clock = ReferenceClock()
        func instant(_ s: Substring) throws -> Int64? { try clock.instant(s) }
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let event = try #require(try instant(f[6]))
            let letter = Letter(trust: String(f[1]), type: String(f[5]), practice: String(f[3]), specialty: String(f[4]),
                                channel: f[9].isEmpty ? "unknown" : String(f[9]), event: event, sent: try instant(f[7]),
                                received: try instant(f[8]), monthLabel: String(f[6].prefix(7)))
            asOf = max(asOf, event, letter.sent ?? .min, letter.received ?? .min)
            letters.append(letter)
        }
    }

    /// The figures the report's stage columns and counts give for a group of letters.
    struct Figures {
        var letters = 0, received = 0, outstanding = 0, inTransit = 0
        var delays: [Int64] = [], writing: [Int64] = [], delivery: [Int64] = []
    }

    func grouped(_ key: (Letter) -> String) -> [String: Figures] { grouped(into: { [key($0)] }) }

    /// The practice view, keyed `trust,type,practice` as `report --by practice` names its rows:
    /// per practice × type, `(all)`, each trust that sent it 8 letters or more, and `(other)`.
    func practiceView() -> [String: Figures] {
        var flows: [String: Int] = [:]
        for l in letters { flows["\(l.trust),\(l.type),\(l.practice)", default: 0] += 1 }
        return grouped(into: { l in
            let trust = flows["\(l.trust),\(l.type),\(l.practice)"]! >= 8 ? l.trust : "(other)"
            return ["(all),\(l.type),\(l.practice)", "\(trust),\(l.type),\(l.practice)"]
        })
    }

    /// The practice view by event month, keyed `trust,type,month,practice`: per practice × type ×
    /// month, `(all)`, and each trust the run names for the practice (8 letters or more over
    /// the run) that sent it 8 letters or more of the type in the month.
    func practiceMonths() -> [String: Figures] {
        var flows: [String: Int] = [:], flowMonths: [String: Int] = [:]
        for l in letters {
            flows["\(l.trust),\(l.type),\(l.practice)", default: 0] += 1
            flowMonths["\(l.trust),\(l.type),\(l.monthLabel),\(l.practice)", default: 0] += 1
        }
        return grouped(into: { l in
            let named = flows["\(l.trust),\(l.type),\(l.practice)"]! >= 8 && flowMonths["\(l.trust),\(l.type),\(l.monthLabel),\(l.practice)"]! >= 8
            return ["(all),\(l.type),\(l.monthLabel),\(l.practice)"] + (named ? ["\(l.trust),\(l.type),\(l.monthLabel),\(l.practice)"] : [])
        })
    }

    /// The figures of every group, each letter in each of the groups `keys` names.
    func grouped(into keys: (Letter) -> [String]) -> [String: Figures] {
        var out: [String: Figures] = [:]
        for l in letters { for key in keys(l) {
            var f = out[key] ?? Figures()
            f.letters += 1
            if let r = l.received { f.received += 1; f.delays.append(r - l.event) } else { f.outstanding += 1 }
            if let s = l.sent {
                f.writing.append(s - l.event)
                if let r = l.received { f.delivery.append(r - s) } else { f.inTransit += 1 }
            }
            out[key] = f
        } }
        return out.mapValues { f in
            var s = f
            s.delays.sort(); s.writing.sort(); s.delivery.sort()
            return s
        }
    }

    /// The nearest-rank percentile in hours, or nil when there is none.
    static func hours(_ sorted: [Int64], _ p: Double) -> Double? {
        sorted.isEmpty ? nil : Double(sorted[max(1, Int((p * Double(sorted.count)).rounded(.up))) - 1]) / 3600
    }
}

@Suite(.serialized) struct StagesAndBreakdownTests {
    struct Fixture {
        let dir: ScratchDirectory
        let db: String
        let reference: ReferenceLetters
    }

    /// The shared fixture, failing each test that needs it when it could not be made.
    static func fixture() throws -> Fixture {
        switch shared {
        case .success(let f): return f
        case .failure(let error):
            Issue.record("the extract shared by these tests could not be made: \(error)")
            throw error
        }
    }

    /// 40,000 letters from 12 trusts over a year, ingested once for every test here.
    nonisolated(unsafe) private static let shared: Result<Fixture, Error> = Result {
        let dir = try ScratchDirectory()
        let common = ["--rows", "40000", "--trusts", "12", "--seed", "5", "--start", "2024-01-01", "--days", "365"]
        #expect(try Binary.run(["generate"] + common + ["--output", dir.path("x.csv.gz")]).status == 0)
        #expect(try Binary.run(["generate"] + common + ["--output", dir.path("x.csv")]).status == 0)
        let db = dir.path("b.sqlite")
        let ingest = try Binary.run(["ingest", dir.path("x.csv.gz"), "--db", db])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return Fixture(dir: dir, db: db, reference: try ReferenceLetters(csv: String(contentsOfFile: dir.path("x.csv"), encoding: .utf8)))
    }

    static func csvRows(_ text: String) -> (header: [String], rows: [[String]]) {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines.first ?? [], Array(lines.dropFirst()))
    }

    /// Within 1% of the reference, or both empty.
    static func close(_ stored: String, _ exact: Double?, _ context: String, decimals: Int = 4,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        guard let exact else {
            #expect(stored.isEmpty, "\(context): expected no value, got \(stored)", sourceLocation: sourceLocation)
            return
        }
        guard let value = Double(stored) else {
            Issue.record("\(context): expected \(exact), got '\(stored)'", sourceLocation: sourceLocation)
            return
        }
        // Within 1%, and within the rounding of the decimals shown.
        #expect(abs(value - exact) <= 0.01 * exact + 0.5 * pow(10, -Double(decimals)), "\(context): \(value) against \(exact)", sourceLocation: sourceLocation)
    }

    /// Checks the rows of a report (whole run, one per key) against the reference's figures for the same keys.
    static func check(_ text: String, keyColumns: Int, _ reference: [String: ReferenceLetters.Figures],
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (header, rows) = csvRows(text)
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "no column \(name)") }
        let letters = try column("letters"), received = try column("received"), outstanding = try column("outstanding"), p50 = try column("p50_hours"),
            p90 = try column("p90_hours"), w50 = try column("writing_p50_hours"), w90 = try column("writing_p90_hours"),
            d50 = try column("delivery_p50_hours"), d90 = try column("delivery_p90_hours"), transit = try column("in_transit")
        #expect(rows.count == reference.count, sourceLocation: sourceLocation)
        for r in rows {
            let key = r[0..<keyColumns].joined(separator: ",")
            let ref = try #require(reference[key], "no reference for \(key)")
            #expect(Int(r[letters]) == ref.letters && Int(r[received]) == ref.received && Int(r[outstanding]) == ref.outstanding
                    && Int(r[transit]) == ref.inTransit,
                    "\(key): \(r)", sourceLocation: sourceLocation)
            close(r[p50], ReferenceLetters.hours(ref.delays, 0.5), "\(key) p50", sourceLocation: sourceLocation)
            close(r[p90], ReferenceLetters.hours(ref.delays, 0.9), "\(key) p90", sourceLocation: sourceLocation)
            close(r[w50], ReferenceLetters.hours(ref.writing, 0.5), "\(key) writing p50", sourceLocation: sourceLocation)
            close(r[w90], ReferenceLetters.hours(ref.writing, 0.9), "\(key) writing p90", sourceLocation: sourceLocation)
            close(r[d50], ReferenceLetters.hours(ref.delivery, 0.5), "\(key) delivery p50", sourceLocation: sourceLocation)
            close(r[d90], ReferenceLetters.hours(ref.delivery, 0.9), "\(key) delivery p90", sourceLocation: sourceLocation)
        }
    }

    @Test func theReportsStageColumnsFollowItsOwnAndMatchTheRawLetters() throws {
        let f = try Self.fixture()
        let report = try Binary.run(["report", "--db", f.db, "--format", "csv"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.hasPrefix(ReportRenderer.csvHeader + "\n"))
        #expect(ReportRenderer.csvHeader.hasSuffix(",within_4d_pct,writing_p50_hours,writing_p90_hours,delivery_p50_hours,delivery_p90_hours,in_transit"))
        let reference = f.reference.grouped { "\($0.trust),\($0.type)" }
        try Self.check(report.stdout, keyColumns: 2, reference)
        // The generator leaves some letters sent but not received, so in transit is really tested.
        #expect(reference.values.reduce(0) { $0 + $1.inTransit } > 100)
    }

    @Test func everyBreakdownMatchesTheRawLettersGroupedTheSameWay() throws {
        let f = try Self.fixture()
        for (by, reference) in [("specialty", f.reference.grouped { "\($0.trust),\($0.type),\($0.specialty)" }),
                                ("channel", f.reference.grouped { "\($0.trust),\($0.type),\($0.channel)" }),
                                ("practice", f.reference.practiceView())] {
            let out = try Binary.run(["report", "--db", f.db, "--by", by, "--format", "csv"])
            #expect(out.status == 0, "\(out.stderr)")
            let header = Self.csvRows(out.stdout).header
            let column = Breakdown(rawValue: by)!.column
            #expect(Array(header.prefix(3)) == ["trust_code", "letter_type", column])
            #expect(Array(header.suffix(5)) == FigureColumn.stageNames)
            try Self.check(out.stdout, keyColumns: 3, reference)
        }
    }

    @Test func theMonthlyBreakdownTablesMatchTheRawLettersMonthByMonth() throws {
        let f = try Self.fixture()
        let figures = ["letters", "received", "outstanding", "in_transit", "p50_hours", "p90_hours"] + FigureColumn.stageNames.dropLast()
        for (table, column, key) in [("by_specialty_month", "specialty_code", { (l: ReferenceLetters.Letter) in "\(l.trust),\(l.type),\(l.monthLabel),\(l.specialty)" }),
                                     ("by_channel_month", "channel", { "\($0.trust),\($0.type),\($0.monthLabel),\($0.channel)" })] {
            // The table as the sqlite3 shell would print it, so `check` reads it as a report.
            let names = ["trust_code", "letter_type", "month", column] + figures
            let text = try SummaryStore(readingOnly: f.db).reader.read { db in
                try Row.fetchAll(db, sql: "SELECT \(names.joined(separator: ", ")) FROM \(table) WHERE run_id = 1").map { row in
                    names.indices.map { i in (row[i] as DatabaseValue).storage.value.map { "\($0)" } ?? "" }.joined(separator: ",")
                }
            }
            let reference = f.reference.grouped(key)
            // A year of events: every month is there, some of them in more than one trust's rows.
            #expect(Set(reference.keys.map { $0.split(separator: ",")[2] }).count == 12)
            try Self.check(([names.joined(separator: ",")] + text).joined(separator: "\n"), keyColumns: 4, reference)
        }
    }

    @Test func thePracticeViewByMonthMatchesTheRawLettersMonthByMonth() throws {
        let f = try Self.fixture()
        let names = ["trust_code", "letter_type", "month", "practice_code", "letters", "received", "outstanding", "p50_hours", "p90_hours"]
        let rows = try SummaryStore(readingOnly: f.db).reader.read { db in
            try Row.fetchAll(db, sql: "SELECT \(names.joined(separator: ", ")), run_id FROM practice_month_history")
        }
        let reference = f.reference.practiceMonths()
        #expect(rows.count == reference.count)
        #expect(rows.contains { $0["trust_code"] == "(all)" })
        for r in rows {
            let key = names.prefix(4).map { r[$0] as String }.joined(separator: ",")
            let ref = try #require(reference[key], "no reference for \(key)")
            #expect((r["letters"] as Int) == ref.letters && (r["received"] as Int) == ref.received
                    && (r["outstanding"] as Int) == ref.outstanding && (r["run_id"] as Int) == 1, "\(key)")
            Self.close((r["p50_hours"] as Double?).map { "\($0)" } ?? "", ReferenceLetters.hours(ref.delays, 0.5), "\(key) p50")
            Self.close((r["p90_hours"] as Double?).map { "\($0)" } ?? "", ReferenceLetters.hours(ref.delays, 0.9), "\(key) p90")
        }
    }

    @Test func aPracticesTrendIsItsMonthsAllThenEachNamedTrust() throws {
        let f = try Self.fixture()
        let practice = try #require(f.reference.letters.first?.practice)
        let out = try Binary.run(["trend", "--db", f.db, "--practice", practice, "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        let (header, rows) = Self.csvRows(out.stdout)
        #expect(header == ["trust_code", "letter_type", "practice_code", "month"] + TrendRenderer.practiceFigureNames + ["partial", "run_id"])
        let keys = rows.map { [$0[1], $0[0], $0[3]] }
        #expect(!rows.isEmpty && keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(rows.allSatisfy { $0[2] == practice })
        let reference = f.reference.practiceMonths().filter { $0.key.hasSuffix(",\(practice)") }
        #expect(Set(rows.map { "\($0[0]),\($0[1]),\($0[3]),\(practice)" }) == Set(reference.keys))
        for r in rows { #expect(Int(r[4]) == reference["\(r[0]),\(r[1]),\(r[3]),\(practice)"]?.letters) }
        let wrong = try Binary.run(["trend", "--db", f.db, "--practice", practice, "--by", "week"])
        #expect(wrong.status == 64 && wrong.stderr.contains("--by month"), "\(wrong.status) \(wrong.stderr)")
    }

    @Test(.tags(.slow), .skippedWhenQuick) func aTrustTypeWithMoreBreakdownRowsThanABatchHoldsIsStoredWhole() throws {
        // One trust, whose clinic letters go to every practice: their practice rows alone fill
        // several batches, handed to the store in turn while the trust × type is assembled.
        let dir = try ScratchDirectory()
        let common = ["--rows", "150000", "--trusts", "1", "--seed", "8", "--days", "200"]
        #expect(try Binary.run(["generate"] + common + ["--output", dir.path("x.csv")]).status == 0)
        let reference = try ReferenceLetters(csv: String(contentsOfFile: dir.path("x.csv"), encoding: .utf8))
        let practices = Set(reference.letters.filter { $0.type == "clinic_letter" }.map(\.practice))
        #expect(practices.count > 2 * CellAssembler.breakdownRowsPerBatch)
        let db = dir.path("one.sqlite")
        #expect(try Binary.run(["ingest", dir.path("x.csv"), "--db", db]).status == 0)
        for (by, expected) in [("specialty", reference.grouped { "\($0.trust),\($0.type),\($0.specialty)" }),
                               ("channel", reference.grouped { "\($0.trust),\($0.type),\($0.channel)" }),
                               ("practice", reference.practiceView())] {
            let out = try Binary.run(["report", "--db", db, "--by", by, "--format", "csv"])
            try Self.check(out.stdout, keyColumns: 3, expected)
        }
    }

    @Test func specialtiesAreNamedFromTheTreatmentFunctionListAndUnknownCodesLeftBlank() throws {
        let f = try Self.fixture()
        let out = try Binary.run(["report", "--db", f.db, "--by", "specialty", "--format", "csv"])
        let (header, rows) = Self.csvRows(out.stdout)
        #expect(header[3] == "specialty_name")
        let names = Dictionary(rows.map { ($0[2], $0[3]) }, uniquingKeysWith: { a, _ in a })
        #expect(names["300"] == "General Internal Medicine")
        #expect(names["110"] == "Trauma and Orthopaedic")
        #expect(TreatmentFunction.name(of: 999) == nil)
        // The database carries the same list, for SQL joins.
        #expect(try SummaryStore(readingOnly: f.db).reader.read { db in try String.fetchOne(db, sql: "SELECT name FROM treatment_functions WHERE code = '502'") } == "Gynaecology")
    }

    @Test func onePracticesReportHoldsItsLettersFromEveryTrustAndNoOther() throws {
        let f = try Self.fixture()
        let busiest = Dictionary(grouping: f.reference.letters, by: \.practice).max { $0.value.count < $1.value.count }!.key
        let out = try Binary.run(["report", "--db", f.db, "--practice", busiest, "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = Self.csvRows(out.stdout).rows
        #expect(!rows.isEmpty && rows.allSatisfy { $0[2] == busiest })
        let reference = f.reference.practiceView().filter { $0.key.hasSuffix(busiest) }
        try Self.check(out.stdout, keyColumns: 3, reference)
        // Per letter type, the whole, the rest and the named trusts: the busiest practice has all three.
        #expect(Set(rows.map { $0[0] }).isSuperset(of: ["(all)", "(other)"]) && rows.contains { $0[0].hasPrefix("R") })
        #expect(try Binary.run(["report", "--db", f.db, "--practice", "A8100'; DROP"]).status != 0)
    }

    @Test func aTrustIsNamedInAPracticesMonthOnlyWithEightLettersOfTheTypeInIt() throws {
        let f = try Self.fixture()
        let header = try #require(try String(contentsOfFile: f.dir.path("x.csv"), encoding: .utf8).split(separator: "\n").first)
        var lines = [String(header)]
        func letter(_ n: Int, _ trust: String, _ day: String) {
            lines.append("L\(1_000_000 + lines.count),\(trust),,C12345,300,clinic_letter,\(day) 09:00:00,\(day) 10:00:00,\(day) 1\(n % 10):00:00,post")
        }
        // RAA: 10 letters in March and 3 in April, 13 over the run; RBB: 2 in March.
        for n in 0..<10 { letter(n, "RAA", "2024-03-1\(n)") }
        for n in 0..<3 { letter(n, "RAA", "2024-04-1\(n)") }
        for n in 0..<2 { letter(n, "RBB", "2024-03-2\(n)") }
        let db = f.dir.path("named.sqlite")
        let ingest = try Binary.run(["ingest", try f.dir.write("named.csv", lines.joined(separator: "\n") + "\n"), "--db", db, "--quiet"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let out = try Binary.run(["trend", "--db", db, "--practice", "C12345", "--format", "csv"])
        let rows = Self.csvRows(out.stdout).rows.map { "\($0[0]) \($0[3]) \($0[4])" }
        #expect(rows == ["(all) 2024-03 12", "(all) 2024-04 3", "RAA 2024-03 10"], "\(out.stdout) \(out.stderr)")
    }

    @Test func aPracticesTrendTakesEachMonthFromTheLatestRunAndSaysWhetherItIsFinal() throws {
        let f = try Self.fixture()
        let db = f.dir.path("two-runs.sqlite")
        // A second night's extract: the same letters and one more, for a practice of its own.
        let later = try f.dir.write("y.csv", String(contentsOfFile: f.dir.path("x.csv"), encoding: .utf8)
            + "L9999999,RJ1,,B99999,300,clinic_letter,2024-06-03 09:00:00,2024-06-04 09:00:00,2024-06-05 09:00:00,post\n")
        for file in [f.dir.path("x.csv.gz"), later] {
            let ingest = try Binary.run(["ingest", file, "--db", db])
            #expect(ingest.status == 0, "\(ingest.stderr)")
        }
        let practice = f.reference.letters[0].practice
        let out = try Binary.run(["trend", "--db", db, "--practice", practice, "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        let (header, rows) = Self.csvRows(out.stdout)
        let at = { (name: String) in header.firstIndex(of: name)! }
        // The same window, a later as-of time: the second run takes every month.
        #expect(!rows.isEmpty && rows.allSatisfy { $0[at("run_id")] == "2" })
        let letters = f.reference.letters.filter { $0.practice == practice }
        #expect(rows.filter { $0[0] == "(all)" }.reduce(0) { $0 + Int($1[at("letters")])! } == letters.count)
        // Each month says whether it is final: surely so with nothing outstanding, surely not with
        // a letter outstanding for less than 4 days (between, the contract limit decides).
        var decided = 0
        for r in rows where r[0] == "(all)" {
            let mine = letters.filter { $0.type == r[1] && $0.monthLabel == r[3] && $0.received == nil }
            if mine.isEmpty { #expect(r[at("complete")] == "1", "\(r)"); decided += 1 }
            if mine.contains(where: { f.reference.asOf - $0.event < 4 * 86_400 }) { #expect(r[at("complete")] == "0", "\(r)"); decided += 1 }
            #expect(r[at("complete")] == "0" || r[at("complete")] == "1")
        }
        #expect(decided > 0)

        let type = rows[0][1]
        let one = try Binary.run(["trend", "--db", db, "--practice", practice, "--type", type, "--format", "csv"])
        #expect(one.status == 0 && Self.csvRows(one.stdout).rows == rows.filter { $0[1] == type })
        for refused in [["--by", "quarter"], ["--run", "1"]] {
            let out = try Binary.run(["trend", "--db", db, "--practice", practice] + refused)
            #expect(out.status == 64 && out.stderr.contains("leave out --run"), "\(refused): \(out.stderr)")
        }
    }

    /// Checks published rows, by column name, against the disclosure rule applied to the
    /// reference's exact figures; returns how many counts were withheld.
    /// Checks published rows against the exact figures; a practice's months (`months`) carry no
    /// stage columns, in transit or maximum.
    static func checkPublished(_ rows: [[String: String]], _ exact: [String: ReferenceLetters.Figures], _ context: String,
                               months: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        var suppressed = 0
        for r in rows {
            let key = (months ? ["trust_code", "letter_type", "month", "practice_code"] : ["trust_code", "letter_type", "practice_code"])
                .map { r[$0] ?? "" }.joined(separator: ",")
            let ref = try #require(exact[key], "\(context): no reference for \(key)")
            let counts = [("letters", ref.letters), ("received", ref.received), ("outstanding", ref.outstanding)]
            for (column, n) in counts + (months ? [] : [("in_transit", ref.inTransit)]) {
                let expected = n == 0 ? "0" : n <= 7 ? "*" : String(Int((Double(n) / 5).rounded()) * 5)
                #expect(r[column] == expected, "\(context) \(key) \(column): \(r[column] ?? "none") for \(n)", sourceLocation: sourceLocation)
                if r[column] == "*" { suppressed += 1 }
            }
            // No statistic rests on 1 to 7 letters.
            let statistics = months ? [(["p50_hours", "p90_hours"], ref.received)]
                : [(["p50_hours", "p90_hours", "max_hours"], ref.received), (["writing_p50_hours", "writing_p90_hours"], ref.writing.count),
                   (["delivery_p50_hours", "delivery_p90_hours"], ref.delivery.count)]
            for (columns, base) in statistics where (1...7).contains(base) {
                for c in columns { #expect(r[c] == "", "\(context) \(key) \(c) shown on \(base) letters", sourceLocation: sourceLocation) }
            }
        }
        return suppressed
    }

    @Test func publishedPracticeFiguresObeyTheDisclosureRuleInEveryFormat() throws {
        let f = try Self.fixture()
        let exact = f.reference.practiceView()
        func named(_ text: String) -> [[String: String]] {
            let (header, rows) = Self.csvRows(text)
            return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        }
        let csv = try Binary.run(["report", "--db", f.db, "--by", "practice", "--format", "csv", "--publish"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(try Self.checkPublished(named(csv.stdout), exact, "csv") > 0)

        // JSON: counts as numbers or "*", withheld statistics as null.
        let json = try Binary.run(["report", "--db", f.db, "--by", "practice", "--format", "json", "--publish"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let asText = objects.map { $0.mapValues { v in v is NSNull ? "" : "\(v)" } }
        #expect(asText.count == named(csv.stdout).count)
        #expect(try Self.checkPublished(asText, exact, "json") > 0)

        // One practice's rows, and its trend, under the same rule.
        let busiest = Dictionary(grouping: f.reference.letters, by: \.practice).max { $0.value.count < $1.value.count }!.key
        for command in [["report", "--practice", busiest], ["trend", "--practice", busiest]] {
            let out = try Binary.run(command + ["--db", f.db, "--format", "csv", "--publish"])
            let rows = named(out.stdout)
            #expect(!rows.isEmpty && rows.allSatisfy { $0["practice_code"] == busiest }, "\(command)")
            let months = command[0] == "trend"
            #expect(try Self.checkPublished(rows, months ? f.reference.practiceMonths() : exact, "\(command)", months: months) >= 0)
        }
    }

    @Test func theHTMLReportShowsWhereTheTimeGoesForEveryTrustOfEachType() throws {
        let f = try Self.fixture()
        let page = f.dir.path("r.html")
        #expect(try Binary.run(["report", "--db", f.db, "--format", "html", "--output", page]).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let charts = html.components(separatedBy: "aria-label='where the time goes ").dropFirst()
        #expect(charts.count == LetterType.allCases.count)
        let report = Self.csvRows(try Binary.run(["report", "--db", f.db, "--format", "csv"]).stdout)
        let w50 = report.header.firstIndex(of: "writing_p50_hours")!
        for chart in charts {
            let type = String(chart.prefix { $0 != "'" })
            let svg = chart.components(separatedBy: "</svg>")[0]
            for r in report.rows where r[1] == type {
                #expect(svg.contains("\(r[0]) writing median \(String(format: "%.2f", Double(r[w50])!)) h"), "\(type) \(r[0])")
            }
        }
    }

    @Test func aLetterReceivedBeforeItWasSentIsSetAside() throws {
        let dir = try ScratchDirectory()
        let csv = ExtractGenerator.header
            + "L1,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-05 09:00:00,2024-03-04 09:00:00,post\n"
            + "L2,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 09:00:00,2024-03-04 09:00:00,POST\n"
        let result = try ingest([try dir.write("x.csv", csv)])
        #expect(result.rejectCounts == [.receivedBeforeSent: 1])
        let cells = try result.assembler.allBreakdownCells()
        let channel = try #require(cells.first { $0.breakdown == .channel && $0.month == nil })
        #expect(channel.value == LetterChannel.post.rawValue && channel.summary.letters == 1)
        #expect(channel.summary.writing.maximum == 86_400 && channel.summary.delivery.maximum == 2 * 86_400)
    }

    @Test func aLetterInTransitCountsWithTheAgeOfItsSendingAndAnUnknownChannelStillCounts() throws {
        let dir = try ScratchDirectory()
        let csv = ExtractGenerator.header
            + "L1,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-03 09:00:00,,\n"
            + "L2,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,,,carrier pigeon\n"
            + "L3,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 09:00:00,2024-03-04 09:00:00,electronic\n"
        let result = try ingest([try dir.write("x.csv", csv)], asOf: "2024-03-10T09:00:00Z")
        let whole = try #require(try wholeRun(result)["RJ1/clinic_letter"])
        let stages = try #require(whole.stages)
        #expect(stages.sent == 2 && stages.delivered == 1 && stages.inTransit == 1)
        #expect(stages.oldestInTransitHours == 168.0, "\(String(describing: stages.oldestInTransitHours))")
        // Letters 1 and 3 were sent within 7 days; letter 2 is unsent and past its 7 days: two of three.
        #expect(stages.writingDue == 3 && stages.writingWithinLimit == 2)
        let channels = try result.assembler.allBreakdownCells().filter { $0.breakdown == .channel && $0.month == nil }
        #expect(Dictionary(uniqueKeysWithValues: channels.map { ($0.value, $0.summary.letters) })
                == [LetterChannel.unknown.rawValue: 2, LetterChannel.electronic.rawValue: 1])
    }

    /// An extract of `count` clinic letters from RJ1 and 50 from RXH, each to a practice of its own.
    static func manyPractices(_ dir: ScratchDirectory, count: Int = 300) throws -> String {
        var csv = ExtractGenerator.header
        for (trust, prefix, count) in [("RJ1", "A", count), ("RXH", "B", 50)] {
            for i in 0..<count {
                csv += "\(prefix)\(i),\(trust),,\(prefix)\(String(10_000 + i)),300,clinic_letter,2024-03-01 09:00:00,2024-03-02 09:00:00,2024-03-04 09:00:00,post\n"
            }
        }
        return try dir.write("x.csv", csv)
    }

    @Test func oneTrustAndTypeNamingMorePracticesThanEnglandHasIsLeftOutOfThePracticeViewAndTheRunIsStored() throws {
        let dir = try ScratchDirectory()
        let limit = PracticeOmission.practicesPerTrustType
        let path = try Self.manyPractices(dir, count: limit + 1)
        let db = dir.path("s.sqlite")
        let out = try Binary.run(["ingest", path, "--db", db, "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr == "letterlag: warning: RJ1 clinic_letter: " + PracticeOmission.reason
                + " Its letters are left out of run 1's practice view and count everywhere else (breakdown_omissions)\n")
        let store = try SummaryStore(readingOnly: db)
        try store.reader.read { (db: Database) throws -> Void in
            let omitted = try Row.fetchAll(db, sql: "SELECT breakdown, trust_code, letter_type, distinct_values, reason FROM breakdown_omissions")
            #expect(omitted.count == 1)
            #expect(omitted.first.map { [$0[0], $0[1], $0[2]] as [String] } == ["practice", "RJ1", "clinic_letter"])
            #expect(omitted.first?[3] as Int? == limit + 1)
            // Its letters still count in the run, its summary and its breakdowns.
            #expect(try Int.fetchOne(db, sql: "SELECT letters FROM summary WHERE trust_code = 'RJ1'") == limit + 1)
            #expect(try Int.fetchOne(db, sql: "SELECT sum(letters) FROM by_channel WHERE trust_code = 'RJ1'") == limit + 1)
            // The practice view holds RXH's letters only, and still adds up.
            #expect(try Int.fetchOne(db, sql: "SELECT sum(letters) FROM by_practice WHERE trust_code = '(all)'") == 50)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM by_practice WHERE practice_code LIKE 'A%'") == 0)
        }
        // Under the limit, nothing is left out: each practice's one letter is '(other)' of its whole.
        let whole = dir.path("whole.sqlite")
        #expect(try Binary.run(["ingest", try Self.manyPractices(dir), "--db", whole]).stderr.contains("warning") == false)
        try SummaryStore(readingOnly: whole).reader.read { (db: Database) throws -> Void in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM breakdown_omissions") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM by_practice WHERE trust_code = '(all)'") == 350)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM by_practice WHERE trust_code = '(other)'") == 350)
        }
    }

    @Test func theWholeRowReaderCutsOnlyAtRowEndsWhateverTheBufferSize() throws {
        var state: UInt64 = 99
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var text = "letter_id,trust_code,practice_code,specialty_code,letter_type,event_at,received_at\n"
        var rows: [String] = []
        for i in 0..<400 {
            let quoted = next() % 5 == 0 ? "\"L\(i),\nx\"" : "L\(i)"
            let row = "\(quoted),RJ1,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-0\(1 + next() % 8) 10:00:00\(next() % 3 == 0 ? "\r" : "")\n"
            rows.append(row)
            text += row
        }
        let dir = try ScratchDirectory()
        let path = try dir.write("x.csv", text)
        for _ in 0..<20 {
            let size = 120 + Int(next() % 900)
            var reader = WholeRowReader(source: try ExtractReader.open(path: path, inflater: .isal), path: path, mapping: .init())
            var buffers = [UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8),
                           UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)]
            defer { buffers.forEach { $0.deallocate() } }
            var pending = 0, out = ""
            var chunks: [String] = []
            loop: while true {
                let step = try reader.fill(buffers[0], holding: pending)
                switch step {
                case .last(let length):
                    chunks.append(String(decoding: buffers[0][0..<length], as: UTF8.self))
                    break loop
                case .rows(let length, let tail):
                    chunks.append(String(decoding: buffers[0][0..<length], as: UTF8.self))
                    buffers[1].baseAddress!.copyMemory(from: buffers[0].baseAddress! + length, byteCount: tail)
                    buffers.swapAt(0, 1)
                    pending = tail
                }
            }
            out = chunks.joined()
            #expect(reader.layout?.hasReceived == true)
            #expect(out == rows.joined(), "buffer of \(size) bytes")
            // Each chunk but perhaps the last is whole rows: the rows it starts are the rows it ends.
            for chunk in chunks.dropLast() { #expect(rows.contains { chunk.hasSuffix($0) }, "buffer of \(size) bytes") }
        }
        let tooLong = #expect(throws: LetterlagError.self) {
            var reader = WholeRowReader(source: try ExtractReader.open(path: path, inflater: .isal), path: path, mapping: .init())
            let tiny = UnsafeMutableRawBufferPointer.allocate(byteCount: 40, alignment: 8)
            defer { tiny.deallocate() }
            _ = try reader.fill(tiny, holding: 0)
        }
        if case .unreadableFile(path, _, _)? = tooLong {} else { Issue.record("expected the file named unreadable, got \(String(describing: tooLong))") }
    }
}
