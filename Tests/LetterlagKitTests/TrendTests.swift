import Foundation
import Testing
@testable import LetterlagKit

@Suite(.serialized) struct TrendTests {
    func table(_ csv: String) -> (header: [String], rows: [[String: String]]) {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.first ?? []
        return (header, lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    func ingested(_ dir: ScratchDirectory) throws -> String {
        let db = dir.path("t.sqlite")
        let extract = dir.path("x.csv.gz")
        #expect(try Binary.run(["generate", "--rows", "20000", "--trusts", "5", "--seed", "3", "--days", "200", "--output", extract]).status == 0)
        #expect(try Binary.run(["ingest", extract, "--db", db, "--quiet"]).status == 0)
        return db
    }

    @Test func weeklyTrendAddsUpToTheReportAndMonthsAddUpToWeeks() throws {
        let dir = try ScratchDirectory()
        let db = try ingested(dir)
        let weekly = table(try Binary.run(["trend", "--db", db, "--format", "csv"]).stdout)
        #expect(weekly.header.prefix(12).joined(separator: ",") ==
                "trust_code,letter_type,week,letters,received,outstanding,p50_hours,p90_hours,within_limit_pct,within_3d_pct,within_4d_pct,p50_vs_baseline")
        #expect(weekly.rows.allSatisfy { $0["week"]!.range(of: #"^\d{4}-W\d{2}$"#, options: .regularExpression) != nil })
        let monthly = table(try Binary.run(["trend", "--db", db, "--format", "csv", "--by", "month"]).stdout)
        #expect(monthly.header[2] == "month")
        let report = table(try Binary.run(["report", "--db", db, "--format", "csv"]).stdout)
        for r in report.rows {
            let key = { (row: [String: String]) in row["trust_code"] == r["trust_code"] && row["letter_type"] == r["letter_type"] }
            for column in ["letters", "received", "outstanding", "due", "within_limit"] {
                let total = Int(r[column]!)!
                #expect(weekly.rows.filter(key).reduce(0) { $0 + Int($1[column]!)! } == total, "\(column) by week")
                #expect(monthly.rows.filter(key).reduce(0) { $0 + Int($1[column]!)! } == total, "\(column) by month")
            }
        }
        let one = table(try Binary.run(["trend", "--db", db, "--format", "csv", "--by", "quarter", "--type", "clinic_letter"]).stdout)
        #expect(!one.rows.isEmpty && one.rows.allSatisfy { $0["letter_type"] == "clinic_letter" && $0["quarter"]!.contains("-Q") })
    }

    @Test func publishedOutputsShowNoCountFromOneToSevenAndNoStatisticOnThem() throws {
        let dir = try ScratchDirectory()
        let db = try ingested(dir)
        let countColumns = ["letters", "received", "outstanding", "due", "within_limit"]
        for command in [["trend", "--by", "week"], ["trend", "--by", "month"], ["report"]] {
            let exact = table(try Binary.run(command + ["--db", db, "--format", "csv"]).stdout)
            let published = table(try Binary.run(command + ["--db", db, "--format", "csv", "--publish"]).stdout)
            #expect(published.rows.count == exact.rows.count)
            var sawStar = false
            for (e, p) in zip(exact.rows, published.rows) {
                for column in countColumns {
                    let shown = p[column]!
                    sawStar = sawStar || shown == "*"
                    #expect(shown == "*" || Int(shown)! % 5 == 0, "\(command) \(column) = \(shown)")
                    #expect((shown == "*") == (1...7).contains(Int(e[column]!)!))
                }
                let received = Int(e["received"]!)!
                if (1...7).contains(received) { #expect(p["p50_hours"] == "" && p["p90_hours"] == "") }
                if let due = Int(e["due"]!), due > 7, let within = Int(e["within_limit"]!), !(1...7).contains(within) {
                    let expected = Double(DisclosureControl.rounded(within)) * 100 / Double(DisclosureControl.rounded(due))
                    #expect(abs(Double(p["within_limit_pct"]!)! - expected) < 0.006)
                }
            }
            if command.contains("week") { #expect(sawStar, "weekly cells of a small extract should include counts of 1 to 7") }
        }
    }

    @Test func exportWritesTidyFilesAndADictionary() throws {
        let dir = try ScratchDirectory()
        let db = try ingested(dir)
        let out = dir.path("export")
        let run = try Binary.run(["export", "--db", db, "--output", out, "--publish"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = table(try Binary.run(["report", "--db", db, "--format", "csv"]).stdout)
        let summary = table(try String(contentsOfFile: out + "/summary.csv", encoding: .utf8))
        #expect(summary.rows.count == report.rows.count)
        #expect(summary.rows.allSatisfy { $0["run_id"] == "1" && ($0["letters"] == "*" || Int($0["letters"]!)! % 5 == 0) })
        let weekly = table(try String(contentsOfFile: out + "/weekly.csv", encoding: .utf8))
        #expect(weekly.header.prefix(4) == ["run_id", "trust_code", "letter_type", "week"])
        #expect(weekly.rows.count > summary.rows.count)
        // Every column of summary.csv is described: by name, in a list "a / b", or in a range "a … b".
        var described: Set<String> = []
        for entry in Exporter.dictionary where entry.file == "summary.csv" {
            let names = entry.column.components(separatedBy: " / ").flatMap { $0.components(separatedBy: ", ") }
            if entry.column.contains(" … "), let from = summary.header.firstIndex(of: String(entry.column.split(separator: " ")[0])),
               let to = summary.header.firstIndex(of: String(entry.column.split(separator: " ")[2])) {
                described.formUnion(summary.header[from...to])
            }
            described.formUnion(names)
        }
        #expect(summary.header.filter { !described.contains($0) } == [])
        let dictionary = try String(contentsOfFile: out + "/data-dictionary.csv", encoding: .utf8)
        for column in ["km_p50_hours", "within_limit_pct", "week", "writing_p50_hours", "in_transit"] { #expect(dictionary.contains(column)) }
        #expect(table(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8)).rows.count == 1)
    }

    @Test func compareFlagsARealSlowdownButNotTinyTrusts() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("c.sqlite")
        func extract(_ name: String, days: Int, tag: String) throws -> String {
            var lines = [canonicalHeader]
            for i in 0..<300 {
                let day = 2 + i % 20
                lines.append(row("\(tag)\(i)", event: "2024-03-\(day < 10 ? "0" : "")\(day) 10:00:00",
                                 received: Timestamps.iso(try Timestamps.parseArgument("2024-03-\(day < 10 ? "0" : "")\(day) 10:00:00") + Int64(days * 86_400 + i * 60))))
            }
            for i in 0..<3 { lines.append(row("\(tag)x\(i)", trust: "RXH", event: "2024-03-02 10:00:00", received: "2024-03-0\(3 + i) 10:00:00")) }
            return try dir.write(name, lines.joined(separator: "\n") + "\n")
        }
        #expect(try Binary.run(["ingest", try extract("before.csv", days: 2, tag: "A"), "--db", db, "--quiet"]).status == 0)
        #expect(try Binary.run(["ingest", try extract("after.csv", days: 9, tag: "B"), "--db", db, "--quiet"]).status == 0)
        let exact = table(try Binary.run(["compare", "--db", db, "--format", "csv"]).stdout)
        let rj1 = try #require(exact.rows.first { $0["trust_code"] == "RJ1" })
        #expect(rj1["p50_flag"] == "worse")
        #expect(rj1["compliance_flag"] == "worse")
        #expect(rj1["flag"] == "worse")
        #expect(rj1["within_limit_pct_before"] == "100.00" && rj1["within_limit_pct_after"] == "0.00")
        let national = try #require(exact.rows.first { $0["trust_code"] == RunComparison.nationalCode })
        #expect(national["letters_after"] == "303")
        let published = table(try Binary.run(["compare", "--db", db, "--format", "csv", "--publish"]).stdout)
        let rxh = try #require(published.rows.first { $0["trust_code"] == "RXH" })
        #expect(rxh["letters_after"] == "*" && rxh["p50_hours_after"] == "" && rxh["flag"] == "")
        #expect(published.rows.first { $0["trust_code"] == RunComparison.nationalCode }?["letters_after"] == "303")
    }

    /// Compare merges each run's weeks itself; they must give back each run's own whole-run
    /// figures, which ingest folded from the letters, and the nation must be the trusts' sum.
    @Test func compareShowsEachRunsWholeRunFiguresAndTheNationAsTheirSum() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("c.sqlite")
        for seed in ["3", "5"] {
            let extract = dir.path("x\(seed).csv.gz")
            #expect(try Binary.run(["generate", "--rows", "8000", "--trusts", "4", "--seed", seed, "--start", "2024-01-01",
                                    "--days", "120", "--output", extract]).status == 0)
            #expect(try Binary.run(["ingest", extract, "--db", db, "--quiet"]).status == 0)
        }
        let compared = table(try Binary.run(["compare", "--db", db, "--format", "csv"]).stdout).rows
        let runs = try ["1", "2"].map { run in
            Dictionary(uniqueKeysWithValues: table(try Binary.run(["report", "--db", db, "--run", run, "--format", "csv"]).stdout).rows.map {
                ($0["trust_code"]! + " " + $0["letter_type"]!, $0)
            })
        }
        let trustRows = compared.filter { $0["trust_code"] != RunComparison.nationalCode }
        #expect(trustRows.count == Set(runs[0].keys).union(runs[1].keys).count)
        for row in trustRows {
            let key = row["trust_code"]! + " " + row["letter_type"]!
            for (side, run) in zip(["before", "after"], runs) {
                let whole = run[key]
                #expect(row["letters_\(side)"] == (whole?["letters"] ?? "0"), "\(key) \(side)")
                #expect(row["p50_hours_\(side)"] == (whole?["p50_hours"] ?? ""), "\(key) \(side)")
                #expect(row["within_limit_pct_\(side)"] == (whole?["within_limit_pct"] ?? ""), "\(key) \(side)")
            }
        }
        let nations = compared.filter { $0["trust_code"] == RunComparison.nationalCode }
        #expect(!nations.isEmpty)
        // Each run's weeks read back and merged at once per letter type, apart from compare's own merging.
        let store = try SummaryStore(readingOnly: db)
        var delays: [[LetterType: [LatencyHistogram]]] = [[:], [:]]
        for (i, run) in [Int64(1), 2].enumerated() {
            try store.reader.forEachWeek(.run(run), histograms: .all) { delays[i][$0.type, default: []].append($0.cell.delay) }
        }
        for nation in nations {
            let type = try #require(LetterType(name: nation["letter_type"]!))
            let before = LatencyHistogram.merged(delays[0][type] ?? []), after = LatencyHistogram.merged(delays[1][type] ?? [])
            for (side, whole) in [("before", before), ("after", after)] {
                let p50 = try #require(whole.percentile(perMille: 500)) / 3600
                #expect(abs(try #require(Double(nation["p50_hours_\(side)"]!)) - p50) <= 0.00005, "\(type) \(side)")
            }
            #expect(nation["p50_flag"] == RunComparison.medianFlag(before, after), "\(type)")
            for (side, run) in zip(["before", "after"], runs) {
                let trusts = run.values.filter { $0["letter_type"] == nation["letter_type"] }
                func sum(_ column: String) -> Int { trusts.reduce(0) { $0 + Int($1[column]!)! } }
                #expect(Int(nation["letters_\(side)"]!) == sum("letters"))
                let percent = try #require(Double(nation["within_limit_pct_\(side)"]!))
                #expect(abs(percent - Double(sum("within_limit")) * 100 / Double(sum("due"))) <= 0.005)
            }
            func counts(_ run: [String: [String: String]], _ column: String) -> Int {
                run.values.filter { $0["letter_type"] == nation["letter_type"] }.reduce(0) { $0 + Int($1[column]!)! }
            }
            let compliance = RunComparison.complianceFlag(within: counts(runs[0], "within_limit"), of: counts(runs[0], "due"),
                                                          within: counts(runs[1], "within_limit"), of: counts(runs[1], "due"))
            #expect(nation["compliance_flag"] == compliance, "\(type)")
            let flags = Set([nation["p50_flag"]!, compliance].filter { !$0.isEmpty })
            #expect(nation["flag"] == (flags.count == 2 ? "mixed" : flags.first ?? ""), "\(type)")
        }
        #expect(nations.contains { !$0["p50_flag"]!.isEmpty || !$0["compliance_flag"]!.isEmpty }, "some nation's change is flagged, so the flags are tested")
    }

    /// A period folded densely must equal its weeks merged all at once, the slow, obvious way:
    /// every count, every histogram with its extremes, empty histograms and all, period after
    /// period through one fold.
    @Test func aPeriodsFoldEqualsItsWeeksMergedAllAtOnce() {
        var rng = SplitMix64(seed: 31)
        let fold = PeriodFold()
        for period in 0..<60 {
            var weeks: [CellSummary] = []
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                var week = CellSummary()
                week.letters = Int(rng.next() % 500); week.received = Int(rng.next() % 400); week.outstanding = Int(rng.next() % 9)
                week.due = Int(rng.next() % 300); week.withinLimit = Int(rng.next() % 200); week.pending = Int(rng.next() % 2)
                week.sent = Int(rng.next() % 300); week.inTransit = Int(rng.next() % 5); week.deliveredAtSending = Int(rng.next() % 3)
                week.oldestInTransit = rng.next() % 3 == 0 ? .min : Int64(rng.next() % 90_000)
                week.stagesKept = rng.next() % 10 != 0
                func histogram(_ spread: UInt64) -> LatencyHistogram {
                    var h = LatencyHistogram()
                    if rng.next() % 5 == 0 { return h }
                    for _ in 0..<(rng.next() % 300) { h.record(Int64(rng.next() % spread)) }
                    return h
                }
                week.delay = histogram(3_000_000); week.outstandingAge = histogram(90_000_000); week.workingDays = histogram(40)
                week.writing = histogram(2_000_000); week.delivery = histogram(400_000)
                weeks.append(week)
                fold.add(week)
            }
            // The reference merges through a dense array of every bucket, not the fold's path.
            #expect(fold.take() == CellSummary.merged(weeks), "period \(period)")
        }
        #expect(fold.take() == CellSummary(), "a fold is empty once taken")

        // Stored blobs may hold up to 2^53 values: a period past the dense counts' 32 bits is merged exactly.
        var big3: [CellSummary] = []
        for week in 0..<3 {
            var cell = CellSummary()
            cell.delay.record(3_600 + Int64(week), count: 3_000_000_000)
            cell.delay.record(90_000, count: 7)
            big3.append(cell)
            fold.add(cell)
        }
        let big = fold.take()
        #expect(big == CellSummary.merged(big3))
        #expect(big.delay.total == 9_000_000_021)
        #expect(fold.take() == CellSummary(), "a fold is empty once taken")
    }

