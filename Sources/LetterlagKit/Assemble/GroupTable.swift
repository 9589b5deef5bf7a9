/// Group keys to dense group numbers, by linear probing in a power-of-two table kept at most
/// half full, which stays in cache where a `Dictionary` cost a hash and a miss per letter.
/// It grows with the distinct keys seen, not the letters, so a trust's few thousand practices
/// need a small table however many letters they have.
struct GroupTable {
    private var slots: [UInt64] = []
    private var numbers: [UInt32] = []
    /// The keys, by group number.
    private(set) var keys: [UInt64] = []
    private var mask = 0
    private static let empty = UInt64.max
    private static let initialCapacity = 1024

    var count: Int { keys.count }

    /// Empties the table. Its arrays are kept, and a larger table clears only what it uses when
    /// it grows again, so group after group reuses their pages rather than mapping fresh ones.
    mutating func reset() {
        if slots.isEmpty {
            slots = [UInt64](repeating: Self.empty, count: Self.initialCapacity)
            numbers = [UInt32](repeating: 0, count: Self.initialCapacity)
        } else {
            slots.withUnsafeMutableBufferPointer { s in
                for i in 0..<Self.initialCapacity { s[i] = Self.empty }
            }
        }
        mask = Self.initialCapacity - 1
        keys.removeAll(keepingCapacity: true)
    }

    /// The group number of `key` (never `UInt64.max`), numbering it when new.
    @inline(__always)
    mutating func index(of key: UInt64) -> UInt32 {
        var i = Self.slot(key) & mask
        while true {
            let k = slots[i]
            if k == key { return numbers[i] }
            if k == Self.empty {
                let n = UInt32(keys.count)
                keys.append(key)
                if 2 * keys.count > mask + 1 {
                    grow()
                } else {
                    slots[i] = key
                    numbers[i] = n
                }
                return n
            }
            i = (i + 1) & mask
        }
    }

    /// The group number of a key already numbered, without numbering anything: for a second
    /// pass over keys the first pass numbered.
    @inline(__always)
    func number(of key: UInt64) -> UInt32 {
        var i = Self.slot(key) & mask
        while slots[i] != key {
            precondition(slots[i] != Self.empty, "the key was numbered")
            i = (i + 1) & mask
        }
        return numbers[i]
    }

    @inline(__always)
    private static func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) }

    /// Doubles the table and places every key again, the newest included.
    private mutating func grow() {
        let capacity = 2 * (mask + 1)
        if slots.count < capacity {
            slots = [UInt64](repeating: Self.empty, count: capacity)
            numbers = [UInt32](repeating: 0, count: capacity)
        } else {
            slots.withUnsafeMutableBufferPointer { s in
                for i in 0..<capacity { s[i] = Self.empty }
            }
        }
        mask = capacity - 1
        for (n, key) in keys.enumerated() {
            var i = Self.slot(key) & mask
            while slots[i] != Self.empty { i = (i + 1) & mask }
            slots[i] = key
            numbers[i] = UInt32(n)
        }
    }
}
