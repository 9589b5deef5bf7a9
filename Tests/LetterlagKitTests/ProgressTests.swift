import Foundation
import Testing
@testable import LetterlagKit

@Suite struct ProgressTests {
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [IngestProgress] = []
        func add(_ p: IngestProgress) { lock.withLock { items.append(p) } }
        var all: [IngestProgress] { lock.withLock { items } }
    }

    @Test func progressReportsGrowingBytesAndRowsAndATimeLeft() throws {
        let dir = try ScratchDirectory()
        var generated = ExtractGenerator.Options(rows: 150_000)
        generated.trusts = 5
        let path = dir.path("p.csv")
        try ExtractGenerator(options: generated).write(to: path)
        let reports = Reports()
        var options = IngestOptions(files: [path], chunkSize: 256 * 1024)
        options.progressInterval = 0
        options.progress = { reports.add($0) }
        let result = try IngestPipeline(options: options).run()
        let seen = reports.all
        #expect(seen.count >= 10)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesRead <= $1.bytesRead && $0.rows <= $1.rows })
        #expect(seen.allSatisfy { $0.bytesTotal == result.bytes && $0.rows <= result.rowsRead })
        let line = IngestProgress(bytesRead: 412_000_000, bytesTotal: 1_024_000_000, rows: 6_200_000, seconds: 2).line
        #expect(line == "412 of 1024 MB (40%), 3.1M rows/s, 3 s left")
    }

    @Test func nothingIsPrintedWhenStandardErrorIsNotATerminal() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("a.csv", [canonicalHeader, row("L1", event: "2020-01-14 09:32:00")].joined(separator: "\n"))
        let run = try Binary.run(["ingest", file, "--db", dir.path("a.sqlite")])
        #expect(run.status == 0)
        #expect(!run.stderr.contains("rows/s") && !run.stderr.contains("\u{1B}[K"))
    }
}
