import Foundation
import GRDB
import Testing
@testable import LetterlagKit

@Suite struct SchemaDocsTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/schema.md")

    static var queries: [String] {
        guard let text = try? String(contentsOf: docs, encoding: .utf8) else { return [] }
        return text.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func theDocsHoldExampleQueries() { #expect(Self.queries.count >= 6) }

    @Test func theSchemaAndTheCommandsListEveryReasonARowIsSetAside() throws {
        let commands = Self.docs.deletingLastPathComponent().appendingPathComponent("commands.md")
        for file in [Self.docs, commands] {
            let text = try String(contentsOf: file, encoding: .utf8)
            // The list where the reasons are named, up to the first blank line after it.
            let list = try #require(text.range(of: "`wrong_field_count`").map { text[$0.lowerBound...].components(separatedBy: "\n\n")[0] })
            for reason in RejectReason.allCases { #expect(list.contains("`\(reason.name)`"), "\(file.lastPathComponent) lacks \(reason.name)") }
        }
    }


    @Test(arguments: queries)
    func everyDocumentedQueryRunsAndAnswers(sql: String) throws {
        let (_, path) = try smallStoredRun.get()
        // Through letterlag's read-only connection, which has the histogram functions.
        let store = try SummaryStore(readingOnly: path)
        let rows = try store.reader.read { try Row.fetchAll($0, sql: sql) }
        #expect(!rows.isEmpty, "\(sql)")
    }
}
