import Foundation
import Testing

/// A checkout anyone can build, test and benchmark: whatever its folder is called, and with
/// nothing in it that points at this machine.
@Suite(.tags(.slow), .skippedWhenQuick) struct CheckoutTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ command: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aCloneNamedLetterlagResolvesTheBenchmarkAndFuzzPackages() throws {
        let dir = try ScratchDirectory()
        let clone = dir.url.appendingPathComponent("letterlag")
        let cloned = try Self.run(["git", "clone", "-q", Self.root.path, clone.path], in: dir.url)
        #expect(cloned.status == 0, "\(cloned.output)")
        for (package, product) in [("Benchmarks", "LetterlagBenchmarks"), ("Fuzz", "ParserFuzz")] {
            let described = try Self.run(["swift", "package", "--package-path", package, "describe"], in: clone)
            #expect(described.status == 0, "\(package): \(described.output)")
            #expect(described.output.contains(product), "\(package): \(described.output)")
        }
    }

    @Test func noSymbolicLinkIsCommitted() throws {
        let files = try Self.run(["git", "ls-files", "-s"], in: Self.root)
        #expect(files.status == 0)
        let links = files.output.split(separator: "\n").filter { $0.hasPrefix("120000 ") }
        #expect(links.isEmpty, "\(links)")
    }
}
