import Foundation
import Testing
@testable import LetterlagKit

/// NHSRplotthedots' rules written the package's way, as seeds and windows over positions, to
/// check `XmRChart`'s run-based code against (docs/spc.md).
struct ReferenceXmR {
    var mean: Double, lower: Double, upper: Double
    var causes: [String], types: [String]

    init(_ y: [Double], increase: Bool, screen: Bool) {
        let n = y.count
        let mean = y.reduce(0, +) / Double(n)
        self.mean = mean
        let mr: [Double?] = (0..<n).map { $0 == 0 ? nil : abs(y[$0] - y[$0 - 1]) }
        func average(_ xs: [Double?]) -> Double { let v = xs.compactMap { $0 }; return v.reduce(0, +) / Double(v.count) }
        var bar = average(mr)
        if screen { let first = bar; bar = average(mr.map { $0.flatMap { $0 < 3.267 * first ? $0 : nil } }) }
        let lower = mean - 2.66 * bar, upper = mean + 2.66 * bar
        self.lower = lower
        self.upper = upper
        let nearLower = mean - 2 * 2.66 / 3 * bar, nearUpper = mean + 2 * 2.66 / 3 * bar
        let sign = y.map { $0 > mean ? 1 : $0 < mean ? -1 : 0 }
        let outside = y.map { $0 > upper || $0 < lower }
        let close = (0..<n).map { !outside[$0] && (y[$0] < nearLower || y[$0] > nearUpper) }
        func diffSign(_ i: Int) -> Int { y[i] > y[i - 1] ? 1 : y[i] < y[i - 1] ? -1 : 0 }
        // A trend seed at i: the six steps into it all rise or all fall.
        let trendSeed = (0..<n).map { i -> Bool in
            guard i >= 6 else { return false }
            let steps = ((i - 5)...i).map(diffSign)
            return steps.allSatisfy { $0 == 1 } || steps.allSatisfy { $0 == -1 }
        }
        let inTrend = (0..<n).map { i in (i..<min(n, i + 7)).contains { trendSeed[$0] } }
        let sideSeed = (0..<n).map { i -> Bool in
            guard i >= 6 else { return false }
            let s = sign[(i - 6)...i]
            return s.allSatisfy { $0 == 1 } || s.allSatisfy { $0 == -1 }
        }
        let sevenSide = (0..<n).map { i in (i..<min(n, i + 7)).contains { sideSeed[$0] } }
        let twoInThree = (0..<n).map { i -> Bool in
            guard close[i] else { return false }
            return [i - 2, i - 1, i].contains { s in
                guard s >= 0, s + 2 < n else { return false }
                let w = s...(s + 2)
                return w.filter { close[$0] }.count >= 2 && abs(w.map { sign[$0] }.reduce(0, +)) == 3
            }
        }
        let causes = (0..<n).map { i -> String in
            if outside[i] { return sign[i] == 1 ? "Above UCL" : "Below LCL" }
            if inTrend[i] {
                let s = i + 1 < n && inTrend[i + 1] ? diffSign(i + 1) : (i == 0 ? 0 : diffSign(i))
                return s == 1 ? "7 Point Trend (Increasing)" : "7 Point Trend (Decreasing)"
            }
            if twoInThree[i] { return y[i] > mean ? "2 in 3 Above CL" : "2 in 3 Below CL" }
            if sevenSide[i] { return sign[i] == 1 ? "7 Points Above CL" : "7 Points Below CL" }
            return "Common Cause"
        }
        self.causes = causes
        types = causes.map { c in
            let v = c.contains("Above") || c.contains("Increasing") ? 1 : c.contains("Below") || c.contains("Decreasing") ? -1 : 0
            let product = v * (increase ? 1 : -1)
            return product > 0 ? "special_cause_improvement" : product < 0 ? "special_cause_concern" : "common_cause"
        }
    }
}

@Suite struct SPCTests {
    func chart(_ y: [Double], _ improvement: XmRChart.Improvement = .increase, screen: Bool = true) -> XmRChart {
        XmRChart(values: y, improvement: improvement, screen: screen)
    }

