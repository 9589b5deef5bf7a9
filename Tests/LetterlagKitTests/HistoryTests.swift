import Foundation
import GRDB
import Testing
@testable import LetterlagKit

/// Rolling snapshots of one long extract, as a trust's nightly export would cut them, and what a
/// slow reference says the history across them must hold.
struct RollingSnapshots {
    struct Snapshot {
        /// The as-of time as given to ingest (London), and as an instant.
        var asOfText: String
        var asOf: Int64
        var csv: String
        var reference: ReferenceLetters
        /// The earliest event: the window's start when none is given.
        var windowStart: Int64
    }

    /// The events in the `days` before each as-of time, with each sending and receipt after it blanked.
    static func cut(_ long: String, asOf texts: [String], days: Int = 365) throws -> [Snapshot] {
        let clock = ReferenceClock()
        let lines = long.split(separator: "\n")
        return try texts.map { text in
            let asOf = try #require(try clock.instant(Substring(text)))
            var rows = [String(lines[0])]
            for line in lines.dropFirst() {
                var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let event = try #require(try clock.instant(Substring(f[6])))
                guard event >= asOf - Int64(days) * 86_400 && event < asOf else { continue }
                for i in [7, 8] where try !f[i].isEmpty && clock.instant(Substring(f[i]))! > asOf { f[i] = "" }
                rows.append(f.joined(separator: ","))
            }
            let csv = rows.joined(separator: "\n") + "\n"
            let reference = try ReferenceLetters(csv: csv)
            return Snapshot(asOfText: text, asOf: asOf, csv: csv, reference: reference,
                            windowStart: reference.letters.map(\.event).min()!)
        }
    }

    /// Whether a run with this window holds every event of the London week starting `monday`
    /// (`YYYY-MM-DD`): its Monday's midnight is at or after the start, the next Monday's at or before the as-of time.
    static func covers(_ s: Snapshot, week monday: String) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let parts = monday.split(separator: "-").map { Int($0)! }
        let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        let end = calendar.date(byAdding: .day, value: 7, to: start)!
        return Int64(start.timeIntervalSince1970) >= s.windowStart && Int64(end.timeIntervalSince1970) <= s.asOf
    }
}

@Suite(.serialized) struct HistoryTests {
    /// Two years of letters from 5 trusts, cut into three 12-month snapshots 120 days apart, made
    /// once for every test here; each test writes its own copies of the files it ingests.
    static func snapshots(_ dir: ScratchDirectory) throws -> [RollingSnapshots.Snapshot] {
        switch shared {
        case .success(let s): return s
        case .failure(let error):
            Issue.record("the snapshots shared by these tests could not be made: \(error)")
            throw error
        }
    }

    nonisolated(unsafe) private static let shared: Result<[RollingSnapshots.Snapshot], Error> = Result {
        let dir = try ScratchDirectory()
        let long = dir.path("long.csv")
        let made = try Binary.run(["generate", "--rows", "12000", "--trusts", "4", "--seed", "11", "--start", "2023-01-01",
                                   "--days", "730", "--output", long])
        #expect(made.status == 0, "\(made.stderr)")
        return try RollingSnapshots.cut(String(contentsOfFile: long, encoding: .utf8),
                                        asOf: ["2024-03-01 06:00:00", "2024-06-29 06:00:00", "2024-10-27 06:00:00"])
    }

