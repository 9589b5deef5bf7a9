import LetterlagKit

/// Counts what the parser hands over, to check that no row is lost or counted twice.
struct CountingSink: RowSink {
    var accepted = 0
    var rejected = 0
    var hours: [Int64] = []

    mutating func accept(_ row: ParsedRow, line: Int) {
        accepted += 1
        if row.arrival.status == .ok { hours.append((row.arrival.utc - row.event.utc) / 3600) }
        precondition(row.event.status == .ok, "an accepted row must have an event time")
        precondition(row.arrival.status != .ok || row.arrival.utc >= row.event.utc, "negative delay accepted")
    }

    mutating func reject(_ reason: RejectReason, line: Int) { rejected += 1 }
}

let layout = try! ExtractLayout(header: CanonicalColumn.allCases.map(\.name), mapping: ColumnMapping(), path: "fuzz")
let parser = RowParser(layout: layout, asOf: nil)

/// libFuzzer's entry: the bytes are CSV rows after a canonical header.
///
/// Invariants: parsing never traps; one chunk and the same bytes cut at a row boundary give
/// the same rows; every timestamp parse ends in a defined status.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var whole = CountingSink()
    parser.parse(bytes, into: &whole)

    let cut = RowBoundary.wholeRows(UnsafeRawBufferPointer(bytes))
    var split = CountingSink()
    parser.parse(UnsafeBufferPointer(rebasing: bytes[0..<cut]), into: &split)
    parser.parse(UnsafeBufferPointer(rebasing: bytes[cut...]), into: &split)
    precondition(whole.accepted == split.accepted && whole.rejected == split.rejected && whole.hours == split.hours,
                 "cutting at a row boundary changed the rows")

    let stamp = TimestampParser().parse(data, 0, min(size, 64))
    if stamp.status == .ok { precondition(stamp.local - stamp.utc >= -19 * 3600 && stamp.local - stamp.utc <= 19 * 3600) }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM renames an executable's `main` to `<target>_main` on Linux; this one hands over to libFuzzer.
@_cdecl("ParserFuzz_main")
public func parserFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data, size > 0 else { return 0 }
        return fuzz(data, size)
    }
}
