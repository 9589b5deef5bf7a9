import Foundation
import GRDB
import Testing
@testable import LetterlagKit

/// restic's `forget` rules the slow, obvious way: per rule, the distinct periods of the runs,
/// newest first; the N newest periods each keep their newest run.
func referenceKept(_ runs: [(id: Int64, asOf: Int64)], last: Int = 0, daily: Int = 0, weekly: Int = 0,
                   monthly: Int = 0, yearly: Int = 0) -> Set<Int64> {
    var calendar = Calendar(identifier: .iso8601)
    calendar.timeZone = TimeZone(identifier: "Europe/London")!
    func period(_ run: (id: Int64, asOf: Int64), _ rule: String) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .yearForWeekOfYear, .weekOfYear],
                                        from: Date(timeIntervalSince1970: TimeInterval(run.asOf)))
        switch rule {
        case "last": return String(run.id)
        case "daily": return "\(c.year!)-\(c.month!)-\(c.day!)"
        case "weekly": return "\(c.yearForWeekOfYear!)-W\(c.weekOfYear!)"
        case "monthly": return "\(c.year!)-\(c.month!)"
        default: return "\(c.year!)"
        }
    }
    let newestFirst = runs.sorted { ($0.asOf, $0.id) > ($1.asOf, $1.id) }
    var kept: Set<Int64> = []
    for (rule, n) in [("last", last), ("daily", daily), ("weekly", weekly), ("monthly", monthly), ("yearly", yearly)] where n > 0 {
        var periods: [String] = []
        var newest: [String: Int64] = [:]
        for run in newestFirst {
            let p = period(run, rule)
            if newest[p] == nil { newest[p] = run.id; periods.append(p) }
        }
        for p in periods.prefix(n) { kept.insert(newest[p]!) }
    }
    return kept
}

@Suite(.serialized) struct RetentionTests {
    @Test func thePolicyKeepsWhatResticsRulesNameForRandomNightsAcrossClockChanges() {
        var rng = SplitMix64(seed: 42)
        // Runs around the October 2024 clock change and a year's end, some at the same instant.
        let base: Int64 = 1_729_900_000
        for trial in 0..<300 {
            let count = 1 + Int(rng.next() % 40)
            var runs: [(id: Int64, asOf: Int64)] = []
            for i in 0..<count {
                let asOf = rng.next() % 10 == 0 && !runs.isEmpty ? runs.last!.asOf : base + Int64(rng.next() % (400 * 86_400)) - 200 * 86_400
                runs.append((Int64(i + 1), asOf))
            }
            let n = (0..<5).map { _ in rng.next() % 3 == 0 ? 0 : Int(rng.next() % 5) }
            let policy = RetentionPolicy(counts: [.last: n[0], .daily: n[1], .weekly: n[2], .monthly: n[3], .yearly: n[4]])
            let decided = policy.decide(runs.map { .init(id: $0.id, asOf: $0.asOf) })
            let kept = Set(decided.filter(\.kept).map(\.id))
            #expect(kept == referenceKept(runs, last: n[0], daily: n[1], weekly: n[2], monthly: n[3], yearly: n[4]), "trial \(trial): \(n)")
            #expect(decided.count == runs.count)
            if !policy.isEmpty {
                let newest = runs.max { ($0.asOf, $0.id) < ($1.asOf, $1.id) }!
                #expect(kept.contains(newest.id), "the latest run is always kept")
            }
        }
    }

    @Test func eachRuleNamesItselfAsTheReasonARunIsKept() {
        // Three runs on one day, one the week before, one the month before (London dates).
        let day: Int64 = 1_719_900_000 // 2024-07-02
        let runs: [RetentionPolicy.Candidate] = [.init(id: 1, asOf: day - 40 * 86_400), .init(id: 2, asOf: day - 7 * 86_400),
                                                 .init(id: 3, asOf: day), .init(id: 4, asOf: day + 60), .init(id: 5, asOf: day + 120)]
        let decided = RetentionPolicy(counts: [.last: 1, .weekly: 2, .monthly: 2]).decide(runs)
        #expect(decided.map(\.id) == [5, 4, 3, 2, 1])
        #expect(decided.map(\.keptBy) == [[.last, .weekly, .monthly], [], [], [.weekly, .monthly], []])
    }

