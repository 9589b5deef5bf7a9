import Foundation
import Testing
@testable import LetterlagKit

@Suite struct GzipSourceTests {
    /// Reads a whole source through a buffer of `size` bytes starting `skew` bytes past a 64-byte boundary.
    func readAll(_ path: String, _ kind: InflaterKind, bufferSize size: Int = 10_000, skew: Int = 0) throws -> [UInt8] {
        var source = try ExtractReader.open(path: path, inflater: kind, inputSize: 4096)
        var out: [UInt8] = []
        let whole = UnsafeMutableRawBufferPointer.allocate(byteCount: size + skew, alignment: 64)
        defer { whole.deallocate() }
        let buffer = UnsafeMutableRawBufferPointer(rebasing: whole[skew...])
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    func sample(_ size: Int) -> [UInt8] {
        var rng = SplitMix64(seed: UInt64(size))
        return (0..<size).map { _ in UInt8(ascii: "a") + UInt8(rng.next() % 6) }
    }

    /// Reads may span members and be far larger or smaller than the input buffer, at any alignment.
    @Test(arguments: [InflaterKind.isal, .zlib])
    func concatenatedMembersReadAsOneStream(kind: InflaterKind) throws {
        let dir = try ScratchDirectory()
        let parts = [sample(700_001), sample(1), sample(0), sample(123_457)]
        let path = try dir.write("multi.gz", parts.flatMap { GzipWriter.member($0) })
        let expected = parts.flatMap { $0 }
        for (size, skew) in [(10_000, 0), (1 << 20, 0), (300_001, 1), (4096, 63), (65, 5)] {
            #expect(try readAll(path, kind, bufferSize: size, skew: skew) == expected, "buffer \(size) at +\(skew)")
        }
    }

    @Test func isalAndZlibGiveIdenticalBytes() throws {
        let dir = try ScratchDirectory()
        var options = ExtractGenerator.Options(rows: 120_000)
        options.trusts = 7
        let path = dir.path("x.csv.gz")
        try ExtractGenerator(options: options).write(to: path)
        let a = try readAll(path, .isal), b = try readAll(path, .zlib)
        #expect(a.count > 1_000_000)
        #expect(a == b)
        let x = try ingest([path], inflater: .isal), y = try ingest([path], inflater: .zlib)
        #expect(try x.cells == y.cells)
    }

    @Test(arguments: [InflaterKind.isal, .zlib])
    func damagedGzipFailsWithFileAndPlace(kind: InflaterKind) throws {
        let dir = try ScratchDirectory()
        let good = GzipWriter.member(Array((canonicalHeader + "\n" + row("L1", event: "2020-01-14 09:32:00") + "\n").utf8) + sample(200_000))
        let cases: [(String, [UInt8], String)] = [
            ("truncated.csv.gz", Array(good.prefix(good.count / 2)), "truncated"),
            ("notgzip.csv.gz", Array((canonicalHeader + "\n").utf8), "not a gzip file"),
            ("empty.csv.gz", [], "empty"),
            ("crc.csv.gz", Array(good.prefix(good.count - 8)) + [1, 2, 3, 4] + Array(good.suffix(4)), "CRC"),
        ]
        for (name, bytes, words) in cases {
            let path = try dir.write(name, bytes)
            do {
                _ = try ingest([path], inflater: kind)
                Issue.record("\(name) was accepted")
            } catch let error as LetterlagError {
                guard case let .unreadableFile(p, place, reason) = error else { Issue.record("\(error)"); continue }
                #expect(p == path)
                #expect(place.hasPrefix("byte") || place.hasPrefix("line"))
                #expect(reason.contains(words), "\(name): \(reason)")
            }
        }
    }

    @Test func anEmptyPlainFileFails() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("empty.csv", "")
        let empty = #expect(throws: LetterlagError.self) { try ingest([path]) }
        if case .unreadableFile(path, _, _)? = empty {} else { Issue.record("expected the file named unreadable, got \(String(describing: empty))") }
    }
}
