import Foundation
import Testing
@testable import LetterlagKit

/// Every CSV letterlag writes is RFC 4180 that Python's `csv` module reads back field for field,
/// and no text cell can start a spreadsheet formula.
@Suite struct CSVWriterTests {
    static let hostile = [
        "plain", "with,comma", "with \"quotes\"", "line\nfeed", "carriage\rreturn", "crlf\r\n", "=HYPERLINK(\"http://x\")",
        "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR first", "-12.5", "+7", "-", "=", "", " spaced ", "ünïcödé, 😀",
        "\"", "\"\"", ",", "a,b,\"c\"\n,d", "1.2.3", "-1.", ".5", "'already", "=1,2",
    ]

    /// What a cell should read back as: the text, with an apostrophe before a formula start.
    static func guarded(_ s: String) -> String {
        guard let first = s.utf8.first, CSVWriter.startsFormula(first) else { return s }
        let number = s.range(of: #"^[+-]?(\d+\.?\d*|\.\d+)$"#, options: .regularExpression) != nil
        return number ? s : "'" + s
    }

    @Test func pythonsCSVModuleReadsBackEveryHostileFieldGuarded() throws {
        let sink = OutputSink.memory()
        var csv = CSVWriter(sink: sink)
        try csv.row(["index", "field", "again"])
        for (i, field) in Self.hostile.enumerated() {
            try csv.integer(i)
            try csv.text(field)
            try csv.text(field)
            try csv.endRow()
        }
        let dir = try ScratchDirectory()
        let path = try dir.write("hostile.csv", try sink.text)
        let rows = try PythonCSV.read(path)
        #expect(rows.count == Self.hostile.count + 1)
        #expect(rows.allSatisfy { $0.count == 3 })
        for (i, field) in Self.hostile.enumerated() {
            #expect(rows[i + 1] == [String(i), Self.guarded(field), Self.guarded(field)], "field \(i): \(field.debugDescription)")
        }
    }

    @Test func twoDecimalsAreWhatStringFormatWrites() throws {
        var rng = SplitMix64(seed: 21)
        var values: [Double] = [0, 0.005, 0.015, 0.125, 0.375, 1.005, 2.675, 1.115, 99.995, 100, 0.994999, 1e11, 3.14159,
                                -0.001, -1.005, -0.0, 1e13, 123456789.125, 0.0049999999, Double.leastNonzeroMagnitude]
        for _ in 0..<200_000 {
            let r = rng.next()
            switch r % 4 {
            case 0: values.append(Double(r >> 20) / 3600)
            case 1: values.append(Double(r >> 40) / 100 + (r & 1 == 0 ? 0.005 : 0))
            case 2: values.append(Double(bitPattern: 0x3FF0_0000_0000_0000 | (r >> 12)) * Double(r % 1000))
            default: values.append(Double(r % 1_000_000) / 1000)
            }
        }
        let sink = OutputSink.memory()
        var csv = CSVWriter(sink: sink)
        for v in values {
            try csv.fixed(v)
            try csv.endRow()
        }
        let written = try sink.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(written.count == values.count)
        let wrong = zip(values, written).filter { String(format: "%.2f", $0) != $1 }
        #expect(wrong.isEmpty, "\(wrong.count) differ, first \(wrong.prefix(5).map { "\($0.0.debugDescription) → \($0.1)" })")
        let empty = OutputSink.memory()
        var blanks = CSVWriter(sink: empty)
        for v in [nil, .infinity, -.infinity, .nan] as [Double?] { try blanks.fixed(v) }
        try blanks.endRow()
        #expect(try empty.text == ",,,\n")
    }

    @Test func fourDecimalsAreWhatStringFormatWritesInCSVAndAsText() throws {
        var rng = SplitMix64(seed: 22)
        var values: [Double] = [0, 0.00005, 0.00015, 0.0125, 1.00005, 2.67505, 99.99995, 0.3461111111111111, 1e7, -0.0001, 1e13]
        for _ in 0..<100_000 {
            let r = rng.next()
            values.append(r % 2 == 0 ? Double(r >> 20) / 3600 : Double(r >> 40) / 10_000 + (r & 2 == 0 ? 0.00005 : 0))
        }
        let sink = OutputSink.memory()
        var csv = CSVWriter(sink: sink)
        for v in values {
            try csv.cell(.precise(v))
            try csv.endRow()
        }
        let written = try sink.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let wrong = zip(values, written).filter { String(format: "%.4f", $0) != $1 || FigureCell.precise($0).text != $1 }
        #expect(written.count == values.count && wrong.isEmpty, "\(wrong.prefix(5).map { "\($0.0.debugDescription) → \($0.1)" })")
        #expect(FigureCell.precise(nil).text.isEmpty && FigureCell.precise(nil).json == "null")
    }

    @Test func integersAreWrittenWholeWithTheirSign() throws {
        let sink = OutputSink.memory()
        var csv = CSVWriter(sink: sink)
        let values = [0, 7, -7, 1_234_567_890, Int.max, Int.min, -100]
        for v in values { try csv.integer(v) }
        try csv.endRow()
        #expect(try sink.text == values.map(String.init).joined(separator: ",") + "\n")
    }

    @Test func anUnfinishedFileNeverAppearsAndAFinishedOneAppearsWhole() throws {
        let dir = try ScratchDirectory()
        let path = dir.path("out.csv")
        do {
            let sink = try OutputSink(path: path)
            try sink.write(String(repeating: "x", count: 200_000))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
        let sink = try OutputSink(path: path)
        try sink.write(String(repeating: "y", count: 200_000))
        try sink.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).count == 200_000)
        #expect(throws: LetterlagError.cannotWrite(path: dir.path("no/such/out.csv"), reason: "No such file or directory")) {
            try OutputSink(path: dir.path("no/such/out.csv"))
        }
    }

    /// report, trend, compare, runs and export, on a database of two runs whose trust codes are
    /// the longest and oddest a code may be: each file has the header's width on every row.
    @Test func everyCSVTheCommandsWriteReadsBackWithTheHeadersWidth() throws {
        let dir = try ScratchDirectory()
        let db = dir.path("csv.sqlite")
        var lines = [canonicalHeader]
        for (i, trust) in ["RJ1", "0A0Z9", "N1234", "ZZZ"].enumerated() {
            for k in 0..<40 {
                lines.append(row("L\(i)x\(k)", trust: trust, event: "2020-01-\(String(format: "%02d", 6 + k % 20)) 09:00:00",
                                 received: k % 7 == 0 ? "" : "2020-02-01 09:00:00").replacingOccurrences(of: "\(trust)22,", with: ","))
            }
        }
        let first = try dir.write("a.csv", lines.joined(separator: "\n") + "\n")
        let second = try dir.write("b.csv", lines.joined(separator: "\n").replacingOccurrences(of: "2020-02-01", with: "2020-02-02") + "\n")
        #expect(try Binary.run(["ingest", first, "--db", db, "--quiet"]).status == 0)
        #expect(try Binary.run(["ingest", second, "--db", db, "--quiet"]).status == 0)
        var files: [String] = []
        for (name, arguments) in [("report", ["report", "--format", "csv"]), ("published", ["report", "--format", "csv", "--publish"]),
                                  ("trend", ["trend", "--format", "csv"]), ("month", ["trend", "--format", "csv", "--by", "month"]),
                                  ("compare", ["compare", "--format", "csv"]), ("runs", ["runs", "--format", "csv"])] {
            let out = try Binary.run(arguments + ["--db", db])
            #expect(out.status == 0, "\(arguments): \(out.stderr)")
            files.append(try dir.write("\(name).csv", out.stdout))
        }
        let exported = dir.path("export")
        #expect(try Binary.run(["export", "--db", db, "--output", exported]).status == 0)
        files += ["runs.csv", "summary.csv", "weekly.csv", "data-dictionary.csv"].map { exported + "/" + $0 }
        for file in files {
            let rows = try PythonCSV.read(file)
            #expect(rows.count > 1, "\(file)")
            #expect(rows.allSatisfy { $0.count == rows[0].count }, "\(file)")
            for cell in rows.joined() {
                guard let first = cell.utf8.first, CSVWriter.startsFormula(first) else { continue }
                #expect(Self.guarded(cell) == cell, "\(file): \(cell) could start a formula")
            }
        }
    }
}

/// Python's own `csv` module, as an independent reader.
enum PythonCSV {
    static func read(_ path: String) throws -> [[String]] {
        let out = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))))", path])
        try #require(out.status == 0, "\(out.stderr)")
        return try JSONDecoder().decode([[String]].self, from: Data(out.stdout.utf8))
    }
}