    @Test func limitsAreTheMeanPlusOrMinus266MeanMovingRanges() {
        let c = chart([10, 12, 11, 13, 12], screen: false)
        #expect(c.mean == 11.6)
        #expect(abs(c.meanMovingRange - 1.5) < 1e-12)  // (2 + 1 + 2 + 1) / 4
        #expect(abs(c.upperLimit - (11.6 + 2.66 * 1.5)) < 1e-12 && abs(c.lowerLimit - (11.6 - 2.66 * 1.5)) < 1e-12)
        #expect(c.points.map(\.movingRange) == [nil, 2, 1, 2, 1])
        #expect(c.isShort)
    }

    @Test func screeningDropsMovingRangesOfAtLeast3267TimesTheirMeanOnce() {
        let y: [Double] = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 40]
        let all = chart(y, screen: false), screened = chart(y)
        #expect(abs(all.meanMovingRange - 30.0 / 11) < 1e-12)
        #expect(abs(screened.meanMovingRange - 0.1) < 1e-12)  // 29 >= 3.267 × 30/11 is left out; nine 0s and the 1 stay
        #expect(screened.points.last?.specialCause == "Above UCL")
        #expect(screened.points.last?.pointType == "special_cause_improvement")
        #expect(chart(y, .decrease).points.last?.pointType == "special_cause_concern")
    }

    @Test func aRunOfSevenRisingPointsIsATrendAndATieBreaksIt() {
        let rising: [Double] = [50, 40, 41, 42, 43, 44, 45, 46, 30, 60, 50, 40, 55]
        let c = chart(rising, screen: false)
        #expect(c.points[1...7].allSatisfy { $0.specialCause == "7 Point Trend (Increasing)" })
        #expect(c.points[0].specialCause != "7 Point Trend (Increasing)")
        let tied: [Double] = [50, 40, 41, 42, 42, 44, 45, 46, 30, 60, 50, 40, 55]
        #expect(!chart(tied, screen: false).points.contains { $0.specialCause.hasPrefix("7 Point Trend") })
    }

    @Test func aPeakSharedByTwoTrendsTakesTheTrendToItsRight() {
        // The swings after the peak widen the limits, so no point of the two trends is outside them.
        let y: [Double] = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 30, -20, 30, -20]
        let causes = chart(y, screen: false).points.map(\.specialCause)
        #expect(causes[0..<6].allSatisfy { $0 == "7 Point Trend (Increasing)" }, "\(causes)")
        #expect(causes[6...12].allSatisfy { $0 == "7 Point Trend (Decreasing)" }, "\(causes)")
    }

    @Test func sevenPointsOnOneSideOfTheMeanAndThePointOnTheMeanBreaksTheRun() {
        // 17 whole numbers summing to 187: the mean is exactly 11, the value of point 13.
        let broken: [Double] = [8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 13, 12, 13, 11, 13, 12, 13]
        let b = chart(broken, screen: false)
        #expect(b.mean == 11 && broken[13] == b.mean)
        #expect(b.points.allSatisfy { $0.specialCause == "Common Cause" }, "\(b.points.map(\.specialCause))")
        // Lifted off the mean, point 13 joins the points around it: eight above (point 9's 12 too).
        var whole = broken
        whole[13] = 12.9
        let w = chart(whole, screen: false)
        #expect(w.points[9...16].allSatisfy { $0.specialCause == "7 Points Above CL" }, "\(w.points.map(\.specialCause))")
        #expect(w.points[..<9].allSatisfy { $0.specialCause == "Common Cause" }, "\(w.points.map(\.specialCause))")
        #expect(ReferenceXmR(broken, increase: true, screen: false).causes == b.points.map(\.specialCause))
        #expect(ReferenceXmR(whole, increase: true, screen: false).causes == w.points.map(\.specialCause))
    }

    @Test func aSeriesOfOnePointHasNoLimitsAndPrintsNone() {
        let c = chart([42])
        #expect(c.points.count == 1 && c.points[0].specialCause == "Common Cause" && c.isShort)
        #expect(!c.upperLimit.isFinite && FigureCell.fixed(c.upperLimit).text.isEmpty && FigureCell.fixed(c.upperLimit).json == "null")
    }

    @Test func twoOfThreeCloseToALimitOnOneSide() {
        let y: [Double] = [0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 6.5, 2.5, 6.5, 1, 1, 0]
        let c = chart(y, screen: false)
        let r = ReferenceXmR(y, increase: true, screen: false)
        #expect(c.points.map(\.specialCause) == r.causes)
        #expect(c.points[10].specialCause == "2 in 3 Above CL" && c.points[12].specialCause == "2 in 3 Above CL")
        #expect(c.points[11].specialCause == "Common Cause")  // above the mean but not close
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func everyPointMatchesTheReferenceOnRandomSeries(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<400 {
            let n = 1 + Int(rng.next() % 60)
            var level = Double(rng.next() % 100)
            let y = (0..<n).map { _ -> Double in
                // Steps, ties and drifts, so every rule fires somewhere.
                switch rng.next() % 6 {
                case 0: level += 1
                case 1: level -= 1
                case 2: break
                case 3: level += Double(rng.next() % 40) - 20
                default: level += Double(rng.next() % 7) - 3
                }
                return (level * 4).rounded() / 4
            }
            for increase in [true, false] {
                for screen in [true, false] {
                    let c = chart(y, increase ? .increase : .decrease, screen: screen)
                    let r = ReferenceXmR(y, increase: increase, screen: screen)
                    guard !r.upper.isNaN else { continue }  // a constant series: the package's limits are NaN
                    #expect(c.points.map(\.specialCause) == r.causes, "\(y)")
                    #expect(c.points.map(\.pointType) == r.types, "\(y)")
                    #expect(abs(c.upperLimit - r.upper) < 1e-9 && abs(c.lowerLimit - r.lower) < 1e-9)
                }
            }
        }
    }

    @Test func assuranceComparesTheTargetWithTheLimits() {
        let c = chart([80, 82, 81, 83, 82, 81, 80, 82, 81, 83, 82, 81, 80])
        #expect(c.assurance(target: 70, improvement: .increase) == "consistent_pass")
        #expect(c.assurance(target: 95, improvement: .increase) == "consistent_fail")
        #expect(c.assurance(target: 81, improvement: .increase) == "inconsistent")
        #expect(c.assurance(target: 70, improvement: .decrease) == "consistent_fail")
        #expect(c.assurance(target: 95, improvement: .decrease) == "consistent_pass")
        #expect(c.assurance(target: c.lowerLimit, improvement: .increase) == "inconsistent")
    }

    /// A generated year in which one trust's letters take five days longer from mid-year on.
    @Test func aTrustThatSlowsHalfWayIsAConcernAndTheAlertExitsNine() throws {
        let dir = try ScratchDirectory()
        #expect(try Binary.run(["generate", "--rows", "40000", "--trusts", "4", "--seed", "3", "--start", "2024-01-01",
                                "--days", "365", "--output", dir.path("x.csv")]).status == 0)
        let london = DateFormatter()
        london.locale = Locale(identifier: "en_GB_POSIX")
        london.timeZone = TimeZone(identifier: "Europe/London")
        london.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var lines = try String(contentsOfFile: dir.path("x.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        let slow = lines[1].split(separator: ",")[1]
        for i in 1..<lines.count {
            var f = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f[1] == slow, f[6] >= "2024-07-01", !f[8].isEmpty, let received = london.date(from: f[8]) else { continue }
            f[8] = london.string(from: received.addingTimeInterval(5 * 86_400))
            lines[i] = f.joined(separator: ",")
        }
        _ = try dir.write("slow.csv", lines.joined(separator: "\n") + "\n")
        let db = dir.path("d.sqlite")
        #expect(try Binary.run(["ingest", dir.path("slow.csv"), "--db", db, "--quiet"]).status == 0)
        let csv = try Binary.run(["spc", "--db", db, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows[0].prefix(9).joined(separator: ",") == "trust_code,letter_type,period,value,mean,lower_limit,upper_limit,special_cause,point_type")
        // Only complete weeks that the run covered in full are charted, from the history.
        let trend = try Binary.run(["trend", "--db", db, "--format", "csv"]).stdout.split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = { (name: Substring) in trend[0].firstIndex(of: name)! }
        let (isComplete, isPartial, compliance) = (column("complete"), column("partial"), column("within_limit_pct"))
        let complete = Set(trend.dropFirst().filter { $0[isComplete] == "1" && $0[isPartial] == "0" && !$0[compliance].isEmpty }
            .map { "\($0[0]),\($0[1]),\($0[2])" })
        #expect(trend.dropFirst().contains { $0[isPartial] == "1" })
        #expect(Set(rows.dropFirst().map { "\($0[0]),\($0[1]),\($0[2])" }) == complete)
        let alert = try Binary.run(["spc", "--db", db, "--fail-on", "concern", "--format", "csv"])
        #expect(alert.status == 9, "\(alert.stderr)")
        let named = alert.stderr.split(separator: "\n").filter { $0.contains(" compliance: ") }
        #expect(named.contains { $0.hasPrefix("letterlag: \(slow) ") })
        #expect(named.allSatisfy { !$0.contains("improvement") })
        // Each named series' latest point is a concern in the CSV, and no other series' is.
        var latest: [String: Substring] = [:]
        for r in rows.dropFirst() { latest["\(r[0]) \(r[1])"] = r[8] }
        let concerns = Set(latest.filter { $0.value == "special_cause_concern" }.keys)
        #expect(Set(named.map { $0.dropFirst("letterlag: ".count).split(separator: " ").prefix(2).joined(separator: " ") }) == concerns)
        #expect(alert.stderr.hasSuffix("\(concerns.count) series \(concerns.count == 1 ? "has its" : "have their") latest point a special-cause concern\n"))
    }
}

@Suite struct SPCInTheBrowserTests {
    /// Headless Chromium parses the report and finds every SPC point where `spc` puts it.
    /// (scripts/setup installs chromium; without it this fails rather than passes unseen.)
    @Test(.tags(.slow), .skippedWhenQuick) func chromiumReadsTheReportsSPCChartsPointForPoint() throws {
        let chromium = "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "scripts/setup installs chromium")
        let dir = try ScratchDirectory()
        #expect(try Binary.run(["generate", "--rows", "30000", "--trusts", "3", "--seed", "8", "--start", "2024-01-01",
                                "--days", "300", "--output", dir.path("x.csv.gz")]).status == 0)
        let db = dir.path("d.sqlite")
        #expect(try Binary.run(["ingest", dir.path("x.csv.gz"), "--db", db, "--quiet"]).status == 0)
        let page = dir.path("r.html")
        #expect(try Binary.run(["report", "--db", db, "--format", "html", "--output", page, "--spc-target", "50"]).status == 0)
        let dom = try AnalystDatabaseTests.run(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://\(page)"])
        #expect(dom.status == 0, "\(dom.stderr)")
        let csv = try Binary.run(["spc", "--db", db, "--format", "csv", "--target", "50"]).stdout.split(separator: "\n").dropFirst()
        for type in ["special_cause_concern", "special_cause_improvement"] {
            let points = csv.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[8] == type }.count
            #expect(dom.stdout.components(separatedBy: "<circle ").filter { $0.contains("class=\"\(type)\"") }.count == points, "\(type)")
        }
        // Every point, common cause or not, is a vertex of its chart's marked line.
        let vertices = dom.stdout.components(separatedBy: "<polyline class=\"points\" points=\"").dropFirst()
            .map { $0.prefix { $0 != "\"" }.split(separator: " ").count }
        #expect(vertices.reduce(0, +) == csv.count)
        #expect(dom.stdout.contains("aria-label=\"assurance: "))
    }

    /// A chart of medians is a chart of delays in hours: four decimals, as every delay is written,
    /// where compliance percentages keep two.
    @Test func aChartOfMediansIsWrittenToFourDecimalsAndOneOfComplianceToTwo() throws {
        let values = [0.17777, 0.18888, 0.16666, 0.17777, 0.18333]
        let series = SPCAnalysis.Series(trust: "RJ1", type: .aeDischarge, periods: (1...5).map { "2024-W0\($0)" },
                                        chart: XmRChart(values: values, improvement: .decrease), assurance: nil)
        let medians = SPCRenderer(measure: .median) { each in try each(series) }.cells(series, 0)
        #expect(medians[3].text == "0.1778" && medians[4].text.split(separator: ".").last?.count == 4, "\(medians.map(\.text))")
        let compliance = SPCRenderer(measure: .compliance) { each in try each(series) }.cells(series, 0)
        #expect(compliance[3].text == "0.18", "\(compliance.map(\.text))")
    }
}
