import Foundation
import GRDB

/// Removes the runs a `RetentionPolicy` does not keep (`letterlag prune`), keeping every week and
/// month the history still takes from them (docs/schema.md, "History").
///
/// The removal is one immediate transaction, so readers, which use WAL snapshots, see the
/// database before or after it and never wait. Pages freed are reused by later runs; only
/// `vacuum` gives them back to the disk.
public struct RunPruner {
    public let databasePath: String
    /// Seconds to wait for an ingest or another prune on the same database to finish.
    public var lockWait: Double = 600

    public init(databasePath: String) { self.databasePath = databasePath }

    /// Decides each stored run's fate by `policy` and, unless `dryRun`, removes the runs it does not
    /// keep; returns the decisions, newest first. Runs pruned before are not considered again.
    /// Costs a read of the removed runs' rows; `vacuum` then rewrites the whole file.
    public func prune(_ policy: RetentionPolicy, dryRun: Bool, vacuum: Bool = false) throws -> [RetentionPolicy.Decision] {
        guard !policy.isEmpty else {
            throw LetterlagError.badArgument("prune needs a policy: give at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly, --keep-yearly with a number above 0")
        }
        if dryRun {
            let store = try SummaryStore(readingOnly: databasePath)
            return try store.reader.read { db in policy.decide(try Self.candidates(db, path: databasePath)) }
        }
        let lock = try RunLock(databasePath: databasePath, wait: lockWait)
        defer { withExtendedLifetime(lock) {} }
        let store = try SummaryStore(path: databasePath)
        let pool = try store.writer()
        do {
            let decisions = try pool.writeWithoutTransaction { db -> [RetentionPolicy.Decision] in
                try db.beginTransaction(.immediate)
                do {
                    let decisions = policy.decide(try Self.candidates(db, path: databasePath))
                    let now = Timestamps.iso(Date())
                    for d in decisions where !d.kept { try RunHistory.discardSnapshot(run: d.id, prunedAt: now, db) }
                    try db.commit()
                    return decisions
                } catch {
                    try? db.rollback()
                    throw error
                }
            }
            do {
                if vacuum { try pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") } }
            } catch let error as DatabaseError {
                throw SummaryStore.failure(error, path: databasePath, consequence: "; the runs were pruned, but the file was not compacted")
            }
            return decisions
        } catch let error as DatabaseError {
            throw SummaryStore.failure(error, path: databasePath, consequence: "; nothing was pruned")
        }
    }

    /// The runs still whole, as the policy sees them.
    private static func candidates(_ db: Database, path: String) throws -> [RetentionPolicy.Candidate] {
        var candidates: [RetentionPolicy.Candidate] = []
        try StatementRow.forEach(in: db, "SELECT id, as_of FROM runs WHERE pruned_at IS NULL ORDER BY id") { row in
            guard let asOf = Timestamps.parseStored(row.text(1)) else {
                throw LetterlagError.database(path: path, reason: "run \(row.int64(0)) has an as-of time '\(row.text(1))' that this letterlag cannot read", statement: nil)
            }
            candidates.append(.init(id: row.int64(0), asOf: asOf))
        }
        return candidates
    }
}
