import Foundation
import Testing
@testable import LetterlagKit

@Suite struct ExtractGeneratorTests {
    func generate(_ dir: ScratchDirectory, _ name: String, seed: UInt64, workers: Int) throws -> Data {
        var options = ExtractGenerator.Options(rows: 120_000)
        options.seed = seed
        options.workers = workers
        try ExtractGenerator(options: options).write(to: dir.path(name))
        return try Data(contentsOf: URL(fileURLWithPath: dir.path(name)))
    }

    @Test func theSameSeedGivesTheSameFileWhateverTheThreadCount() throws {
        let dir = try ScratchDirectory()
        let a = try generate(dir, "a.csv.gz", seed: 5, workers: 1)
        let b = try generate(dir, "b.csv.gz", seed: 5, workers: 4)
        let c = try generate(dir, "c.csv.gz", seed: 6, workers: 1)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func extractsLookLikeTheRealThing() throws {
        let dir = try ScratchDirectory()
        var options = ExtractGenerator.Options(rows: 50_000)
        options.trusts = 15
        try ExtractGenerator(options: options).write(to: dir.path("x.csv"))
        let lines = try String(contentsOfFile: dir.path("x.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 50_000)
        // Away from the as-of time, about 3% are never sent and 2% sent but never received.
        let settled = rows.filter { $0[6] < "2024-09-01" }
        let unsent = Double(settled.filter { $0[7].isEmpty }.count) / Double(settled.count)
        let unreceived = Double(settled.filter { !$0[7].isEmpty && $0[8].isEmpty }.count) / Double(settled.count)
        // The heavy tail (up to 400 days) keeps some early letters unsent at the as-of time too.
        #expect(unsent > 0.025 && unsent < 0.045, "\(unsent)")
        #expect(unreceived > 0.015 && unreceived < 0.026, "\(unreceived)")
        #expect(rows.filter { $0[7].isEmpty }.count > settled.filter { $0[7].isEmpty }.count)  // and late ones are blank
        #expect(Set(rows.map { $0[1] }).count == 15)
        #expect(rows.allSatisfy { $0[1].count == 3 && $0[1].first == "R" })
        #expect(rows.allSatisfy { $0[3].range(of: #"^[A-Z]\d{5}$"#, options: .regularExpression) != nil })
        #expect(rows.allSatisfy { $0[2].isEmpty || ($0[2].count == 5 && $0[2].hasPrefix($0[1])) })
        let result = try ingest([dir.path("x.csv")])
        let rowsByType = try wholeRun(result).values
        let clinic = rowsByType.filter { $0.type == .clinicLetter }.compactMap(\.p50Hours)
        let discharge = rowsByType.filter { $0.type == .dischargeSummary }.compactMap(\.p50Hours)
        #expect(clinic.min()! > discharge.max()! / 2)          // clinic letters take days, discharges hours
        #expect(Set(clinic.map { Int($0) }).count > 5)          // each trust has its own distribution
    }
}
