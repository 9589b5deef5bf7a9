import Foundation
import Synchronization

/// Finds the rows of a run that repeat a letter (the same trust and letter id), so that only
/// the first in file order counts and the rest are set aside as `duplicate_letter_id`.
///
/// Every row of one letter spilled its key to the same partition, so partitions are checked one
/// at a time, in parallel, each in an open-addressing table of a few MB. Compact keys are exact;
/// wide keys that share a fingerprint are compared byte for byte through the workers' logs, so
/// a collision never sets a letter aside. Nothing is re-read from the extract: a row that is set
/// aside is named by its locator, and `CellAssembler` skips its record, so a file holding every
/// row twice costs about what twice the rows cost. A run without repeats only reads the keys.
enum DuplicateResolver {
    struct Outcome {
        /// Per resolving thread that set rows aside, their records (`LetterKey.record`), by cell partition.
        var dropped: [SpillFile]
        /// The rows set aside, all `duplicate_letter_id`.
        var rejects: RejectTally
    }

    static func resolve(_ workers: [WorkerTally], threads: Int) throws -> Outcome {
        let partitions = workers.first?.keys.partitions ?? 0
        var byNumber = [WorkerTally?](repeating: nil, count: (workers.map(\.worker).max() ?? 0) + 1)
        for w in workers { byNumber[w.worker] = w }
        let shared = Shared(workers: workers, byNumber: byNumber)
        let next = PartitionCounter(0)
        WorkerThreads.run(max(1, threads)) { _ in
            var job = Job(shared: shared)
            while case let p = next.take(), p < partitions {
                do { try job.resolve(partition: p) } catch {
                    shared.fail(error)
                    next.stop()
                    break
                }
            }
            shared.finished(&job)
        }
        return try shared.outcome()
    }

    /// The workers' tallies, read by every thread, and what the threads hand back, behind one lock.
    private final class Shared: Sendable {
        let workers: [WorkerTally]
        let byNumber: [WorkerTally?]
        let recordPartitions: Int
        let directory: String
        private let state = Mutex<(failure: Error?, dropped: [SpillFile], rejects: RejectTally)>((nil, [], RejectTally()))

        init(workers: [WorkerTally], byNumber: [WorkerTally?]) {
            self.workers = workers
            self.byNumber = byNumber
            recordPartitions = workers.first?.recordPartitions ?? 1
            directory = workers.first?.keys.directory ?? TemporaryFile.defaultDirectory
        }

        func fail(_ error: Error) { state.withLock { if $0.failure == nil { $0.failure = error } } }

        func finished(_ job: inout Job) {
            do { try job.dropped?.finish() } catch { fail(error) }
            let (dropped, rejects) = (job.dropped, job.rejects)
            state.withLock { s in
                if let dropped { s.dropped.append(dropped) }
                s.rejects.merge(rejects)
            }
        }

        func outcome() throws -> Outcome {
            let s = state.withLock { ($0.failure, $0.dropped, $0.rejects) }
            if let failure = s.0 { throw failure }
            return Outcome(dropped: s.1, rejects: s.2)
        }
    }

    /// One thread's state; its arrays are kept from partition to partition, since allocated
    /// afresh their pages would be mapped, faulted in and unmapped each time.
    private struct Job {
        let shared: Shared
        var dropped: SpillFile?
        var rejects = RejectTally()
        var words: [UInt64] = []
        /// The partition's rows: key (or fingerprint), locator, chunk, and for wide keys the log offset.
        var keys: [UInt64] = []
        var locators: [UInt64] = []
        var chunks: [Int] = []
        var logged: [UInt64] = []
        var slotKey: [UInt64] = []
        var slotFirst: [UInt32] = []
        var slotEarliest: [UInt32] = []
        /// Rows whose key an earlier row in the table had: (slot, row).
        var hits: [(slot: Int, row: Int)] = []

        init(shared: Shared) { self.shared = shared }

        mutating func resolve(partition p: Int) throws {
            if try compactKeysRepeat(partition: p) {
                words.removeAll(keepingCapacity: true)
                for w in shared.workers { try w.keys.read(partition: p, into: &words) }
                rows(stride: 2)
                if group() { try setAsideRepeats(wide: false) }
            }
            words.removeAll(keepingCapacity: true)
            for w in shared.workers { try w.wideKeys?.read(partition: p, into: &words) }
            guard !words.isEmpty else { return }
            rows(stride: 3)
            if group() { try setAsideRepeats(wide: true) }
        }

        /// Whether any compact key of partition `p` comes twice, by a table of bare keys filled
        /// block by block as the spills' key columns are read: the common answer is no, and this is all a run
        /// without repeats pays. No compact key is zero (an id is never empty), so zero marks an
        /// empty slot.
        private mutating func compactKeysRepeat(partition p: Int) throws -> Bool {
            let rows = shared.workers.reduce(0) { $0 + $1.keys.count(of: p) } / 2
            var size = 16
            while size * 3 < rows * 4 { size <<= 1 }
            let mask = size - 1
            slotKey.removeAll(keepingCapacity: true)
            slotKey.append(contentsOf: repeatElement(0, count: size))
            var found = false
            try slotKey.withUnsafeMutableBufferPointer { slots in
                for w in shared.workers where !found {
                    try w.keys.forEachFirstColumn(partition: p) { block in
                        var i = 0
                        while i < block.count && !found {
                            let k = block[i]
                            i += 1
                            if k == LetterKey.marker { continue }
                            var s = Int(truncatingIfNeeded: LetterKey.mix(k)) & mask
                            while true {
                                let t = slots[s]
                                if t == 0 { slots[s] = k; break }
                                if t == k { found = true; break }
                                s = (s + 1) & mask
                            }
                        }
                    }
                }
            }
            return found
        }

