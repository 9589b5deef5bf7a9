import Foundation
import GRDB
import Testing
@testable import LetterlagKit

@Suite(.serialized) struct NightlyRunTests {
    @Test func theSameContentIsRefusedUnlessReplaced() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("n.sqlite")
        let text = [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")].joined(separator: "\n")
        let first = try dir.write("monday.csv", text)
        let renamed = try dir.write("monday-again.csv", text)
        #expect(try Binary.run(["ingest", first, "--db", db, "--quiet"]).status == 0)
        let again = try Binary.run(["ingest", renamed, "--db", db])
        #expect(again.status == 7)
        #expect(again.stderr.contains("monday-again.csv: this content was already ingested in run 1"))
        let replaced = try Binary.run(["ingest", renamed, "--db", db, "--replace", "--quiet"])
        #expect(replaced.status == 0)
        let runs = try SummaryStore(path: db).reader.runs()
        #expect(runs.map(\.id) == [2])
        #expect(try SummaryStore(path: db).reader.summary(run: 2).first?.letters == 1)
    }

    @Test func theDebugLogTimesEachPhaseAndTheStoresParts() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")].joined(separator: "\n"))
        let out = try Binary.run(["ingest", file, "--db", dir.path("d.sqlite")], environment: ["LETTERLAG_LOG": "debug"])
        #expect(out.status == 0)
        let line = try #require(out.stderr.split(separator: "\n").first { $0.contains("phases=") }, "\(out.stderr)")
        for phase in ["read and parse", "duplicate check", "assemble and store", "trust × letter types", "practice view", "history and commit"] {
            #expect(line.contains(phase), "\(line)")
        }
        #expect(try Binary.run(["ingest", file, "--db", dir.path("e.sqlite")]).stderr.contains("phases=") == false)
    }

    @Test func aRunsFinishAndElapsedTimeAreTakenAfterItsSummariesAreWrittenNotBefore() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")].joined(separator: "\n"))
        let result = try ingest([file])
        // As if reading had taken 100 s: the stored time runs from the start to the last row written.
        let started = Date(timeIntervalSinceNow: -100)
        let handedOver = Date()
        let store = try SummaryStore(path: dir.path("t.sqlite"))
        _ = try store.store(result, contentKeys: ["k"], startedAt: started)
        let returned = Date()
        let run = try #require(try store.reader.runs().first)
        #expect(run.elapsedSeconds >= handedOver.timeIntervalSince(started))
        #expect(run.elapsedSeconds <= returned.timeIntervalSince(started))
        #expect(run.startedAt == Timestamps.iso(started))
        #expect(run.finishedAt >= Timestamps.iso(handedOver) && run.finishedAt <= Timestamps.iso(returned))

        // The command's own figure runs to the commit, so it is never less than the stored one.
        let outcome = try NightlyIngest(options: IngestOptions(files: [file]), databasePath: dir.path("n.sqlite")).run()
        let stored = try #require(try SummaryStore(path: dir.path("n.sqlite")).reader.runs().first)
        #expect(outcome.elapsed >= stored.elapsedSeconds && stored.elapsedSeconds > 0)
    }

    @Test func aNewDatabaseGetsLargePagesAndOneMadeWithSmallPagesKeepsThemAndStillTakesRuns() throws {
        let dir = try ScratchDirectory()
        let text = [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")].joined(separator: "\n")
        let fresh = dir.path("fresh.sqlite")
        #expect(try Binary.run(["ingest", try dir.write("a.csv", text), "--db", fresh, "--quiet"]).status == 0)
        #expect(try DatabaseQueue(path: fresh).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == SummaryStore.pageSize)

        // As an earlier letterlag left it: 4 KiB pages, in WAL mode, a table already made.
        let old = dir.path("old.sqlite")
        try DatabaseQueue(path: old).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "CREATE TABLE analysts_notes (note TEXT)")
        }
        for (i, day) in ["14", "21"].enumerated() {
            let file = try dir.write("week\(i).csv", [canonicalHeader, row("L\(i)", event: "2020-01-\(day) 09:32:00", received: "2020-01-\(day) 18:00:00")].joined(separator: "\n"))
            #expect(try Binary.run(["ingest", file, "--db", old, "--quiet"]).status == 0)
        }
        #expect(try DatabaseQueue(path: old).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
        #expect(try SummaryStore(path: old).reader.runs().map(\.id) == [1, 2])
        #expect(try SummaryStore(path: old).reader.summary(run: 2).first?.letters == 1)
    }

    @Test func theKeyTakenWhileReadingIsTheKeyOfAFreshReadForPlainAndGzipFiles() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("c.sqlite")
        let text = ([canonicalHeader] + (0..<3_000).map { row("L\($0)", event: "2020-01-14 09:32:00", received: "2020-01-16 10:00:00") })
            .joined(separator: "\n")
        let plain = try dir.write("plain.csv", text)
        // Members cut at odd places, so the key spans several reads and members.
        let bytes = Array(text.utf8)
        let gz = try dir.write("members.csv.gz", GzipWriter.member(Array(bytes[..<1_000])) + GzipWriter.member(Array(bytes[1_000...])))
        for file in [plain, gz] {
            #expect(try Binary.run(["ingest", file, "--db", db, "--quiet"]).status == 0)
        }
        let stored = try SummaryStore(path: db).reader.read { db in try String.fetchAll(db, sql: "SELECT content_key FROM run_files ORDER BY run_id") }
        #expect(stored == [try ContentKey.of(path: plain), try ContentKey.of(path: gz)])
        #expect(stored[0].hasPrefix("\(bytes.count):"))
    }

    @Test func onlyTheSameContentIsRefusedAmongFilesOfOneSize() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("s.sqlite")
        // Same length, different content: both are ingested, in one run or in two.
        let a = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let b = try dir.write("b.csv", [canonicalHeader, row("L2", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let c = try dir.write("c.csv", [canonicalHeader, row("L3", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let copy = try dir.write("a-copy.csv", try String(contentsOfFile: a, encoding: .utf8))
        let twice = try Binary.run(["ingest", a, copy, "--db", db])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("the same content is named twice"))
        #expect(try Binary.run(["ingest", a, b, "--db", db, "--quiet"]).status == 0)
        #expect(try Binary.run(["ingest", c, "--db", db, "--quiet"]).status == 0)
        let again = try Binary.run(["ingest", copy, "--db", db])
        #expect(again.status == 7)
        #expect(again.stderr.contains("a-copy.csv: this content was already ingested in run 1"))
        #expect(try SummaryStore(path: db).reader.runs().map(\.letters) == [2, 1])
    }

    @Test func theCommandSetsRepeatedLettersAsideAndStoresOneRun() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("d.sqlite")
        let file = try dir.write("dups.csv", extractWithRepeatedLetterIDs())
        let run = try Binary.run(["ingest", file, "--db", db])
        #expect(run.status == 0)
        #expect(run.stdout.contains("set aside duplicate_letter_id: 2 (first at \(file):2002, \(file):2003)"))
        let store = try SummaryStore(path: db)
        #expect(try store.reader.runs().map(\.id) == [1])
        #expect(try store.reader.runs().first?.rowsRejected == 2)
        #expect(try store.reader.rejects(run: 1).map(\.count) == [2])
        let rows = try store.reader.summary(run: 1).sorted { $0.trust < $1.trust }
        #expect(rows.map(\.trust) == ["RJ1", "RXH"])
        #expect(rows.first?.letters == 2_000 && rows.first?.maxHours == 24)
        #expect(rows.last?.letters == 1 && rows.last?.outstanding == 1)
        #expect(try store.reader.read { try Int.fetchOne($0, sql: "SELECT sum(letters) FROM weekly") } == 2_001)
    }

    @Test func aSecondIngestWaitsForTheFirstThenFailsClearly() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("l.sqlite")
        let file = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let held = try RunLock(databasePath: db, wait: 0)
        let blocked = try Binary.run(["ingest", file, "--db", db, "--wait", "1"])
        #expect(blocked.status == 5)
        #expect(blocked.stderr.contains("another letterlag ingest is using"))
        withExtendedLifetime(held) {}
        _ = consume held
        #expect(try Binary.run(["ingest", file, "--db", db, "--wait", "1", "--quiet"]).status == 0)
    }

    @Test(.tags(.slow), .skippedWhenQuick) func killingAnIngestAtAnyMomentLeavesTheDatabaseAsItWas() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("k.sqlite")
        let small = try dir.write("small.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")]
            .joined(separator: "\n"))
        #expect(try Binary.run(["ingest", small, "--db", db, "--quiet"]).status == 0)
        let before = try EndToEndTests.contents(db)
        let big = dir.path("big.csv.gz")
        #expect(try Binary.run(["generate", "--rows", "400000", "--trusts", "60", "--days", "700", "--output", big]).status == 0)
        let binary = try #require(Binary.url)
        // A reader queries in a loop throughout; it must never fail or see a partial run.
        let stop = ManagedFlag()
        let readerFailures = ManagedCounter()
        let reader = Thread {
            while !stop.isSet {
                do {
                    let store = try SummaryStore(path: db)
                    for run in try store.reader.runs() {
                        let rows = try store.reader.summary(run: run.id)
                        if rows.reduce(0, { $0 + $1.letters }) != run.letters { readerFailures.add() }
                    }
                } catch { readerFailures.add() }
            }
        }
        reader.start()
        defer { stop.set() }
        var killed = 0
        for delay in [0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5] {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["ingest", big, "--db", db, "--quiet", "--workers", "2"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .exit { break }  // finished before the kill: nothing left to test
            killed += 1
            #expect(try EndToEndTests.contents(db) == before, "after kill -9 at \(delay) s")
        }
        stop.set()
        // A machine fast enough to finish before every kill would have tested nothing.
        #expect(killed >= 3, "only \(killed) kills landed before the ingest finished")
        #expect(readerFailures.value == 0)
        // The killed runs left no lock and no half run: the same file now ingests once, then is refused.
        #expect(try Binary.run(["ingest", big, "--db", db, "--quiet"]).status == 0)
        #expect(try Binary.run(["ingest", big, "--db", db, "--quiet"]).status == 7)
        #expect(try SummaryStore(path: db).reader.runs().count == 2)
    }

    /// SIGTERM or SIGINT while a run reads or stores: exit 143 or 130 with one line, nothing
    /// stored (or, if the stop came during the commit, the line says the run was), nothing left in
    /// TMPDIR, and the lock free at once.
    @Test(.tags(.slow), .skippedWhenQuick) func aStopBySignalSaysSoStoresNothingAndLeavesNothingBehind() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("s.sqlite")
        let temporary = dir.path("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let small = try dir.write("small.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00", received: "2020-01-15 09:32:00")]
            .joined(separator: "\n"))
        #expect(try Binary.run(["ingest", small, "--db", db, "--quiet"]).status == 0)
        let before = try EndToEndTests.contents(db)
        let big = dir.path("big.csv.gz")
        #expect(try Binary.run(["generate", "--rows", "1500000", "--trusts", "60", "--output", big]).status == 0)
        let binary = try #require(Binary.url)
        var stopped = 0
        for (signal, status, name) in [(SIGTERM, Int32(143), "SIGTERM"), (SIGINT, Int32(130), "SIGINT"), (SIGTERM, 143, "SIGTERM")] {
            for delay in [0.15, 0.4] {
                let process = Process()
                process.executableURL = binary
                process.arguments = ["ingest", big, "--db", db, "--quiet", "--wait", "0"]
                var environment = ProcessInfo.processInfo.environment
                environment["TMPDIR"] = temporary
                process.environment = environment
                let err = Pipe()
                process.standardError = err
                try process.run()
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, signal)
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty, "TMPDIR after \(name)")
                if process.terminationStatus == 0 {
                    // It finished first: undo, so the next try starts from the same database.
                    let store = try SummaryStore(path: db)
                    _ = try store.writer().write { try $0.execute(sql: "DELETE FROM runs WHERE id > 1") }
                    continue
                }
                stopped += 1
                #expect(process.terminationReason == .exit && process.terminationStatus == status, "\(stderr)")
                if stderr.contains("after run") {
                    #expect(stderr == "letterlag: interrupted by \(name) after run 2 was stored\n")
                    let store = try SummaryStore(path: db)
                    _ = try store.writer().write { try $0.execute(sql: "DELETE FROM runs WHERE id > 1") }
                } else {
                    #expect(stderr == "letterlag: interrupted by \(name); nothing was stored\n")
                    #expect(try EndToEndTests.contents(db) == before, "after \(name) at \(delay) s")
                }
                // The lock went with the process: another ingest starts at once.
                let lock = try RunLock(databasePath: db, wait: 0)
                withExtendedLifetime(lock) {}
            }
        }
        #expect(stopped >= 4)
        #expect(try Binary.run(["ingest", big, "--db", db, "--quiet"]).status == 0)
    }

    @Test(.tags(.slow), .skippedWhenQuick) func patientIdentifiersNeverReachTheDatabaseOrOutputs() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("pii.sqlite")
        var lines = ["letter_id,nhs_number,patient_name,trust_code,site_code,practice_code,specialty_code,letter_type,event_at,sent_at,received_at,channel,postcode"]
        var secrets: [String] = []
        for i in 0..<500 {
            let nhs = String(9_434_765_000 + i * 7), name = "Zqpatient\(i)Surname", postcode = "ZZ\(i % 90) 9QX"
            secrets += [nhs, name, postcode]
            lines.append("L\(i),\(nhs),\"\(name), Jr\",RJ1,RJ122,A81001,300,clinic_letter,2020-01-14 09:32:00,,2020-01-15 09:32:00,post,\(postcode)")
        }
        lines.append("L9999,9434769999,Broken Row,RJ1,RJ122,A81001,300,clinic_letter,not-a-date,,,post,ZZ1 1ZZ")
        secrets += ["9434769999", "Broken Row"]
        let file = try dir.write("pii.csv", lines.joined(separator: "\n") + "\n")
        let ingest = try Binary.run(["ingest", file, "--db", db])
        #expect(ingest.status == 0)
        let report = try Binary.run(["report", "--db", db, "--format", "json"])
        var haystack = ingest.stdout + ingest.stderr + report.stdout
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: db + suffix) { haystack += String(decoding: data, as: UTF8.self) }
        }
        #expect(haystack.contains("RJ1"))
        for secret in secrets { #expect(!haystack.contains(secret), "\(secret) leaked") }
    }
}

final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var isSet: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}

final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
