import Testing
@testable import LetterlagKit

@Suite struct GroupTableTests {
    @Test func groupNumbersMatchADictionaryThroughGrowthAndResetsOfEverySize() {
        var table = GroupTable()
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 1
        }
        // Large, small, larger and empty groups in turn: a reset after growth must forget every
        // slot the larger table used, though it keeps the table's pages.
        for distinct in [5_000, 3, 1_024, 513, 20_000, 0, 1, 700] {
            table.reset()
            var reference: [UInt64: UInt32] = [:]
            let keys = (0..<distinct).map { _ in next() }
            for round in 0..<3 {
                for key in keys.shuffled() {
                    let n = table.index(of: key)
                    if round == 0 && reference[key] == nil { reference[key] = UInt32(reference.count) }
                    #expect(n == reference[key], "\(distinct) keys: \(key) got \(n)")
                }
            }
            #expect(table.count == reference.count)
            #expect(table.keys.enumerated().allSatisfy { reference[$0.element] == UInt32($0.offset) })
        }
    }
}