    @Test func noChangeIsFlaggedBetweenTwoSamplesOfOneDistribution() {
        var rng = SplitMix64(seed: 4)
        var a = LatencyHistogram(), b = LatencyHistogram()
        for _ in 0..<5_000 { a.record(Int64(exp(rng.normal() + 10))); b.record(Int64(exp(rng.normal() + 10))) }
        #expect(RunComparison.medianFlag(a, b) == "")
        #expect(RunComparison.complianceFlag(within: 480, of: 1_000, within: 500, of: 1_000) == "")
        #expect(RunComparison.complianceFlag(within: 400, of: 1_000, within: 500, of: 1_000) == "better")
    }

    @Test func theHTMLReportEscapesEveryTextItShows() throws {
        #expect(HTMLReport.escape("<script>alert('x') & \"y\"</script>") == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        var cell = CellSummary()
        cell.letters = 10
        cell.received = 10
        for d in 1...10 { cell.delay.record(Int64(d) * 3_600) }
        let hostile = "<img src=x onerror='alert(1)'>&"
        let row = SummaryRow(trust: hostile, type: .clinicLetter, summary: cell)
        let run = StoredRun(id: 1, asOf: "2020-02-01T00:00:00Z", asOfSource: "extract", delayTo: .received,
                                   startedAt: "", finishedAt: "", files: 1, bytes: 1, rowsRead: 10, letters: 10, rowsRejected: 0,
                                   trusts: 1, elapsedSeconds: 0)
        let weekly = [TrendBuilder.Row(period: "2020-W05", firstWeek: 2_610, figures: row, runID: 1, partial: false)]
        let html = try HTMLReport(run: run, rows: [row], weekly: weekly, limits: .standard, publish: false).render()
        #expect(!html.contains("<img") && !html.contains("onerror='"))
        #expect(html.contains("&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;"))
    }

