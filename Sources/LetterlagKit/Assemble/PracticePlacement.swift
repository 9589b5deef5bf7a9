/// A stable counting sort of `PracticeRecord`s by a small key: a flow for `PracticeAssembler`, a
/// month slot for `PracticeMonths`. The records of the chosen keys are copied into `records` in
/// the keys' order, each key's in the order they came. Its arrays are kept from call to call, so
/// placing a partition or a practice × type allocates nothing once they are grown.
struct PracticePlacement {
    /// The placed records, two words each.
    private(set) var records: [UInt64] = []
    /// Where each key's next record goes, in words; -1 for a key not being placed.
    private var cursor: [Int] = []

    /// Places the records `source` visits, each with its key, whose key is one of `keys`;
    /// `counts[key]` is how many records that key has, and `letters` their sum. Costs a pass over
    /// what `source` visits and a write of the placed records.
    mutating func place(_ keys: some Collection<Int>, counts: [Int], letters: Int,
                        _ source: ((Int, UInt64, UInt64) -> Void) throws -> Void) rethrows {
        if cursor.count < counts.count { cursor = [Int](repeating: -1, count: counts.count) }
        var at = 0
        for key in keys {
            cursor[key] = at
            at += counts[key] * PracticeRecord.words
        }
        defer { for key in keys { cursor[key] = -1 } }
        records.removeAll(keepingCapacity: true)
        records.append(contentsOf: repeatElement(0, count: letters * PracticeRecord.words))
        try cursor.withUnsafeMutableBufferPointer { cursor in
            try records.withUnsafeMutableBufferPointer { records in
                try source { key, first, stage in
                    let to = cursor[key]
                    guard to >= 0 else { return }
                    records[to] = first
                    records[to + 1] = stage
                    cursor[key] = to + PracticeRecord.words
                }
            }
        }
    }

    /// Lets go of a records array grown past `words`.
    mutating func shrink(keeping words: Int) {
        if records.capacity > words { records = [] }
    }
}
