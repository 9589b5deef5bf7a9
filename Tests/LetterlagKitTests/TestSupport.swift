import Foundation
import Testing
@testable import LetterlagKit

/// A scratch folder removed when the test ends.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("letterlag-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}

/// Runs a program to its end and returns its exit status, standard output and standard error;
/// `input`, when given, is its standard input.
func runProgram(_ executable: URL, _ arguments: [String], input: String? = nil, in directory: URL? = nil,
                environment: [String: String]? = nil) throws -> Binary.Output {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inp = input.map { _ in Pipe() }
    if let inp { process.standardInput = inp }
    try process.run()
    if let inp, let input {
        inp.fileHandleForWriting.write(Data(input.utf8))
        try inp.fileHandleForWriting.close()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Binary.Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

let canonicalHeader = "letter_id,trust_code,site_code,practice_code,specialty_code,letter_type,event_at,sent_at,received_at,channel"

/// A canonical row; empty strings leave a field blank.
func row(_ id: String, trust: String = "RJ1", type: String = "clinic_letter", event: String,
         sent: String = "", received: String = "") -> String {
    "\(id),\(trust),\(trust)22,A81001,300,\(type),\(event),\(sent),\(received),electronic"
}

/// Runs the pipeline over files and returns its result.
/// `count` bytes, `plainPercent` of them the letter A and the rest drawn from `specials`: the
/// input for checking a block-at-a-time scan against a naive one at every length and alignment.
func mostlyPlainBytes(_ count: Int, seed: UInt64, plainPercent: UInt64, specials: String) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let alphabet = Array(specials.utf8)
    return (0..<count).map { _ in
        rng.next() % 100 < plainPercent ? 0x41 : alphabet[Int(rng.next() % UInt64(alphabet.count))]
    }
}

/// 2,000 letters L0…L1999 of RJ1 (lines 2–2001, received after 24 hours), then L5 twice more with
/// other delays (lines 2002 and 2003): two repeats to set aside; and L1999 at another trust (line
/// 2004), which is another letter.
func extractWithRepeatedLetterIDs() -> String {
    var lines = [canonicalHeader]
    for i in 0..<2_000 { lines.append(row("L\(i)", event: "2020-01-14 09:00:00", received: "2020-01-15 09:00:00")) }
    lines.append(row("L5", event: "2020-01-14 09:00:00", received: "2020-01-24 09:00:00"))
    lines.append(row("L5", event: "2020-01-14 09:00:00", received: "2020-01-25 09:00:00"))
    lines.append(row("L1999", trust: "RXH", event: "2020-01-14 09:00:00"))
    return lines.joined(separator: "\n") + "\n"
}

/// One run of a small generated extract (20,000 letters, 4 trusts), stored once for every test
/// that only reads it: the documented queries, the letter type codes, the migration's source.
nonisolated(unsafe) let smallStoredRun: Result<(ScratchDirectory, String), Error> = Result {
    let dir = try ScratchDirectory()
    var options = ExtractGenerator.Options(rows: 20_000)
    options.trusts = 4
    let extract = dir.path("x.csv.gz")
    try ExtractGenerator(options: options).write(to: extract)
    _ = try NightlyIngest(options: IngestOptions(files: [extract]), databasePath: dir.path("d.sqlite")).run()
    return (dir, dir.path("d.sqlite"))
}

func ingest(_ files: [String], asOf: String? = nil, inflater: InflaterKind = .isal, chunkSize: Int = 4 << 20,
            workers: Int = 2, maxRejected: Double = 100, mapping: ColumnMapping = .init()) throws -> IngestResult {
    var options = IngestOptions(files: files, workers: workers, inflater: inflater, mapping: mapping, chunkSize: chunkSize,
                                maxRejectedPercent: maxRejected)
    options.asOf = try asOf.map(Timestamps.parseArgument)
    return try IngestPipeline(options: options).run()
}

/// Whole-run figures per trust × type, merged from the weekly cells.
func wholeRun(_ result: IngestResult) throws -> [String: SummaryRow] {
    var merged: [String: (String, LetterType, CellSummary)] = [:]
    for (id, cell) in try result.cells {
        let key = "\(id.trust)/\(id.type.name)"
        var entry = merged[key] ?? (id.trust, id.type, CellSummary())
        entry.2.merge(cell)
        merged[key] = entry
    }
    return merged.mapValues { SummaryRow(trust: $0.0, type: $0.1, summary: $0.2) }
}

/// Reads the timestamps of generated extracts with Foundation's calendar rather than letterlag's
/// parser, for the slow references the tests check figures against: `yyyy-MM-dd HH:mm:ss` in
/// Europe/London, or with a `±hh:mm` offset, and the clock changes as docs/product.md rules them.
struct ReferenceClock {
    let local = ReferenceClock.formatter("yyyy-MM-dd HH:mm:ss", zone: "Europe/London")
    let offset = ReferenceClock.formatter("yyyy-MM-dd HH:mm:ssxxx", zone: nil)
    /// Dates alone, at UTC midnight.
    let day = ReferenceClock.formatter("yyyy-MM-dd", zone: "UTC")

    static func formatter(_ format: String, zone: String?) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB_POSIX")
        if let zone { f.timeZone = TimeZone(identifier: zone) }
        f.dateFormat = format
        return f
    }

    /// Whether a date is the last Sunday of `month`, when Europe/London changes its clocks.
    func isChange(_ date: Substring, month: String) -> Bool {
        guard date.dropFirst(5).hasPrefix(month), let d = day.date(from: String(date)) else { return false }
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: d)
        return c.weekday == 1 && c.day! + 7 > 31
    }

    /// The instant a field names, or nil for an empty one.
    func instant(_ s: Substring) throws -> Int64? {
        if s.isEmpty { return nil }
        var text = String(s)
        // An hour that happens twice takes its first offset, BST; an hour that never happens
        // moves forward across the gap: both read as written at +01:00 and +00:00.
        if s.count == 19 && s.dropFirst(11).hasPrefix("01:") {
            if isChange(s.prefix(10), month: "10") { text += "+01:00" } else if isChange(s.prefix(10), month: "03") { text += "+00:00" }
        }
        let date = text.count > 19 ? offset.date(from: text) : local.date(from: text)
        return Int64(try #require(date, "cannot read \(s)").timeIntervalSince1970)
    }
}
