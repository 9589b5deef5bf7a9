/// A spill partition's block numbers on disk, in the ascending order they were written, kept as
/// 2-byte steps from one to the next rather than 4-byte numbers.
///
/// The lists are the one part of a run's memory that grows with its rows: a block a partition
/// per 4 KiB spilled, about 5 MiB at 100M rows as 4-byte numbers. A partition's next block is
/// usually a few hundred blocks on (the other partitions' blocks lie between), so a step fits in
/// 2 bytes; a longer one is written as a marker and its two halves.
struct BlockList: Sendable {
    private var steps: [UInt16] = []
    private(set) var count = 0
    private var last: UInt32 = 0
    /// A step that does not fit: the marker, then the step's high and low halves.
    private static let wide: UInt16 = .max

    var isEmpty: Bool { count == 0 }

    /// Adds the next block, which is past every block added before.
    mutating func append(_ block: UInt32) {
        precondition(count == 0 || block > last, "blocks are added in the order they were written")
        let step = count == 0 ? block : block - last
        if step < UInt32(Self.wide) {
            steps.append(UInt16(step))
        } else {
            steps.append(Self.wide)
            steps.append(UInt16(step >> 16))
            steps.append(UInt16(step & 0xFFFF))
        }
        last = block
        count += 1
    }

    /// Calls `body` with each block's place in the list and its number, in order.
    func forEach(_ body: (_ index: Int, _ block: UInt32) throws -> Void) rethrows {
        var block: UInt32 = 0, at = 0, index = 0
        while at < steps.count {
            var step = UInt32(steps[at])
            if steps[at] == Self.wide {
                step = UInt32(steps[at + 1]) << 16 | UInt32(steps[at + 2])
                at += 3
            } else {
                at += 1
            }
            block += step
            try body(index, block)
            index += 1
        }
    }
}
