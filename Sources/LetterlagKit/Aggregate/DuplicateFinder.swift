import Foundation

/// Finds letter-id fingerprints that occur more than once in a run.
///
/// Fingerprints are 64-bit hashes, uniformly spread, so workers spill them by their top bits
/// into partitions small enough to check in cache, and partitions are checked in parallel.
/// A fingerprint found twice only marks rows for a second, exact look.
public enum DuplicateFinder {
    /// Eight bytes at a time (the last word overlapping the one before), mixed by multiply and
    /// rotate with the length, then a MurmurHash3 finaliser so the top bits are well mixed.
    @inline(__always)
    public static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(n)
        @inline(__always) func mix(_ word: UInt64) {
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
            h = (h << 29) | (h >> 35)
        }
        if n >= 8, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 < n {
                mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            mix(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        } else {
            var word: UInt64 = 0
            for (i, b) in bytes.enumerated() { word |= UInt64(b) << UInt64(8 * i) }
            mix(word)
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    /// The fingerprints that appear more than once across all the lists.
    public static func repeated(in lists: [[UInt64]]) -> Set<UInt64> {
        var table: [UInt64] = []
        return repeats(in: lists.flatMap { $0 }, table: &table)
    }

    /// The fingerprints spilled to `partitions` of the files that appear more than once.
    static func repeated(in spills: [SpillFile], partitions: Range<Int>, workers: Int) throws -> Set<UInt64> {
        let found = FoundSet()
        let next = PartitionCounter(partitions.lowerBound)
        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
            var values: [UInt64] = []
            var table: [UInt64] = []
            while case let p = next.take(), p < partitions.upperBound {
                values.removeAll(keepingCapacity: true)
                do {
                    for spill in spills { try spill.read(partition: p, into: &values) }
                } catch {
                    found.fail(error)
                    return
                }
                let repeats = Self.repeats(in: values, table: &table)
                if !repeats.isEmpty { found.add(repeats) }
            }
        }
        return try found.result()
    }

    /// The values that occur more than once, by an open-addressing set at most three quarters full.
    ///
    /// `table` is the caller's to keep from call to call: allocated afresh each time, its pages
    /// would be mapped, faulted in and unmapped for every partition.
    static func repeats(in values: [UInt64], table: inout [UInt64]) -> Set<UInt64> {
        var size = 16
        while size * 3 < values.count * 4 { size <<= 1 }
        let mask = size - 1
        table.removeAll(keepingCapacity: true)
        table.append(contentsOf: repeatElement(0, count: size))
        var zeros = 0
        var result = Set<UInt64>()
        table.withUnsafeMutableBufferPointer { slots in
            for v in values {
                if v == 0 { zeros += 1; continue }
                // The top bits chose the partition, so the low bits pick the slot.
                var i = Int(truncatingIfNeeded: (v &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
                while true {
                    let k = slots[i]
                    if k == 0 { slots[i] = v; break }
                    if k == v { result.insert(v); break }
                    i = (i + 1) & mask
                }
            }
        }
        if zeros > 1 { result.insert(0) }
        return result
    }

    private final class FoundSet: @unchecked Sendable {
        private let lock = NSLock()
        private var values = Set<UInt64>()
        private var failure: Error?
        func add(_ found: Set<UInt64>) { lock.withLock { values.formUnion(found) } }
        func fail(_ error: Error) { lock.withLock { if failure == nil { failure = error } } }
        func result() throws -> Set<UInt64> {
            try lock.withLock {
                if let failure { throw failure }
                return values
            }
        }
    }
}
