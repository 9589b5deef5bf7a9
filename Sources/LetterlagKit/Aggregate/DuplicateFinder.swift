import Foundation

/// Finds letter-id fingerprints that occur more than once in a run.
///
/// Fingerprints are 64-bit hashes, uniformly spread, so a counting scatter on their top bits
/// splits them into small groups that sort in cache; this is several times faster than one
/// big sort. A fingerprint found twice only marks rows for a second, exact look.
public enum DuplicateFinder {
    /// FNV-1a over the bytes, then a MurmurHash3 finaliser so the top bits are well mixed.
    @inline(__always)
    public static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    /// The fingerprints that appear more than once across all the lists.
    public static func repeated(in lists: [[UInt64]]) -> Set<UInt64> {
        let total = lists.reduce(0) { $0 + $1.count }
        guard total > 1 else { return [] }
        let bits = max(1, min(16, (total / 2048).bitWidth - (total / 2048).leadingZeroBitCount))
        let groups = 1 << bits
        let shift = UInt64(64 - bits)
        var starts = [Int](repeating: 0, count: groups + 1)
        for list in lists { for f in list { starts[Int(f >> shift) + 1] += 1 } }
        for g in 0..<groups { starts[g + 1] += starts[g] }
        var cursor = starts
        var scattered = [UInt64](repeating: 0, count: total)
        for list in lists {
            for f in list {
                let g = Int(f >> shift)
                scattered[cursor[g]] = f
                cursor[g] += 1
            }
        }
        let found = FoundSet()
        let bounds = starts
        scattered.withUnsafeMutableBufferPointer { all in
            let base = UnsafeMutableBufferPointerBox(all)
            DispatchQueue.concurrentPerform(iterations: min(groups, 64)) { slice in
                var local: [UInt64] = []
                var g = slice
                while g < groups {
                    var part = UnsafeMutableBufferPointer(rebasing: base.buffer[bounds[g]..<bounds[g + 1]])
                    part.sort()
                    var i = 1
                    while i < part.count {
                        if part[i] == part[i - 1] && (local.last != part[i]) { local.append(part[i]) }
                        i += 1
                    }
                    g += 64
                }
                if !local.isEmpty { found.add(local) }
            }
        }
        return found.values
    }

    private final class FoundSet: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values = Set<UInt64>()
        func add(_ list: [UInt64]) {
            lock.lock()
            values.formUnion(list)
            lock.unlock()
        }
    }

    /// Shares a buffer with concurrent workers that each touch a disjoint range of it.
    private struct UnsafeMutableBufferPointerBox: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<UInt64>
        init(_ buffer: UnsafeMutableBufferPointer<UInt64>) { self.buffer = buffer }
    }
}
