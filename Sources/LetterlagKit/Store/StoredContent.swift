import GRDB

/// Content keys of stored files, so that a file already ingested is refused before it is read.
extension SummaryStore {
    /// For each of these content keys already stored, the earliest run holding it.
    /// Which of `sizes` some stored file has; a file of any other size cannot be stored content.
    public func storedSizes(among sizes: [Int]) throws -> Set<Int> {
        try read { db in
            // ':' sorts just before ';', so each size's keys are one range of the content_key index.
            try Set(sizes.filter { size in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM run_files WHERE content_key >= ? AND content_key < ?)",
                                  arguments: ["\(size):", "\(size);"]) ?? false
            })
        }
    }

    public func runs(holding keys: [String]) throws -> [String: Int64] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT content_key, min(run_id) AS run FROM run_files
                WHERE content_key IN (\(keys.map { _ in "?" }.joined(separator: ","))) GROUP BY content_key
                """, arguments: StatementArguments(keys))
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["content_key"], $0["run"]) })
        }
    }
}