    @Test func theHTMLReportIsOneSelfContainedPageWithSVGCharts() throws {
        let dir = try ScratchDirectory()
        let db = try ingested(dir)
        let page = dir.path("report.html")
        let run = try Binary.run(["report", "--db", db, "--format", "html", "--output", page])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("</html>"))
        #expect(!html.contains("<script") && !html.contains("src="))
        func count(_ s: String) -> Int { html.components(separatedBy: s).count - 1 }
        #expect(count("median and p90 by trust'") == 4 && count("aria-label='weekly median") == 4)  // per letter type
        // An SPC chart and a variation icon for every trust × type with complete weeks, as `spc` lists them.
        let series = try Binary.run(["spc", "--db", db, "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
        #expect(count("<svg xmlns='http://www.w3.org/2000/svg' class='spc'") == Set(series).count)
        #expect(count("class='icon variation'") == Set(series).count && count("class='icon assurance'") == 0)
        #expect(html.components(separatedBy: "r='5' fill='#1f4e79'").count - 1 == 20)  // medians: 5 trusts × 4 types
        // The extract's last weeks still have letters on their way: drawn hollow and labelled.
        let provisional = html.components(separatedBy: "class='provisional'><title>").count - 1
        #expect(provisional > 0)
        #expect(html.components(separatedBy: " provisional: ").count - 1 == provisional)
        #expect(html.contains(">provisional</text>"))
        #expect(html.contains("3–4 day baseline") && html.contains("contract limit"))
        #expect(try Binary.run(["report", "--db", db, "--format", "html"]).status != 0)
    }
}