    @Test func eachWeekComesFromTheLatestRunThatCoveredItWhateverTheIngestOrder() throws {
        let dir = try ScratchDirectory()
        let snapshots = try Self.snapshots(dir)
        let db = dir.path("h.sqlite")
        // The newest first, then the oldest, then the middle: run ids 1, 2, 3 hold snapshots 2, 0, 1.
        let order = [2, 0, 1]
        for i in order {
            let s = snapshots[i]
            let out = try Binary.run(["ingest", try dir.write("night\(i).csv", s.csv), "--db", db, "--as-of", s.asOfText, "--quiet"])
            #expect(out.status == 0, "\(out.stderr)")
        }
        let snapshotOfRun = Dictionary(uniqueKeysWithValues: order.enumerated().map { (Int64($0.offset + 1), $0.element) })
        let trend = try Binary.run(["trend", "--db", db, "--format", "csv"])
        #expect(trend.status == 0, "\(trend.stderr)")
        let (header, rows) = StagesAndBreakdownTests.csvRows(trend.stdout)
        #expect(header.suffix(2) == ["partial", "run_id"])
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let week = try column("week"), letters = try column("letters"), received = try column("received"),
            outstanding = try column("outstanding"), p50 = try column("p50_hours"), d50 = try column("delivery_p50_hours"),
            partial = try column("partial"), run = try column("run_id")

        // Per snapshot, its letters by trust, type and ISO week, and the Monday of each week.
        let byWeek = snapshots.map { s in s.reference.grouped { l in "\(l.trust),\(l.type),\(Self.isoWeek(l.event))" } }
        var mondays: [String: String] = [:]
        for s in snapshots { for l in s.reference.letters { mondays[Self.isoWeek(l.event)] = Self.londonMonday(l.event) } }
        var expected: Set<String> = []
        for figures in byWeek { expected.formUnion(figures.keys) }
        #expect(Set(rows.map { $0[0..<3].joined(separator: ",") }) == expected, "every week any run holds, once")
        #expect(rows.count == expected.count)

        var covered = 0
        for r in rows {
            let key = r[0..<3].joined(separator: ",")
            let monday = try #require(mondays[r[week]])
            let holding = snapshots.indices.filter { byWeek[$0][key] != nil }
            let covering = holding.filter { RollingSnapshots.covers(snapshots[$0], week: monday) }
            // The latest as-of among the runs that covered it; else the latest that held part of it.
            let best = (covering.isEmpty ? holding : covering).max { snapshots[$0].asOf < snapshots[$1].asOf }!
            let snapshot = try #require(snapshotOfRun[Int64(r[run])!])
            #expect(snapshot == best, "\(key): from snapshot \(snapshot), expected \(best)")
            #expect(r[partial] == (covering.isEmpty ? "1" : "0"), "\(key)")
            if !covering.isEmpty { covered += 1 }
            let ref = try #require(byWeek[snapshot][key])
            #expect(Int(r[letters]) == ref.letters && Int(r[received]) == ref.received && Int(r[outstanding]) == ref.outstanding, "\(key): \(r)")
            StagesAndBreakdownTests.close(r[p50], ReferenceLetters.hours(ref.delays, 0.5), "\(key) p50")
            StagesAndBreakdownTests.close(r[d50], ReferenceLetters.hours(ref.delivery, 0.5), "\(key) delivery p50")
        }
        // Two years less the first window's partial week and the last one's: almost all covered.
        #expect(covered > rows.count * 9 / 10 && covered < rows.count)
        // The history outlives each window: it spans from the first snapshot's window to the last's as-of.
        let weeks = Set(rows.map { mondays[$0[week]]! })
        #expect(weeks.min() == Self.londonMonday(snapshots[0].windowStart) && weeks.max() == Self.londonMonday(snapshots[2].asOf - 1))

        // SPC charts the history's covered weeks, back past the latest window; never a partial one.
        let spc = try Binary.run(["spc", "--db", db, "--format", "csv"])
        #expect(spc.status == 0, "\(spc.stderr)")
        let charted = Set(StagesAndBreakdownTests.csvRows(spc.stdout).rows.map { $0[0..<3].joined(separator: ",") })
        let partialWeeks = Set(rows.filter { $0[partial] == "1" }.map { $0[0..<3].joined(separator: ",") })
        let oldest = Set(rows.filter { $0[run] == "2" && $0[partial] == "0" }.map { $0[0..<3].joined(separator: ",") })
        #expect(charted.isDisjoint(with: partialWeeks) && !charted.isDisjoint(with: oldest))
        let latestOnly = try Binary.run(["spc", "--db", db, "--run", "1", "--format", "csv"])
        #expect(Set(StagesAndBreakdownTests.csvRows(latestOnly.stdout).rows.map { $0[0..<3].joined(separator: ",") }).isDisjoint(with: oldest))

        // --run still reads one run's own weeks, partial ones included and unmarked.
        let own = try Binary.run(["trend", "--db", db, "--run", "2", "--format", "csv"])
        #expect(StagesAndBreakdownTests.csvRows(own.stdout).rows.count == byWeek[0].count)
        #expect(!StagesAndBreakdownTests.csvRows(own.stdout).header.contains("run_id"))
    }

