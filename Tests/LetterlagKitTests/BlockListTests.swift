import Testing
@testable import LetterlagKit

@Suite struct BlockListTests {
    func listed(_ blocks: [UInt32]) -> [UInt32] {
        var list = BlockList()
        for b in blocks { list.append(b) }
        var out: [UInt32] = []
        list.forEach { i, block in
            #expect(i == out.count)
            out.append(block)
        }
        #expect(list.count == blocks.count)
        #expect(list.isEmpty == blocks.isEmpty)
        return out
    }

    @Test func blockNumbersComeBackInOrderAcrossEveryWidthOfStep() {
        #expect(listed([]) == [])
        // Steps just below, at and above what two bytes hold, and a first block past it too.
        for first: UInt32 in [0, 1, 65_534, 65_535, 65_536, 4_000_000_000] {
            for step: UInt32 in [1, 65_534, 65_535, 65_536, 131_071, 20_000_000] {
                let blocks = [first, first &+ step, first &+ 2 &* step].filter { $0 >= first }
                #expect(listed(blocks) == blocks, "first \(first), step \(step)")
            }
        }
    }

    @Test func aLongRandomListMatchesAPlainArray() {
        var rng = SplitMix64(seed: 17)
        var blocks: [UInt32] = []
        var next: UInt32 = UInt32(rng.next() % 100_000)
        for _ in 0..<50_000 {
            blocks.append(next)
            // Mostly the few hundred blocks of the other partitions between, sometimes far more.
            let step = rng.next() % 20 == 0 ? UInt32(rng.next() % 3_000_000) + 1 : UInt32(rng.next() % 1_024) + 1
            next += step
        }
        #expect(listed(blocks) == blocks)
    }
}