    @Test(.tags(.slow), .skippedWhenQuick) func twentyFourNightsPrunedAsTheyArriveKeepTheRulesRunsAndEveryPeriodOfTheHistory() throws {
        let dir = try ScratchDirectory()
        let long = dir.path("long.csv")
        #expect(try Binary.run(["generate", "--rows", "9000", "--trusts", "3", "--seed", "4", "--start", "2023-01-01",
                                "--days", "600", "--output", long]).status == 0)
        // Nights 3 days apart at 05:30 London, across the October clock change.
        let nights = (0..<24).map { i -> String in
            let f = ReferenceClock().day
            let d = f.date(from: "2024-09-20")!.addingTimeInterval(TimeInterval(i * 3 * 86_400))
            return f.string(from: d) + " 05:30:00"
        }
        let snapshots = try RollingSnapshots.cut(String(contentsOfFile: long, encoding: .utf8), asOf: nights)
        let db = dir.path("r.sqlite")
        let policy = ["--keep-last", "3", "--keep-weekly", "2", "--keep-monthly", "2"]

        // A reader that keeps reading the history and the latest run while nights are stored and pruned.
        let stop = ManagedFlag()
        let failures = LockedBox<[String]>([])
        let reads = ManagedCounter()
        var reader: Thread?
        var sizes: [Int] = []
        var trendBefore = ""
        for (i, s) in snapshots.enumerated() {
            let stored = try Binary.run(["ingest", try dir.write("night\(i).csv", s.csv), "--db", db, "--as-of", s.asOfText, "--quiet"])
            #expect(stored.status == 0, "\(stored.stderr)")
            if i == 0 {
                reader = Thread {
                    while !stop.isSet {
                        do {
                            let store = try SummaryStore(readingOnly: db)
                            _ = try store.reader.summary(run: try store.reader.run(nil).id)
                            var weeks = 0
                            try store.reader.forEachWeek(.history, histograms: .all) { _ in weeks += 1 }
                            if weeks == 0 { failures.mutate { $0.append("an empty history") } }
                            reads.add()
                        } catch {
                            failures.mutate { $0.append("\(error)") }
                        }
                    }
                }
                reader!.start()
            }
            trendBefore = try Binary.run(["trend", "--db", db, "--format", "csv"]).stdout
            let runsBefore = try Binary.run(["runs", "--db", db, "--format", "csv"]).stdout
            let dry = try Binary.run(["prune", "--db", db, "--dry-run", "--format", "csv"] + policy)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(try Binary.run(["runs", "--db", db, "--format", "csv"]).stdout == runsBefore, "a dry run changes nothing")
            let pruned = try Binary.run(["prune", "--db", db, "--format", "csv"] + policy)
            #expect(pruned.status == 0, "\(pruned.stderr)")
            #expect(dry.stdout == pruned.stdout, "a dry run names what the prune does")
            // Pruning never changes the history.
            #expect(try Binary.run(["trend", "--db", db, "--format", "csv"]).stdout == trendBefore, "night \(i)")
            let ingested = snapshots.prefix(i + 1).enumerated().map { (id: Int64($0.offset + 1), asOf: $0.element.asOf) }
            #expect(Set(try Self.whole(db)) == referenceKept(ingested, last: 3, weekly: 2, monthly: 2), "night \(i)")
            sizes.append(try Self.fileBytes(db))
        }
        stop.set()
        while reader?.isFinished == false { usleep(10_000) }
        #expect(failures.value.isEmpty, "\(failures.value.prefix(3))")
        #expect(reads.value > 10)

        // The history still starts where the first night's window did, and keeps its first run's weeks.
        let rows = StagesAndBreakdownTests.csvRows(trendBefore).rows
        #expect(rows.map { $0[2] }.min() == HistoryTests.isoWeek(snapshots[0].windowStart))
        #expect(rows.contains { $0.last == "1" })
        // Under a fixed policy the file stops growing: the second twelve nights add at most a
        // few pages of history to the first twelve's file.
        #expect(sizes[23] <= sizes[11] + 8 * 65_536, "\(sizes)")

        // A pruned run's snapshot is gone, and saying so is not a crash; an empty policy is refused.
        let gone = try #require(try Self.prunedRuns(db).first)
        let report = try Binary.run(["report", "--db", db, "--run", String(gone)])
        #expect(report.status == 6 && report.stderr.contains("run \(gone) was pruned"), "\(report.stderr)")
        let before = try Binary.run(["runs", "--db", db, "--format", "csv"]).stdout
        let empty = try Binary.run(["prune", "--db", db])
        #expect(empty.status == 2 && empty.stderr.contains("prune needs a policy"), "\(empty.stderr)")
        #expect(try Binary.run(["prune", "--db", db, "--keep-last", "0"]).status == 2)
        #expect(try Binary.run(["runs", "--db", db, "--format", "csv"]).stdout == before)
        #expect(try Binary.run(["trend", "--db", db, "--format", "csv"]).stdout == trendBefore)
    }

    /// restic itself, Debian's (0.14), given a snapshot at each night's as-of time and the same
    /// policy after each night, keeps the same runs as `prune`: nights at uneven hours and gaps,
    /// one in the hour when London's day is not UTC's, across the October clock change and a
    /// year's end, with every rule at once.
    @Test(.tags(.slow), .skippedWhenQuick) func pruneKeepsTheRunsResticItselfKeepsNightAfterNight() throws {
        let restic = URL(fileURLWithPath: "/usr/bin/restic")
        try #require(FileManager.default.isExecutableFile(atPath: restic.path), "scripts/setup installs Debian's restic")
        let dir = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("data"), withIntermediateDirectories: true)
        _ = try dir.write("data/f", "x")
        var environment = ProcessInfo.processInfo.environment
        environment["RESTIC_PASSWORD"] = "letterlag"
        environment["RESTIC_REPOSITORY"] = dir.path("repo")
        environment["TZ"] = "Europe/London"
        func resticRun(_ arguments: [String]) throws -> String {
            let out = try runProgram(restic, arguments, environment: environment)
            #expect(out.status == 0, "restic \(arguments.first!): \(out.stderr)")
            return out.stdout
        }
        _ = try resticRun(["init", "-q"])
        let london = DateFormatter()
        london.locale = Locale(identifier: "en_GB_POSIX")
        london.timeZone = TimeZone(identifier: "Europe/London")!
        london.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let iso = ISO8601DateFormatter()
        let policy = ["--keep-last", "2", "--keep-daily", "3", "--keep-weekly", "2", "--keep-monthly", "2", "--keep-yearly", "2"]
        let db = dir.path("r.sqlite")
        // 2024-10-15 04:15 UTC, then gaps of days and hours; the last night is on 2025-01-10. The
        // fourth night is at 23:15 UTC on Sunday 20 October, which is 00:15 on Monday in London:
        // another day and another ISO week than UTC's.
        var asOf: Int64 = 1_728_965_700, lastNight: Int64 = 0
        let steps: [(days: Int64, hours: Int64)] = [(1, 0), (3, 7), (1, 12), (1, -14), (2, 0), (5, 0), (3, 0), (1, 13), (8, 0), (3, -5),
                                                     (2, 0), (6, 2), (3, 0), (1, 0), (9, 4), (3, -1), (4, 0), (2, 9), (5, 0), (3, 0),
                                                     (7, -6), (1, 1), (4, 0), (3, 0), (5, 5), (3, 0)]
        for (night, step) in steps.enumerated() {
            let event = london.string(from: Date(timeIntervalSince1970: TimeInterval(asOf - 2 * 86_400)))
            let extract = try dir.write("n\(night).csv", canonicalHeader + "\n" + row("L\(night)", event: event, received: event) + "\n")
            let stored = try Binary.run(["ingest", extract, "--db", db, "--as-of", Timestamps.iso(asOf), "--quiet"])
            #expect(stored.status == 0, "\(stored.stderr)")
            let pruned = try Binary.run(["prune", "--db", db, "--format", "csv"] + policy)
            #expect(pruned.status == 0, "\(pruned.stderr)")
            let ours = Set(StagesAndBreakdownTests.csvRows(pruned.stdout).rows.filter { $0[2] == "keep" }.map { $0[1] })
            _ = try resticRun(["backup", "-q", "--host", "letterlag", "--time", london.string(from: Date(timeIntervalSince1970: TimeInterval(asOf))),
                               dir.path("data")])
            let forgot = try JSONSerialization.jsonObject(with: Data(try resticRun(["forget", "--json", "--group-by", ""] + policy).utf8))
            let groups = try #require(forgot as? [[String: Any]])
            let kept = try #require(groups.first?["keep"] as? [[String: Any]])
            let theirs = Set(try kept.map { snapshot -> String in
                let time = try #require(snapshot["time"] as? String)
                return Timestamps.iso(Int64(try #require(iso.date(from: time)).timeIntervalSince1970))
            })
            #expect(ours == theirs, "night \(night + 1), as of \(Timestamps.iso(asOf))")
            lastNight = asOf
            asOf += step.days * 86_400 + step.hours * 3_600
        }
        #expect(Timestamps.iso(lastNight).hasPrefix("2025-01-10"), "the nights cross the year's end")
    }

    /// Debian's SQLite zeroes and writes every page a delete frees (secure_delete); letterlag's
    /// writing connection does not, so a prune or a later night's replaced rows cost no writes
    /// of pages nobody reads. Counted in the WAL's frames on a real file.
    @Test func freeingPagesWritesThemNeitherToTheWALNorToTheDatabase() throws {
        let dir = try ScratchDirectory()
        let store = try SummaryStore(path: dir.path("s.db"))
        let pool = try store.writer()
        let blob = Data(repeating: 7, count: 30_000)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE spent (n INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            for n in 0..<400 { try db.execute(sql: "INSERT INTO spent VALUES (?, ?)", arguments: [n, blob]) }
        }
        let pages = try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dbstat WHERE name = 'spent'")! }
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try pool.write { try $0.execute(sql: "DELETE FROM spent") }
        let frames = try pool.writeWithoutTransaction { try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(PASSIVE)")![1] as Int }
        #expect(pages >= 150, "the table spans \(pages) pages")
        #expect(frames < pages / 10, "deleting \(pages) pages of rows wrote \(frames) frames")
    }

    /// A connection that waits for the others rather than failing while one of them holds a lock.
    static func open(_ db: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: db, configuration: config)
    }

    /// The runs whose snapshot is whole.
    static func whole(_ db: String) throws -> [Int64] {
        try open(db).read { try Int64.fetchAll($0, sql: "SELECT id FROM runs WHERE pruned_at IS NULL ORDER BY id") }
    }

    static func prunedRuns(_ db: String) throws -> [Int64] {
        try open(db).read { try Int64.fetchAll($0, sql: "SELECT id FROM runs WHERE pruned_at IS NOT NULL ORDER BY id") }
    }

    /// The database's pages in use or free, in bytes: what it takes on disk once checkpointed.
    static func fileBytes(_ db: String) throws -> Int {
        try open(db).read { try Int.fetchOne($0, sql: "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")! }
    }
}

/// A value shared between threads behind a lock.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func mutate(_ body: (inout T) -> Void) { lock.withLock { body(&stored) } }
}
