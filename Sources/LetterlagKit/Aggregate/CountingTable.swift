/// An open-addressing hash table from 64-bit keys to 32-bit values, for the per-row hot path.
///
/// Swift's `Dictionary` hashes with SipHash and checks uniqueness on every write; this table
/// uses a multiplicative hash and linear probing over flat arrays, which is several times
/// faster for the small integer keys the aggregator uses. Key `UInt64.max` is reserved.
struct CountingTable: Sendable {
    private(set) var keys: [UInt64]
    private(set) var values: [UInt32]
    private(set) var count = 0
    private var mask: Int

    static let vacant = UInt64.max

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: Self.vacant, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    /// The slot holding `key`, inserting it with value 0 when absent; `inserted` says which.
    @inline(__always)
    mutating func slot(for key: UInt64, inserted: inout Bool) -> Int {
        var i = Self.hash(key) & mask
        while true {
            let k = keys[i]
            if k == key { inserted = false; return i }
            if k == Self.vacant {
                if (count + 1) * 4 > keys.count * 3 {
                    grow()
                    return slot(for: key, inserted: &inserted)
                }
                keys[i] = key
                count += 1
                inserted = true
                return i
            }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    mutating func add(_ key: UInt64, _ amount: UInt32 = 1) {
        var inserted = false
        let i = slot(for: key, inserted: &inserted)
        values[i] &+= amount
    }

    @inline(__always)
    func value(at slot: Int) -> UInt32 { values[slot] }

    @inline(__always)
    mutating func setValue(_ value: UInt32, at slot: Int) { values[slot] = value }

    @inline(never)
    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: Self.vacant, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != Self.vacant {
            var inserted = false
            let i = slot(for: k, inserted: &inserted)
            values[i] = v
        }
    }

    /// Every (key, value) pair, in no particular order.
    func forEach(_ body: (UInt64, UInt32) -> Void) {
        for (k, v) in zip(keys, values) where k != Self.vacant { body(k, v) }
    }
}
