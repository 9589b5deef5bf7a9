import Foundation
import Testing
@testable import LetterlagKit

/// Runs the built `letterlag` binary as a user or cron would.
struct Binary {
    static var url: URL? {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("letterlag"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("letterlag"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/letterlag"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) throws -> Output {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LETTERLAG_DB")
        environment.merge(extra) { $1 }
        return try runProgram(try #require(url, "the letterlag binary was not built"), arguments, in: directory, environment: environment)
    }
}

/// An exact, deliberately plain computation of the report over the raw rows.
struct ReferenceReport {
    struct Figures {
        var letters = 0, received = 0, outstanding = 0, due = 0, withinLimit = 0, due3d = 0, within3d = 0, due4d = 0, within4d = 0
        var delays: [Int64] = []
        var outstandingEvents: [Int64] = []
        /// Outstanding letters not yet older than both their limit and 4 days: the period is not complete.
        var pending = 0
    }

    var figures: [String: Figures] = [:]
    /// The same per trust, letter type and week, keyed `trust,type,week_start` (the Monday of the
    /// event's local date).
    var weekly: [String: Figures] = [:]
    var asOf: Int64 = .min

    init(csv: String) throws {
        let clock = ReferenceClock()
        func instant(_ s: Substring) throws -> Int64? { try clock.instant(s) }
        let day = clock.day
        func monday(_ date: String) throws -> String {
            let d = try #require(day.date(from: date))
            let weekday = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: d).weekday!
            return day.string(from: d.addingTimeInterval(-Double((weekday + 5) % 7) * 86_400))
        }
        var rows: [(key: String, type: String, event: Int64, received: Int64?, eventDay: String)] = []
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let event = try #require(try instant(f[6]))
            let sent = try instant(f[7]), received = try instant(f[8])
            asOf = max(asOf, event, sent ?? .min, received ?? .min)
            rows.append(("\(f[1]),\(f[5])", String(f[5]), event, received, String(f[6].prefix(10))))
        }
        for r in rows {
            let week = "\(r.key),\(try monday(r.eventDay))"
            var fig = figures[r.key] ?? Figures()
            var weekFig = weekly[week] ?? Figures()
            defer { weekly[week] = weekFig }
            let limit: Int64 = r.type == "clinic_letter" || r.type == "dna_notification" ? 7 * 86_400 : 86_400
            precondition(r.eventDay >= "2018-04-01")
            fig.letters += 1
            if let received = r.received {
                let delay = received - r.event
                fig.received += 1
                fig.delays.append(delay)
                fig.due += 1
                fig.due3d += 1
                fig.due4d += 1
                if delay <= limit { fig.withinLimit += 1 }
                if delay <= 3 * 86_400 { fig.within3d += 1 }
                if delay <= 4 * 86_400 { fig.within4d += 1 }
            } else {
                fig.outstanding += 1
                let age = asOf - r.event
                if age >= limit { fig.due += 1 }
                if age >= 3 * 86_400 { fig.due3d += 1 }
                if age >= 4 * 86_400 { fig.due4d += 1 }
                if !(age > 4 * 86_400 && age > limit) { weekFig.pending += 1 }
            }
            weekFig.letters += 1
            if let received = r.received { weekFig.delays.append(received - r.event) } else { weekFig.outstanding += 1 }
            figures[r.key] = fig
        }
    }

    static func nearestRank(_ sorted: [Int64], _ p: Double) -> Double {
        Double(sorted[max(1, Int((p * Double(sorted.count)).rounded(.up))) - 1]) / 3600
    }
}

@Suite(.serialized) struct EndToEndTests {
    @Test func generateIngestReportMatchesAnExactComputationOnTheSameRows() throws {
        let dir = try ScratchDirectory()
        let common = ["--rows", "30000", "--trusts", "9", "--seed", "11", "--start", "2024-01-01", "--days", "400"]
        let gz = try Binary.run(["generate"] + common + ["--output", dir.path("x.csv.gz")])
        #expect(gz.status == 0, "\(gz.stderr)")
        #expect(try Binary.run(["generate"] + common + ["--output", dir.path("x.csv")]).status == 0)
        let db = dir.path("e2e.sqlite")
        let ingest = try Binary.run(["ingest", dir.path("x.csv.gz"), "--db", db])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("rows read 30000"))
        let report = try Binary.run(["report", "--db", db, "--format", "csv"])
        #expect(report.status == 0)
        let lines = report.stdout.split(separator: "\n")
        #expect(lines.first.map(String.init) == ReportRenderer.csvHeader)

