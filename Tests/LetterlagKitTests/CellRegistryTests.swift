import Testing
@testable import LetterlagKit

struct CellRegistryTests {
    @Test func everyWeekOfATrustAndTypeIsNumberedInOnePartitionDenselyInOrderOfFirstSight() throws {
        let registry = CellRegistry(partitions: 16)
        var seen: [TrustTypePair: Int] = [:]
        var perPartition = [Int](repeating: 0, count: 16)
        for week in 2_800..<2_860 {
            for trust in [1, 7, 300, 46_000] {
                for type in 0..<4 {
                    let key = CellKey(trust: trust, type: type, week: week)
                    let n = Int(try registry.number(of: key))
                    let partition = n & 15, local = n >> 4
                    #expect(partition == registry.partition(of: key.pair))
                    if let p = seen[key.pair] { #expect(p == partition) }
                    seen[key.pair] = partition
                    #expect(local == perPartition[partition])
                    perPartition[partition] += 1
                    #expect(try registry.number(of: key) == UInt32(n))
                }
            }
        }
        for p in 0..<16 {
            let keys = registry.keys(inPartition: p)
            #expect(keys.count == perPartition[p])
            #expect(keys.allSatisfy { registry.partition(of: $0.pair) == p })
        }
        #expect(registry.count == 60 * 16)
        #expect(Set(seen.values).count > 1, "16 trust × types should not all hash to one partition")
    }
}

@Suite struct LetterTypeWidthTests {
    @Test func theLetterTypesFitTheirBits() {
        #expect(LetterType.allCases.count <= 1 << LetterType.bits, "a new letter type needs LetterType.bits raised")
        #expect(LetterType.bits <= 4, "CellKey keeps a letter type in 4 bits")
        for type in LetterType.allCases {
            for trust in [0, 1, 46_655, CellRegistry.fastTrustCodes + CellRegistry.otherTrustLimit - 1] {
                let pair = TrustTypePair(trust: trust, type: type.rawValue)
                #expect(pair.trust == trust && pair.type == type.rawValue && TrustTypePair(raw: pair.raw) == pair)
                let key = CellKey(trust: trust, type: type.rawValue, week: -3)
                #expect(key.trust == trust && key.type == type.rawValue && key.week == -3 && key.pair == pair)
            }
        }
    }
}
