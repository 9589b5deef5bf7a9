import Foundation
import GRDB
import Testing
@testable import LetterlagKit

/// The summary database as analysts meet it: the histogram functions in SQLite's own shell,
/// Debian's python3 and Datasette, honest recent weeks, and reading where nothing may be written.
@Suite(.serialized) struct AnalystDatabaseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Built by `scripts/build-sqlite-extension`, which the README's test command runs first.
    static let library = root.appendingPathComponent(".build/release/libletterlag_sqlite.so").resolvingSymlinksInPath().path

    /// A generated extract over 400 days, its plain CSV for the reference, ingested.
    struct Fixture {
        let dir: ScratchDirectory
        let db: String
        let reference: ReferenceReport
    }

    static func fixture() throws -> Fixture {
        let dir = try ScratchDirectory()
        let common = ["--rows", "20000", "--trusts", "6", "--seed", "5", "--start", "2024-01-01", "--days", "400"]
        #expect(try Binary.run(["generate"] + common + ["--output", dir.path("x.csv")]).status == 0)
        let db = dir.path("d.sqlite")
        let ingest = try Binary.run(["ingest", dir.path("x.csv"), "--db", db, "--quiet"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return Fixture(dir: dir, db: db, reference: try ReferenceReport(csv: String(contentsOfFile: dir.path("x.csv"), encoding: .utf8)))
    }

    /// One fixture for the tests that only read it, made once.
    static func readOnlyFixture() throws -> Fixture { try shared.get() }
    nonisolated(unsafe) private static let shared: Result<Fixture, Error> = Result { try fixture() }

    /// A program with its standard input closed after `input` (nothing by default).
    static func run(_ executable: String, _ arguments: [String], input: String = "") throws -> Binary.Output {
        try runProgram(URL(fileURLWithPath: executable), arguments, input: input)
    }

    /// A rolling 13 weeks and a whole quarter per trust and type: the windows the stored weeks do not give.
    static let windowQueries = [
        """
        SELECT trust_code, letter_type, week_start,
               hist_count(hist_merge(delay_hist) OVER w) AS n,
               printf('%.6f', hist_quantile(hist_merge(delay_hist) OVER w, 0.5)) AS p50,
               printf('%.6f', hist_quantile(hist_merge(delay_hist) OVER w, 0.9)) AS p90,
               hist_min(hist_merge(delay_hist) OVER w) AS lo, hist_max(hist_merge(delay_hist) OVER w) AS hi
        FROM weekly WHERE run_id = 1
        WINDOW w AS (PARTITION BY trust_code, letter_type ORDER BY week_start ROWS BETWEEN 12 PRECEDING AND CURRENT ROW)
        ORDER BY trust_code, letter_type, week_start
        """,
        """
        SELECT trust_code, letter_type, hist_count(hist_merge(delay_hist)) AS n,
               printf('%.6f', hist_quantile(hist_merge(delay_hist), 0.5)) AS p50,
               hist_count_le(hist_merge(delay_hist), 48 * 3600) AS within_48h
        FROM weekly WHERE run_id = 1 AND week_start >= '2024-04-01' AND week_start < '2024-07-01'
        GROUP BY trust_code, letter_type ORDER BY trust_code, letter_type
        """,
    ]

    /// The rows of `sql` in process, through letterlag's own connection, as `|`-separated lines.
    static func inProcess(_ db: String, _ sql: String) throws -> String {
        let store = try SummaryStore(readingOnly: db)
        return try store.reader.read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                row.databaseValues.map { v -> String in
                    switch v.storage {
                    case .null: ""
                    case .int64(let i): String(i)
                    case .double(let d): "\(d)"
                    case .string(let s): s
                    case .blob(let b): b.map { String(format: "%02X", $0) }.joined()
                    }
                }.joined(separator: "|")
            }.joined(separator: "\n")
        }
    }

    /// The library, checked to be newer than every source it is built from, so a test never
    /// passes on a stale build.
    static func builtLibrary() throws -> String {
        let built = try FileManager.default.attributesOfItem(atPath: library)[.modificationDate] as? Date
        let sources = ["Sources/LetterlagHistogram", "Sources/LetterlagSQLite"].flatMap { folder in
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path))?
                .map { root.appendingPathComponent(folder).appendingPathComponent($0).path } ?? []
        }
        let newest = sources.compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date }.max()
        try #require(built != nil && newest != nil && built! >= newest!, "run scripts/build-sqlite-extension: \(library) is missing or older than its sources")
        return library
    }

    @Test func theExtensionStandsAloneAndCallsSQLiteOnlyThroughTheLoader() throws {
        let library = try Self.builtLibrary()
        let undefined = try Self.run("/usr/bin/nm", ["-D", "--undefined-only", library])
        #expect(undefined.status == 0)
        #expect(!undefined.stdout.contains("sqlite3_"), "\(undefined.stdout)")
        let needed = try Self.run("/usr/bin/ldd", [library])
        #expect(!needed.stdout.contains("libswift") && !needed.stdout.contains("libFoundation"), "\(needed.stdout)")
        let defined = try Self.run("/usr/bin/nm", ["-D", "--defined-only", library])
        #expect(defined.stdout.contains(" T sqlite3_letterlagsqlite_init\n"))
    }

    @Test func theSQLiteShellGivesTheReportsFiguresAndTheWindowsInProcessFigures() throws {
        _ = try Self.builtLibrary()
        let f = try Self.readOnlyFixture()
        // Every week merged is the whole run: the same medians as the stored summary, to the digit.
        let whole = """
            SELECT w.trust_code, w.letter_type, printf('%.2f', hist_quantile(hist_merge(w.delay_hist), 0.5) / 3600.0),
                   printf('%.2f', s.p50_hours), printf('%.2f', hist_quantile(hist_merge(w.delay_hist), 0.9) / 3600.0), printf('%.2f', s.p90_hours)
            FROM weekly w JOIN summary s USING (run_id, trust_code, letter_type) WHERE run_id = 1
            GROUP BY w.trust_code, w.letter_type ORDER BY 1, 2
            """
        let shell = try Self.run("/usr/bin/sqlite3", [f.db, "-cmd", ".load \(Self.library)", whole])
        #expect(shell.status == 0, "\(shell.stderr)")
        let lines = shell.stdout.split(separator: "\n")
        #expect(lines.count == f.reference.figures.count)
        for line in lines {
            let c = line.split(separator: "|", omittingEmptySubsequences: false)
            #expect(c[2] == c[3] && c[4] == c[5], "\(line)")
        }
        for sql in Self.windowQueries {
            let out = try Self.run("/usr/bin/sqlite3", [f.db, "-cmd", ".load \(Self.library)", sql])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.stdout.trimmingCharacters(in: .newlines) == (try Self.inProcess(f.db, sql)))
        }
    }

    @Test func aRollingThirteenWeeksIsWithinOnePercentOfTheExactNearestRankOfItsLetters() throws {
        let f = try Self.readOnlyFixture()
        let rows = try Self.inProcess(f.db, Self.windowQueries[0]).split(separator: "\n")
        #expect(rows.count > 100)
        var windows: [String: [String]] = [:]
        for key in f.reference.weekly.keys.sorted() {
            let parts = key.split(separator: ",")
            windows["\(parts[0]),\(parts[1])", default: []].append(String(parts[2]))
        }
        for row in rows {
            let c = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let weeks = try #require(windows["\(c[0]),\(c[1])"])
            let i = try #require(weeks.firstIndex(of: c[2]))
            let delays = weeks[max(0, i - 12)...i].flatMap { f.reference.weekly["\(c[0]),\(c[1]),\($0)"]!.delays }.sorted()
            #expect(Int(c[3]) == delays.count, "\(row)")
            guard !delays.isEmpty else { continue }
            for (p, text) in [(0.5, c[4]), (0.9, c[5])] {
                let exact = ReferenceReport.nearestRank(delays, p) * 3600, got = try #require(Double(text))
                #expect(abs(got - exact) <= exact * 0.01, "\(row): p\(p) exact \(exact)")
            }
            #expect(Double(c[6]).map { Int64($0) } == delays.first && Double(c[7]).map { Int64($0) } == delays.last, "\(row)")
        }
    }

    @Test(.tags(.slow), .skippedWhenQuick) func debiansPython3LoadsTheExtensionAndGetsTheSameAnswers() throws {
        let f = try Self.readOnlyFixture()
        let script = """
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1])
            con.enable_load_extension(True)
            con.load_extension(sys.argv[2])
            for row in con.execute(sys.stdin.read()):
                print("|".join("" if v is None else str(v) for v in row))
            """
        let scriptPath = try f.dir.write("q.py", script)
        for sql in Self.windowQueries {
            let out = try Self.run("/usr/bin/python3", [scriptPath, f.db, Self.library], input: sql)
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.stdout.trimmingCharacters(in: .newlines) == (try Self.inProcess(f.db, sql)))
        }
    }

    @Test(.tags(.slow), .skippedWhenQuick) func datasetteServesTheFunctionsOverHTTP() throws {
        let datasette = Self.root.appendingPathComponent("notebooks-export/.venv/bin/datasette").path
        #expect(FileManager.default.isExecutableFile(atPath: datasette), "notebooks-export/render installs Datasette")
        guard FileManager.default.isExecutableFile(atPath: datasette) else { return }
        let f = try Self.readOnlyFixture()
        let sql = Self.windowQueries[1]
        var query = URLComponents(string: "http://127.0.0.1/d.json")!
        query.queryItems = [URLQueryItem(name: "sql", value: sql), URLQueryItem(name: "_shape", value: "array")]
        // Python takes a free port, starts the server on it, asks it over HTTP with urllib while it
        // comes up (an HTTP error is an answer, not a retry), and stops it; its log shows on failure.
        let session = """
            import socket, subprocess, sys, time, urllib.error, urllib.request
            probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
            log = open(sys.argv[5], "w")
            server = subprocess.Popen([sys.argv[1], "serve", sys.argv[2], "--load-extension", sys.argv[3], "--port", str(port),
                                       "--setting", "sql_time_limit_ms", "20000"], stdout=log, stderr=log)
            url = sys.argv[4].replace("127.0.0.1", "127.0.0.1:%d" % port, 1)
            try:
                for _ in range(300):
                    try:
                        sys.stdout.write(urllib.request.urlopen(url, timeout=30).read().decode()); break
                    except urllib.error.HTTPError as e:
                        sys.stderr.write(e.read().decode()); break
                    except OSError:
                        if server.poll() is not None: break
                        time.sleep(0.2)
            finally:
                server.kill()
                server.wait()
            """
        let log = f.dir.path("datasette.log")
        let got = try Self.run("/usr/bin/python3", ["-c", session, datasette, f.db, Self.library, query.url!.absoluteString, log])
        #expect(got.stderr.isEmpty, "\(got.stderr)\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let body: Data? = got.stdout.isEmpty ? nil : Data(got.stdout.utf8)
        let answer = try #require(body, "Datasette did not answer")
        let rows = try #require(try JSONSerialization.jsonObject(with: answer) as? [[String: Any]])
        let lines = rows.map { r in ["trust_code", "letter_type", "n", "p50", "within_48h"].map { "\(r[$0]!)" }.joined(separator: "|") }
        #expect(lines.joined(separator: "\n") == (try Self.inProcess(f.db, sql)))
    }

    @Test func whatIsNotAHistogramIsAnErrorThatSaysSo() throws {
        let f = try Self.readOnlyFixture()
        let store = try SummaryStore(readingOnly: f.db)
        func error(_ sql: String) -> String? {
            do { _ = try store.reader.read { try Row.fetchAll($0, sql: sql) }; return nil } catch { return "\(error)" }
        }
        #expect(error("SELECT hist_quantile(x'0102', 0.5)")?.contains("hist_quantile: the blob is not a letterlag histogram") == true)
        #expect(error("SELECT hist_count('text')")?.contains("hist_count: the argument is text, not a letterlag histogram blob") == true)
        #expect(error("SELECT hist_quantile(delay_hist, 1.5) FROM weekly")?.contains("p must be between 0 and 1, not 1.5") == true)
        #expect(error("SELECT hist_quantile(delay_hist, -0.1) FROM weekly") != nil)
        #expect(error("SELECT hist_merge(x'ff') FROM weekly")?.contains("hist_merge: the blob is not a letterlag histogram") == true)
        let empty = try store.reader.read { try Row.fetchOne($0, sql: "SELECT hist_count(x''), hist_quantile(x'', 0.5), hist_count(NULL), length(hist_merge(NULL))") }!
        #expect(empty[0] as Int64? == 0 && empty[1] as Double? == nil && empty[2] as Int64? == nil && empty[3] as Int64? == 0)
        // Every cut of a real histogram, and random bytes, either decode or are refused: never a crash.
        let blob = try store.reader.read { try Data.fetchOne($0, sql: "SELECT delay_hist FROM weekly ORDER BY length(delay_hist) DESC LIMIT 1") }!
        var rng = SplitMix64(seed: 9)
        // The fuzzer's finds: extremes outside their buckets; a count near 2^64.
        let found: [[UInt8]] = [[0x28, 0xF5, 0x01, 0x06, 0x01], [0x0A, 0x0A, 0x0B, 0xB0] + [UInt8](repeating: 0xFF, count: 8) + [0x01]]
        for f in found {
            #expect(LatencyHistogram(encoded: f) == nil)
            #expect(error("SELECT hist_quantile(x'\(f.map { String(format: "%02x", $0) }.joined())', 0.5)")?.contains("not a letterlag histogram") == true)
        }
        var samples = (0..<blob.count).map { Data(blob.prefix($0)) }
        for _ in 0..<2_000 {
            var b = [UInt8](blob)
            b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next())
            samples.append(Data(b))
            samples.append(Data((0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
        }
        for sample in samples {
            let decoded = LatencyHistogram(encoded: [UInt8](sample))
            let answer = error("SELECT hist_quantile(x'\(sample.map { String(format: "%02x", $0) }.joined())', 0.5)")
            #expect((decoded == nil) == (answer != nil))
            if let h = decoded, !h.isEmpty {
                #expect(h.minimum >= 0 && h.minimum <= h.maximum && h.counts.allSatisfy { $0 > 0 })
            }
        }
    }

    @Test func countingUpToAValueAgreesWithEveryRanksValue() {
        var rng = SplitMix64(seed: 4)
        for _ in 0..<300 {
            var h = LatencyHistogram()
            for _ in 0..<(1 + Int(rng.next() % 40)) { h.record(Int64(rng.next() % 5_000)) }
            let values = (1...h.total).map { h.value(atRank: $0)! }
            for _ in 0..<20 {
                let x = Double(rng.next() % 5_200) - 100
                #expect(h.count(atMost: x) == UInt64(values.filter { $0 <= x }.count), "x \(x), values \(values)")
            }
            #expect(h.count(atMost: Double(h.minimum)) >= 1 && h.count(atMost: Double(h.maximum)) == h.total)
        }
    }

    @Test func aWindowsMergeEqualsMergingItsWeeksAfresh() throws {
        let f = try Self.readOnlyFixture()
        let windowed = try Self.inProcess(f.db, """
            SELECT trust_code, letter_type, week_start, hex(hist_merge(delay_hist) OVER (PARTITION BY trust_code, letter_type
                ORDER BY week_start ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING)) FROM weekly WHERE run_id = 1 ORDER BY 1, 2, 3
            """)
        let afresh = try Self.inProcess(f.db, """
            SELECT a.trust_code, a.letter_type, a.week_start, (SELECT hex(hist_merge(b.delay_hist)) FROM (
                SELECT delay_hist FROM weekly b WHERE b.run_id = 1 AND b.trust_code = a.trust_code AND b.letter_type = a.letter_type
                    AND b.week_start <= a.week_start ORDER BY b.week_start DESC LIMIT 4) b) ||
              '' FROM weekly a WHERE a.run_id = 1 ORDER BY 1, 2, 3
            """)
        // The frame of the afresh query lacks the following week; compare against the same frame.
        let framed = try Self.inProcess(f.db, """
            SELECT trust_code, letter_type, week_start, hex(hist_merge(delay_hist) OVER (PARTITION BY trust_code, letter_type
                ORDER BY week_start ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)) FROM weekly WHERE run_id = 1 ORDER BY 1, 2, 3
            """)
        #expect(framed == afresh)
        #expect(windowed != framed)
    }

    @Test func completeIsTheRuleComputedFromTheRawRowsForEveryWeek() throws {
        let f = try Self.readOnlyFixture()
        let stored = try Self.inProcess(f.db, "SELECT trust_code, letter_type, week_start, complete FROM weekly WHERE run_id = 1")
            .split(separator: "\n")
        #expect(stored.count == f.reference.weekly.count)
        var incomplete = 0
        for line in stored {
            let c = line.split(separator: "|").map(String.init)
            let ref = try #require(f.reference.weekly["\(c[0]),\(c[1]),\(c[2])"], "\(line)")
            #expect(c[3] == (ref.pending == 0 ? "1" : "0"), "\(line): \(ref.pending) pending of \(ref.outstanding) outstanding")
            if ref.pending > 0 { incomplete += 1 }
        }
        #expect(incomplete > 0 && incomplete < stored.count / 4)
        // A month is complete when all its weeks are; CSV says 1 or 0, the table says provisional.
        let months = try Binary.run(["trend", "--db", f.db, "--run", "1", "--by", "month", "--format", "csv"])
        let header = months.stdout.split(separator: "\n")[0].split(separator: ",")
        #expect(header.last == "complete")
        let values = Set(months.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).last! })
        #expect(values == ["0", "1"])
        let table = try Binary.run(["trend", "--db", f.db, "--run", "1", "--by", "week", "--format", "table"])
        #expect(table.stdout.components(separatedBy: "provisional\n").count - 1 == incomplete)
        let viewed = try Self.inProcess(f.db, "SELECT count(*) FROM weekly_trend WHERE complete = 0")
        #expect(viewed == String(incomplete))
    }

    @Test(.enabled(if: getuid() == 0, "mounting a file system needs root"))
    func aDatabaseOnAReadOnlyMountIsReadWithNothingWritten() throws {
        let f = try Self.readOnlyFixture()
        let mount = f.dir.path("ro")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let made = try Self.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mount])
        try #require(made.status == 0, "mounting needs root: \(made.stderr)")
        defer { _ = try? Self.run("/usr/bin/umount", [mount]) }
        // A copy as analysts get it, written by ingest in WAL mode, with nothing else beside it.
        #expect(try Self.run("/usr/bin/sqlite3", [f.db, "VACUUM INTO '\(mount)/d.sqlite'"]).status == 0)
        #expect(try Self.run("/usr/bin/mount", ["-o", "remount,ro", mount]).status == 0)
        let db = mount + "/d.sqlite"
        #expect(FileManager.default.createFile(atPath: mount + "/probe", contents: nil) == false)
        let report = try Binary.run(["report", "--db", db, "--format", "csv"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.split(separator: "\n").count == f.reference.figures.count + 1)
        for by in ["week", "month", "quarter"] {
            let trend = try Binary.run(["trend", "--db", db, "--by", by, "--format", "csv"])
            #expect(trend.status == 0, "\(by): \(trend.stderr)")
        }
        #expect(try Binary.run(["runs", "--db", db]).status == 0)
        let python = try Self.run("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro&immutable=1", uri=True)
            print(con.execute("SELECT count(*) FROM weekly").fetchone()[0])
            """, db])
        #expect(python.status == 0 && Int(python.stdout.trimmingCharacters(in: .newlines)) == f.reference.weekly.count, "\(python.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount) == ["d.sqlite"])
    }

    @Test(.enabled(if: getuid() == 0, "reading as another user needs root"))
    func aReaderWhoMayNotWriteTheFolderReadsTheLiveDatabase() throws {
        let f = try Self.fixture()
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) reads as another user")
        // The folder and files are readable by all and writable by their owner (root) only; the
        // database is live, in WAL mode, as the nightly run leaves it.
        let shared = f.dir.path("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        let db = shared + "/d.sqlite"
        #expect(try Binary.run(["ingest", f.dir.path("x.csv"), "--db", db, "--quiet"]).status == 0)
        // WAL mode, read from the header (bytes 18 and 19 are 2) so as not to open and close it here.
        let header = try #require(FileManager.default.contents(atPath: db)).prefix(20)
        #expect(header[18] == 2 && header[19] == 2)
        // A copy of the binary where the other user can reach it, wherever the checkout lives.
        let binary = f.dir.path("letterlag")
        try FileManager.default.copyItem(atPath: try #require(Binary.url).path, toPath: binary)
        for (path, mode) in [(f.dir.url.path, 0o755), (shared, 0o755), (binary, 0o755)] { chmod(path, mode_t(mode)) }
        func readAsNobody() throws -> Binary.Output {
            try Self.run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "trend", "--db", db, "--by", "quarter", "--format", "csv"])
        }
        // With the -wal and -shm the writer keeps beside it: read through them, read-only.
        let before = try FileManager.default.contentsOfDirectory(atPath: shared).sorted()
        #expect(before.contains("d.sqlite-shm"))
        let first = try readAsNobody()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("trust_code,letter_type,quarter,"))
        // After another tool closed it last and took them away: opened immutable, as nothing can be writing.
        #expect(try Self.run("/usr/bin/sqlite3", [db, "SELECT count(*) FROM runs"]).stdout == "1\n")
        #expect(!FileManager.default.fileExists(atPath: db + "-shm"))
        let second = try readAsNobody()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        #expect(!FileManager.default.fileExists(atPath: db + "-shm"))
    }

    @Test func weeksStoredBeforeCompletenessWasKeptGetItFromTheirOutstandingAges() throws {
        let f = try Self.fixture()
        let queue = try DatabaseQueue(path: f.db)
        let exact = try queue.read { try Row.fetchAll($0, sql: "SELECT rowid, complete FROM weekly ORDER BY rowid").map { $0[1] as Int64 } }
        // As a run stored before v7 holds them: known only where nothing was outstanding.
        try queue.write { db in
            try db.execute(sql: "UPDATE weekly SET complete = NULL WHERE outstanding > 0")
            try SummarySchema.backfillCompleteness(db)
        }
        let backfilled = try queue.read { try Row.fetchAll($0, sql: "SELECT rowid, complete FROM weekly ORDER BY rowid").map { $0[1] as Int64 } }
        // The extract's limits never change within a week (2024 onwards), so the rule is exact.
        #expect(backfilled == exact)
        #expect(exact.contains(0) && exact.contains(1))
    }

    @Test func migratingAV8DatabaseKeepsItsTrustByPracticeRowsInTheirOwnTableAndStartsThePracticeView() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("v8.sqlite")
        let queue = try DatabaseQueue(path: db)
        try SummarySchema.migrator.migrate(queue, upTo: "v8: stages and breakdowns")
        // The columns v8 gave its practice rows, as an older letterlag wrote them.
        let columns = ["run_id", "practice_code", "trust_code", "letter_type", "letters", "received", "outstanding", "due",
                       "within_limit", "due_3d", "within_3d", "due_4d", "within_4d", "complete"]
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: """
                INSERT INTO runs (id, as_of, as_of_source, delay_to, started_at, finished_at, files, bytes, rows_read, letters,
                                  rows_rejected, trusts, elapsed_seconds, limits_json, tool_version)
                VALUES (1, '2024-12-31T00:00:00Z', 'extract', 'received', '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z',
                        1, 1, 15, 15, 0, 2, 1.0, ?, 'v8 test')
                """, arguments: [ContractLimits.standard.json])
            for (practice, trust, letters) in [("A81001", "RXH", 3), ("A81001", "RAD", 5), ("B82002", "RAD", 7)] {
                let values: [DatabaseValue] = [1.databaseValue, practice.databaseValue, trust.databaseValue, "clinic_letter".databaseValue,
                                               letters.databaseValue] + Array(repeating: 0.databaseValue, count: 8) + [1.databaseValue]
                try db.execute(sql: SummarySchema.insert(into: "by_practice", columns), arguments: StatementArguments(values))
            }
        }
        try queue.close()
        let migrate = try Binary.run(["migrate", "--db", db])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let migrated = try DatabaseQueue(path: db)
        try migrated.read { (db: Database) throws -> Void in
            let rows = try Row.fetchAll(db, sql: "SELECT practice_code, trust_code, letters FROM by_practice_v9")
                .map { "\($0["practice_code"] as String) \($0["trust_code"] as String) \($0["letters"] as Int)" }
            // Without ORDER BY, SQLite walks the primary key: trust before practice, as v9 keyed them.
            #expect(rows == ["A81001 RAD 5", "B82002 RAD 7", "A81001 RXH 3"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM by_practice") == 0)
            let pk = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info('by_practice_stored') WHERE pk > 0 ORDER BY pk").map { $0[0] as String }
            #expect(pk == ["run_id", "practice_code", "letter_type_code", "trust_code"])
        }
        // Deleting the run still takes its old rows with it.
        try migrated.writeWithoutTransaction { (db: Database) throws -> Void in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "DELETE FROM runs WHERE id = 1")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM by_practice_v9") == 0)
        }
    }

    @Test func aStoredValueThisLetterlagCannotReadIsAnErrorNamingItNeverAnotherValue() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("u.sqlite")
        let file = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2024-01-14 09:32:00", received: "2024-01-15 09:32:00")]
            .joined(separator: "\n") + "\n")
        #expect(try Binary.run(["ingest", file, "--db", db, "--quiet"]).status == 0)
        try DatabaseQueue(path: db).write { db in
            try db.execute(sql: "UPDATE summary SET letter_type = 'memo'; UPDATE weekly SET letter_type = 'memo'; UPDATE history_weeks SET letter_type = 'memo'")
        }
        for command in [["report"], ["trend"], ["trend", "--run", "1"]] {
            let out = try Binary.run(command + ["--db", db])
            #expect(out.status == 5 && out.stderr.contains("has letter type 'memo'") && out.stderr.contains("which this letterlag cannot read"), "\(command): \(out.stderr)")
        }
    }

    @Test func aDatabaseFromAnOlderLetterlagIsMigratedOnlyWhenAsked() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("old.sqlite")
        let queue = try DatabaseQueue(path: db)
        try SummarySchema.migrator.migrate(queue, upTo: "v6: weekly as a rowid table")
        let refused = try Binary.run(["report", "--db", db])
        #expect(refused.status == 5, "\(refused.stderr)")
        #expect(refused.stderr.contains("written by an older letterlag; run 'letterlag migrate --db \(db)'"))
        let migrated = try Binary.run(["migrate", "--db", db])
        #expect(migrated.stdout == "\(db): applied v7: complete periods, v8: stages and breakdowns, v9: practices keyed by trust, v10: the practice view, v11: history and retention, v12: the practice view by month, v13: breakdowns stored compactly\n")
        #expect(try Binary.run(["migrate", "--db", db]).stdout == "\(db): already up to date\n")
        #expect(try Binary.run(["report", "--db", db]).stderr.contains("no runs yet"))
    }

    /// The breakdown views and the tables v12 stored them in: the same columns in the same order.
    static let breakdownViews = ["by_specialty", "by_channel", "by_practice", "by_specialty_month", "by_channel_month", "practice_months"]

    @Test func theBreakdownViewsGiveBackExactlyTheFiguresTheRunMade() throws {
        let dir = try ScratchDirectory()
        var options = ExtractGenerator.Options(rows: 30_000)
        options.trusts = 5
        let extract = dir.path("x.csv.gz")
        try ExtractGenerator(options: options).write(to: extract)
        let path = dir.path("d.sqlite")
        _ = try NightlyIngest(options: IngestOptions(files: [extract]), databasePath: path).run()
        var expected: [String: SummaryRow] = [:]
        for cell in try ingest([extract]).assembler.allBreakdownCells() {
            var row = cell.middle.map { SummaryRow(trust: cell.trust, type: cell.type, counts: cell.summary, p50Seconds: $0.p50, p90Seconds: $0.p90) }
                ?? SummaryRow(trust: cell.trust, type: cell.type, summary: cell.summary)
            // Breakdown rows keep neither figure.
            row.p50WorkingDays = nil
            row.stages?.deliveredAtSending = 0
            let month = cell.month.map(CivilDate.monthLabel) ?? "run"
            expected["\(cell.breakdown) \(month) \(cell.trust) \(cell.type) \(cell.breakdown.text(ofValue: cell.value))"] = row
        }
        let reader = try SummaryStore(readingOnly: path).reader
        var read = 0
        for b in Breakdown.allCases {
            for byMonth in [false, true] {
                try reader.forEachBreakdown(b, byMonth: byMonth, run: byMonth && b == .practice ? nil : 1) { r in
                    read += 1
                    let key = "\(b) \(r.month ?? "run") \(r.figures.trust) \(r.figures.type) \(r.value)"
                    // Equal as Doubles, not within a tolerance: seconds / 3600.0 is the hours the run made.
                    #expect(r.figures == expected[key], "\(key)")
                }
            }
        }
        #expect(read == expected.count && read > 1_000)
    }

    @Test func theLetterTypeCodesAreTheLetterTypesOwn() throws {
        let (_, path) = try smallStoredRun.get()
        let stored = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT code, letter_type FROM letter_types ORDER BY code").map { "\($0[0] as Int) \($0[1] as String)" }
        }
        #expect(stored == LetterType.allCases.map { "\($0.rawValue) \($0.name)" })
    }


    /// Every row of each breakdown view, in key order, as SQLite gives it.
    static func breakdownRows(_ db: Database) throws -> [String: [[DatabaseValue]]] {
        var rows: [String: [[DatabaseValue]]] = [:]
        for view in breakdownViews {
            rows[view] = try Row.fetchAll(db, sql: "SELECT * FROM \(view) ORDER BY 1, 2, 3, 4, 5").map { Array($0.databaseValues) }
        }
        return rows
    }

    /// A database at v12 holding `source`'s runs and breakdown rows, as v12 stored them.
    static func v12Copy(of source: String, at path: String, change: String? = nil) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path)
        try SummarySchema.migrator.migrate(queue, upTo: "v12: the practice view by month")
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
            for table in ["runs", "history_practice_months"] + breakdownViews {
                try db.execute(sql: "INSERT INTO main.\(table) SELECT * FROM source.\(table)")
            }
            if let change { try db.execute(sql: change) }
            try db.execute(sql: "DETACH DATABASE source")
        }
        return queue
    }

    @Test func migratingAV12DatabaseKeepsEveryBreakdownValueAndColumnExactly() throws {
        let (dir, source) = try smallStoredRun.get()
        let before = try DatabaseQueue(path: source).read(Self.breakdownRows)
        let columns = { (db: Database, table: String) in try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0[0] as String } }
        let path = dir.path("v12-\(UUID().uuidString).sqlite")
        let old = try Self.v12Copy(of: source, at: path)
        let oldColumns = try old.read { db in try Self.breakdownViews.map { try columns(db, $0) } }
        try old.close()
        let migrate = try Binary.run(["migrate", "--db", path])
        #expect(migrate.stdout == "\(path): applied v13: breakdowns stored compactly\n", "\(migrate.stderr)")
        let migrated = try DatabaseQueue(path: path)
        #expect(try migrated.read { db in try Self.breakdownViews.map { try columns(db, $0) } } == oldColumns)
        let after = try migrated.read(Self.breakdownRows)
        #expect(after == before)
        #expect(before.values.allSatisfy { !$0.isEmpty })
    }

    @Test func aBreakdownRowWhoseLettersAreNotItsReceivedAndOutstandingStopsTheMigrationChangingNothing() throws {
        let (dir, source) = try smallStoredRun.get()
        let path = dir.path("v12-\(UUID().uuidString).sqlite")
        try Self.v12Copy(of: source, at: path, change: """
            UPDATE by_channel SET letters = letters + 1
            WHERE (run_id, trust_code, letter_type, channel) = (SELECT run_id, trust_code, letter_type, channel FROM by_channel LIMIT 1)
            """).close()
        let migrate = try Binary.run(["migrate", "--db", path])
        #expect(migrate.status == 5)
        #expect(migrate.stderr.contains("1 rows of by_channel have letters other than received + outstanding"), "\(migrate.stderr)")
        let applied = try DatabaseQueue(path: path).read { try SummarySchema.migrator.appliedMigrations($0) }
        #expect(applied.last == "v12: the practice view by month")
        #expect(try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT type FROM sqlite_master WHERE name = 'by_channel'") } == "table")
    }
}