        /// Turns the spilled words (rows, each chunk's run led by a marker) into the row arrays.
        private mutating func rows(stride: Int) {
            let capacity = words.count / stride
            for array in [\Job.keys, \Job.locators, \Job.logged] {
                self[keyPath: array].removeAll(keepingCapacity: true)
                self[keyPath: array].append(contentsOf: repeatElement(0, count: capacity))
            }
            chunks.removeAll(keepingCapacity: true)
            chunks.append(contentsOf: repeatElement(0, count: capacity))
            var m = 0
            words.withUnsafeBufferPointer { words in
                keys.withUnsafeMutableBufferPointer { keys in
                    locators.withUnsafeMutableBufferPointer { locators in
                        chunks.withUnsafeMutableBufferPointer { chunks in
                            logged.withUnsafeMutableBufferPointer { logged in
                                var chunk = 0
                                var i = 0
                                while i < words.count {
                                    if words[i] == LetterKey.marker && (stride == 2 || words[i + 2] == LetterKey.marker) {
                                        chunk = Int(words[i + 1])
                                    } else {
                                        keys[m] = words[i]
                                        locators[m] = words[i + 1]
                                        chunks[m] = chunk
                                        if stride == 3 { logged[m] = words[i + 2] }
                                        m += 1
                                    }
                                    i += stride
                                }
                            }
                        }
                    }
                }
            }
            keys.removeLast(capacity - m)
            locators.removeLast(capacity - m)
            chunks.removeLast(capacity - m)
            logged.removeLast(capacity - m)
        }

        /// Puts every row's key in the table; true when some key came more than once.
        private mutating func group() -> Bool {
            let m = keys.count
            var size = 16
            while size * 3 < m * 4 { size <<= 1 }
            let mask = size - 1
            // A slot is empty while its first row is UInt32.max, so any key, zero too, can be held.
            slotKey.removeAll(keepingCapacity: true)
            slotKey.append(contentsOf: repeatElement(0, count: size))
            slotFirst.removeAll(keepingCapacity: true)
            slotFirst.append(contentsOf: repeatElement(UInt32.max, count: size))
            slotEarliest.removeAll(keepingCapacity: true)
            slotEarliest.append(contentsOf: repeatElement(UInt32.max, count: size))
            hits.removeAll(keepingCapacity: true)
            keys.withUnsafeBufferPointer { keys in
                slotKey.withUnsafeMutableBufferPointer { slotKey in
                    slotFirst.withUnsafeMutableBufferPointer { slotFirst in
                        for i in 0..<m {
                            let k = keys[i]
                            var s = Int(truncatingIfNeeded: LetterKey.mix(k)) & mask
                            while true {
                                if slotFirst[s] == UInt32.max {
                                    slotKey[s] = k
                                    slotFirst[s] = UInt32(i)
                                    break
                                }
                                if slotKey[s] == k {
                                    hits.append((s, i))
                                    break
                                }
                                s = (s + 1) & mask
                            }
                        }
                    }
                }
            }
            return !hits.isEmpty
        }

        @inline(__always)
        private func before(_ a: Int, _ b: Int) -> Bool {
            (chunks[a], LetterKey.line(locators[a])) < (chunks[b], LetterKey.line(locators[b]))
        }

        /// Of each key that several rows share, every row but the earliest is set aside.
        private mutating func setAsideRepeats(wide: Bool) throws {
            if wide { return try setAsideWideRepeats() }
            for (s, i) in hits {
                if slotEarliest[s] == UInt32.max { slotEarliest[s] = slotFirst[s] }
                if before(i, Int(slotEarliest[s])) { slotEarliest[s] = UInt32(i) }
            }
            for (s, i) in hits where slotEarliest[s] != UInt32(i) { try setAside(i) }
            // Each shared key's first row, once: clearing its earliest mark records that it was looked at.
            for (s, _) in hits where slotEarliest[s] != UInt32.max {
                if slotEarliest[s] != slotFirst[s] { try setAside(Int(slotFirst[s])) }
                slotEarliest[s] = UInt32.max
            }
        }

        /// Wide rows whose fingerprints meet: grouped again by their exact trust and id.
        private mutating func setAsideWideRepeats() throws {
            var members: [Int: [Int]] = [:]
            for (s, i) in hits { members[s, default: [Int(slotFirst[s])]].append(i) }
            for (_, group) in members {
                var earliest: [[UInt8]: Int] = [:]
                var idOf: [[UInt8]] = []
                for i in group {
                    let worker = LetterKey.worker(ofRecord: LetterKey.record(locators[i]))
                    guard let log = shared.byNumber[worker]?.longIDs else {
                        throw LetterlagError.spill("a repeated letter names worker \(worker), which spilled nothing")
                    }
                    let id = try log.bytes(at: logged[i])
                    idOf.append(id)
                    if let e = earliest[id], before(e, i) { continue }
                    earliest[id] = i
                }
                for (n, i) in group.enumerated() where earliest[idOf[n]] != i { try setAside(i) }
            }
        }

        private mutating func setAside(_ i: Int) throws {
            let place = RejectTally.Place(chunk: chunks[i], line: LetterKey.line(locators[i]))
            rejects.add(.duplicateLetterID, at: place)
            if dropped == nil {
                dropped = try SpillFile(partitions: shared.recordPartitions, directory: shared.directory)
            }
            dropped!.append(LetterKey.record(locators[i]), to: LetterKey.partition(locators[i]))
        }
    }
}