    @Test func aMonthsBreakdownsComeFromTheLatestRunThatCoveredTheMonth() throws {
        let dir = try ScratchDirectory()
        let snapshots = try Self.snapshots(dir)
        let db = dir.path("m.sqlite")
        for (i, s) in snapshots.enumerated().reversed() {
            #expect(try Binary.run(["ingest", try dir.write("n\(i).csv", s.csv), "--db", db, "--as-of", s.asOfText, "--quiet"]).status == 0)
        }
        let rows = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.trust_code, h.letter_type, h.month, h.partial, r.id, sum(c.letters) AS letters
                FROM history_months h JOIN runs r ON r.id = h.run_id
                JOIN channel_month_history c ON c.trust_code = h.trust_code AND c.letter_type = h.letter_type AND c.month = h.month
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """)
        }
        // Runs were ingested newest first: run 1 holds snapshot 2, run 3 snapshot 0.
        let snapshotOfRun: [Int64: Int] = [1: 2, 2: 1, 3: 0]
        let monthly = snapshots.map { s in s.reference.grouped { "\($0.trust),\($0.type),\($0.monthLabel)" } }
        #expect(rows.count == Set(monthly.flatMap(\.keys)).count)
        for r in rows {
            let key = "\(r["trust_code"] as String),\(r["letter_type"] as String),\(r["month"] as String)"
            let holding = snapshots.indices.filter { monthly[$0][key] != nil }
            let covering = holding.filter { Self.covers(snapshots[$0], month: r["month"]) }
            let best = (covering.isEmpty ? holding : covering).max { snapshots[$0].asOf < snapshots[$1].asOf }!
            #expect(snapshotOfRun[r["id"]] == best, "\(key)")
            #expect((r["partial"] as Int) == (covering.isEmpty ? 1 : 0), "\(key)")
            #expect((r["letters"] as Int) == monthly[best][key]!.letters, "\(key)")
        }
    }

    @Test func aPracticesMonthsComeFromTheLatestRunThatCoveredTheMonthAndAreStoredOnce() throws {
        let dir = try ScratchDirectory()
        let snapshots = try Self.snapshots(dir)
        let db = dir.path("p.sqlite")
        for (i, s) in snapshots.enumerated().reversed() {
            #expect(try Binary.run(["ingest", try dir.write("n\(i).csv", s.csv), "--db", db, "--as-of", s.asOfText, "--quiet"]).status == 0)
        }
        let (rows, stored) = try DatabaseQueue(path: db).read { db in
            (try Row.fetchAll(db, sql: """
                SELECT practice_code, letter_type, month, trust_code, letters, partial, run_id FROM practice_month_history
                """), try Int.fetchOne(db, sql: "SELECT count(*) FROM practice_months")!)
        }
        // Kept in the history alone: no month is stored twice, whichever runs held it.
        #expect(stored == rows.count)
        let snapshotOfRun: [Int64: Int] = [1: 2, 2: 1, 3: 0]
        let views = snapshots.map { $0.reference.practiceMonths() }
        let months = Set(views.flatMap { $0.keys.map { String($0.split(separator: ",")[2]) } })
        #expect(Set(rows.map { $0["month"] as String }) == months)
        for month in months {
            let holding = snapshots.indices.filter { i in views[i].keys.contains { $0.split(separator: ",")[2] == month } }
            let covering = holding.filter { Self.covers(snapshots[$0], month: month) }
            let best = (covering.isEmpty ? holding : covering).max { snapshots[$0].asOf < snapshots[$1].asOf }!
            let mine = rows.filter { $0["month"] == month }
            #expect(mine.allSatisfy { snapshotOfRun[$0["run_id"]] == best && ($0["partial"] as Int) == (covering.isEmpty ? 1 : 0) },
                    "\(month)")
            let expected = views[best].filter { $0.key.split(separator: ",")[2] == month }
            #expect(mine.count == expected.count, "\(month)")
            for r in mine {
                let key = "\(r["trust_code"] as String),\(r["letter_type"] as String),\(month),\(r["practice_code"] as String)"
                #expect((r["letters"] as Int) == expected[key]?.letters, "\(key)")
            }
        }
    }

    @Test func aRunDeletedOutrightHandsItsPeriodsToTheNextBestRun() throws {
        let dir = try ScratchDirectory()
        let snapshots = try Self.snapshots(dir)
        var files: [String] = []
        for (i, s) in snapshots.enumerated() { files.append(try dir.write("n\(i).csv", s.csv)) }
        let (all, two) = (dir.path("all.sqlite"), dir.path("two.sqlite"))
        for (i, s) in snapshots.enumerated() {
            #expect(try Binary.run(["ingest", files[i], "--db", all, "--as-of", s.asOfText, "--quiet"]).status == 0)
            if i < 2 { #expect(try Binary.run(["ingest", files[i], "--db", two, "--as-of", s.asOfText, "--quiet"]).status == 0) }
        }
        // By hand, with SQLite's foreign keys on as the sqlite3 shell can have them.
        var config = Configuration()
        config.foreignKeysEnabled = true
        try DatabaseQueue(path: all, configuration: config).write { try $0.execute(sql: "DELETE FROM runs WHERE id = 3") }
        let trend = { (db: String) in try Binary.run(["trend", "--db", db, "--format", "csv"]).stdout }
        #expect(try trend(all) == trend(two))
        let months = "SELECT trust_code, letter_type, month, run_id, partial FROM history_months ORDER BY 1, 2, 3"
        #expect(try DatabaseQueue(path: all).read { try Row.fetchAll($0, sql: months) }
                == DatabaseQueue(path: two).read { try Row.fetchAll($0, sql: months) })
        // Ingesting it again with --replace puts it back, in a new run.
        let again = try Binary.run(["ingest", files[1], "--db", all, "--as-of", snapshots[1].asOfText, "--replace", "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try trend(all).contains(",4\n"))
    }

    @Test func runsStoredBeforeTheHistoryEnterItWithTheirFirstWeekPartial() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("v10.sqlite")
        let queue = try DatabaseQueue(path: db)
        try SummarySchema.migrator.migrate(queue, upTo: "v10: the practice view")
        // Two runs as a v10 letterlag stored them: weeks from Monday 2024-01-01, as of a Wednesday.
        try queue.writeWithoutTransaction { db in
            for (run, asOf, weeks) in [(1, "2024-03-06T09:00:00Z", 10), (2, "2024-03-13T09:00:00Z", 8)] {
                try db.execute(sql: """
                    INSERT INTO runs (id, as_of, as_of_source, delay_to, started_at, finished_at, files, bytes, rows_read, letters,
                                      rows_rejected, trusts, elapsed_seconds, limits_json, tool_version)
                    VALUES (?, ?, 'extract', 'received', '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z', 1, 1, 9, 9, 0, 1, 1.0, ?, 'v10 test')
                    """, arguments: [run, asOf, ContractLimits.standard.json])
                for w in 0..<weeks {
                    let monday = CivilDate.isoDate(days: CivilDate.days(year: 2024, month: 1, day: 1) + 7 * (w + 10 - weeks))
                    try db.execute(sql: """
                        INSERT INTO weekly (run_id, trust_code, letter_type, week, week_start, letters, received, outstanding, due,
                                            within_limit, due_3d, within_3d, due_4d, within_4d, delay_hist, outstanding_hist, complete)
                        VALUES (?, 'RJ1', 'clinic_letter', 'W', ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, x'', x'', 1)
                        """, arguments: [run, monday, run * 100 + w])
                }
            }
        }
        try queue.close()
        #expect(try Binary.run(["migrate", "--db", db]).status == 0)
        let history = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT week_start, run_id, partial FROM history_weeks ORDER BY week_start")
                .map { "\($0["week_start"] as String) \($0["run_id"] as Int) \($0["partial"] as Int)" }
        }
        // Run 1's first week is partial. Run 2's first (2024-01-15) is too, so run 1's covered one
        // stands there; from 2024-01-22 run 2, the later as-of, stands, up to the week of
        // 2024-03-04, which ended before its as-of time (run 1's as-of fell within it).
        #expect(history == ["2024-01-01 1 1", "2024-01-08 1 0", "2024-01-15 1 0", "2024-01-22 2 0", "2024-01-29 2 0",
                            "2024-02-05 2 0", "2024-02-12 2 0", "2024-02-19 2 0", "2024-02-26 2 0", "2024-03-04 2 0"])
    }

    /// Whether the snapshot holds every event of the London month `YYYY-MM`.
    static func covers(_ s: RollingSnapshots.Snapshot, month: String) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let parts = month.split(separator: "-").map { Int($0)! }
        let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return Int64(start.timeIntervalSince1970) >= s.windowStart && Int64(end.timeIntervalSince1970) <= s.asOf
    }

    /// The ISO week label (`2024-W07`) of an instant's London date, by Foundation's calendar.
    static func isoWeek(_ instant: Int64) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date(timeIntervalSince1970: TimeInterval(instant)))
        return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
    }

    /// The Monday (`YYYY-MM-DD`) of an instant's London week.
    static func londonMonday(_ instant: Int64) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let start = calendar.dateInterval(of: .weekOfYear, for: Date(timeIntervalSince1970: TimeInterval(instant)))!.start
        let c = calendar.dateComponents([.year, .month, .day], from: start)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