        let reference = try ReferenceReport(csv: String(contentsOfFile: dir.path("x.csv"), encoding: .utf8))
        #expect(lines.count - 1 == reference.figures.count)
        var totalLetters = 0
        for line in lines.dropFirst() {
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let key = "\(c[0]),\(c[1])"
            let ref = try #require(reference.figures[key], "no reference for \(key)")
            totalLetters += Int(c[2])!
            #expect(Int(c[2]) == ref.letters, "\(key) letters")
            #expect(Int(c[3]) == ref.received, "\(key) received")
            #expect(Int(c[4]) == ref.outstanding, "\(key) outstanding")
            #expect(Int(c[10]) == ref.due, "\(key) due")
            #expect(Int(c[11]) == ref.withinLimit, "\(key) within_limit")
            let sorted = ref.delays.sorted()
            for (column, p) in [(5, 0.5), (6, 0.9), (7, 0.95), (8, 0.99), (9, 1.0)] {
                let truth = ReferenceReport.nearestRank(sorted, p)
                let got = try #require(Double(c[column]))
                #expect(abs(got - truth) <= truth * 0.01 + 0.005, "\(key) column \(column): \(got) vs \(truth)")
            }
            for (column, part, whole) in [(12, ref.withinLimit, ref.due), (13, ref.within3d, ref.due3d), (14, ref.within4d, ref.due4d)] {
                let truth = Double(part) * 100 / Double(whole)
                #expect(abs(try #require(Double(c[column])) - truth) <= 0.005, "\(key) column \(column)")
            }
        }
        #expect(totalLetters == 30_000)
    }

    @Test func aDamagedFileExitsNonZeroNamingItAndLeavesTheDatabaseAsItWas() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("d.sqlite")
        let good = try dir.write("good.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")]
            .joined(separator: "\n") + "\n")
        #expect(try Binary.run(["ingest", good, "--db", db, "--quiet"]).status == 0)
        let before = try Self.contents(db)
        var options = ExtractGenerator.Options(rows: 20_000)
        options.trusts = 3
        try ExtractGenerator(options: options).write(to: dir.path("whole.csv.gz"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir.path("whole.csv.gz")))
        let truncated = try dir.write("cut.csv.gz", Array(whole.prefix(whole.count / 2)))
        let other = try dir.write("other.csv", [canonicalHeader, row("L2", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let failed = try Binary.run(["ingest", other, truncated, "--db", db])
        #expect(failed.status == 3)
        let message = failed.stderr.split(separator: "\n").filter { $0.hasPrefix("letterlag:") }
        #expect(message.count == 1)
        #expect(message.first?.contains("cut.csv.gz: byte") == true)
        #expect(message.first?.contains("truncated") == true)
        #expect(try Self.contents(db) == before)
    }

    /// Everything an analyst could read from the database: every run and its summary rows.
    static func contents(_ path: String) throws -> String {
        let store = try SummaryStore(path: path)
        return try store.reader.runs().map { run in
            "\(run.id) \(run.asOf) \(run.rowsRead) \(run.letters)\n" + (try store.reader.summary(run: run.id)).map { "\($0)" }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    @Test func tooManyBadRowsFailTheRunAndStoreNothing() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("r.sqlite")
        var lines = [canonicalHeader]
        for i in 0..<98 { lines.append(row("L\(i)", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")) }
        lines += [row("B1", event: "bad"), row("B2", event: "2020-01-14 09:32:00", received: "2020-01-10 09:32:00")]
        let path = try dir.write("two-percent.csv", lines.joined(separator: "\n") + "\n")
        let failed = try Binary.run(["ingest", path, "--db", db])
        #expect(failed.status == 4)
        #expect(failed.stderr.contains("2 of 100 rows were set aside"))
        let allowed = try Binary.run(["ingest", path, "--db", db, "--max-rejected", "2"])
        #expect(allowed.status == 0)
        #expect(allowed.stdout.contains("set aside unreadable_timestamp: 1 (first at \(path):100)"))
        #expect(allowed.stdout.contains("set aside received_before_event: 1 (first at \(path):101)"))
        let runs = try Binary.run(["runs", "--db", db, "--format", "csv"])
        #expect(runs.stdout.split(separator: "\n").count == 2)
    }

    @Test func reportWithoutAnyRunSaysSoAndExitsSix() throws {
        let dir = try ScratchDirectory()
        _ = try SummaryStore(path: dir.path("empty.sqlite"))
        let out = try Binary.run(["report", "--db", dir.path("empty.sqlite")])
        #expect(out.status == 6)
        #expect(out.stderr.contains("no runs yet"))
    }

    @Test func readingADatabaseThatIsNotThereCreatesNothing() throws {
        let dir = try ScratchDirectory()
        for command in ["report", "trend", "runs", "compare", "export"] {
            let out = try Binary.run([command, "--db", dir.path("none.sqlite")] + (command == "export" ? ["--output", dir.path("x")] : []))
            #expect(out.status == 6, "\(command)")
            #expect(out.stderr == "letterlag: \(dir.path("none.sqlite")): there is no summary database here; run 'letterlag ingest' first\n")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.sqlite")))
    }

    @Test func theDatabaseDefaultsToTheWorkingDirectory() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("one.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        #expect(try Binary.run(["ingest", file, "--quiet"], in: dir.url).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.path("letterlag.sqlite")))
    }

    @Test func everyOutputOfARunMeasuredToSendingSaysSo() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("sent.sqlite")
        let text = "letter_id,trust_code,practice_code,specialty_code,letter_type,event_at,sent_at\n"
            + (1...20).map { "L\($0),RJ1,A81001,300,clinic_letter,2020-01-14 09:00,2020-01-\(15 + $0 % 5) 09:00" }.joined(separator: "\n") + "\n"
        #expect(try Binary.run(["ingest", try dir.write("sent.csv", text), "--db", db, "--quiet"]).status == 0)
        let says = "delay is event to sending (the extract has no received_at)"
        for command in [["report"], ["trend"], ["report", "--by", "practice"], ["trend", "--practice", "A81001"]] {
            let table = try Binary.run(command + ["--db", db])
            #expect(table.status == 0 && table.stdout.contains(says), "\(command): \(table.stdout)")
            let json = try Binary.run(command + ["--db", db, "--format", "json"])
            let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
            let rows = parsed as? [[String: Any]] ?? []
            let document = parsed as? [String: Any]
            #expect(document?["delay_to"] as? String == "sent" || (!rows.isEmpty && rows.allSatisfy { $0["delay_to"] as? String == "sent" }),
                    "\(command): \(json.stdout)")
        }
        let runs = try Binary.run(["runs", "--db", db, "--format", "csv"]).stdout.split(separator: "\n")
        let delayColumn = try #require(runs.first?.split(separator: ",").firstIndex(of: "delay_to"))
        #expect(runs.last?.split(separator: ",", omittingEmptySubsequences: false)[delayColumn] == "sent")
        #expect(try Binary.run(["report", "--db", db, "--format", "html", "--output", dir.path("r.html")]).status == 0)
        #expect(try String(contentsOfFile: dir.path("r.html"), encoding: .utf8).contains("event to sending"))

        // A later run measured to receipt is not compared with one measured to sending.
        let received = try dir.write("received.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")].joined(separator: "\n"))
        #expect(try Binary.run(["ingest", received, "--db", db, "--quiet"]).status == 0)
        let compare = try Binary.run(["compare", "--db", db])
        #expect(compare.status == 2 && compare.stderr.contains("their delays cannot be compared"), "\(compare.stderr)")
    }

    /// A&E letters can reach the GP within minutes, where two decimals of an hour (36 s) put 640 s
    /// 1.25% off; every machine format gives delays within the histograms' 1% of the exact value.
    @Test func aDelayOfMinutesIsWrittenWithinOnePercentInEveryMachineFormat() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("minutes.sqlite")
        // Nine letters, 600 to 680 seconds from event to receipt; the median is the fifth, 640 s.
        let rows = (0..<9).map { k in
            row("L\(k)", type: "ae_discharge", event: "2024-03-05 10:00:00", sent: "2024-03-05 10:05:00",
                received: "2024-03-05 10:\(10 + k / 6):\(String(format: "%02d", (k * 10) % 60))")
        }
        let extract = try dir.write("minutes.csv", ([canonicalHeader] + rows).joined(separator: "\n") + "\n")
        #expect(try Binary.run(["ingest", extract, "--db", db, "--quiet"]).status == 0)
        let median = 640.0 / 3600, p90 = 680.0 / 3600
        for command in [["report"], ["report", "--by", "practice"], ["trend"], ["trend", "--practice", "A81001"]] {
            let csv = try Binary.run(command + ["--db", db, "--format", "csv"])
            #expect(csv.status == 0, "\(command): \(csv.stderr)")
            let lines = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let p50Column = try #require(lines.first?.firstIndex(of: "p50_hours"), "\(command)")
            let p90Column = try #require(lines.first?.firstIndex(of: "p90_hours"), "\(command)")
            #expect(lines.count >= 2, "\(command): \(csv.stdout)")
            for line in lines.dropFirst() {
                let got50 = try #require(Double(line[p50Column]), "\(command): \(line)")
                let got90 = try #require(Double(line[p90Column]), "\(command): \(line)")
                #expect(abs(got50 - median) <= 0.01 * median, "\(command): p50 \(line[p50Column]) against \(median)")
                #expect(abs(got90 - p90) <= 0.01 * p90, "\(command): p90 \(line[p90Column]) against \(p90)")
            }
            let json = try Binary.run(command + ["--db", db, "--format", "json"])
            let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
            let objects = (parsed as? [[String: Any]]) ?? ((parsed as? [String: Any])?["rows"] as? [[String: Any]]) ?? []
            #expect(!objects.isEmpty, "\(command): \(json.stdout)")
            for object in objects {
                let got = try #require(object["p50_hours"] as? Double, "\(command): \(object)")
                #expect(abs(got - median) <= 0.01 * median, "\(command) JSON: p50 \(got) against \(median)")
            }
        }
        #expect(try Binary.run(["export", "--db", db, "--output", dir.path("export")]).status == 0)
        for file in ["summary.csv", "weekly.csv"] {
            let lines = try String(contentsOfFile: dir.path("export/\(file)"), encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let p50Column = try #require(lines.first?.firstIndex(of: "p50_hours"), "\(file)")
            #expect(lines.count == 2, "\(file): \(lines)")
            let got = try #require(Double(lines[1][p50Column]), "\(file)")
            #expect(abs(got - median) <= 0.01 * median, "\(file): p50 \(got) against \(median)")
        }
    }
}
