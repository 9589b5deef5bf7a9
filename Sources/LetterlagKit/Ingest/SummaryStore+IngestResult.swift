import Foundation

extension SummaryStore {
    /// Stores an ingest's run: its record, and its cells assembled batch by batch as they are
    /// written (`store(_:rows:contentKeys:replacing:startedAt:)`).
    public func store(_ result: IngestResult, contentKeys: [String], replacing: Bool = false, startedAt: Date) throws -> Int64 {
        try store(result.record, rows: result.assembler, contentKeys: contentKeys, replacing: replacing, startedAt: startedAt)
    }
}
