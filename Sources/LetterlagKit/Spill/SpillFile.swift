import Foundation

/// One worker's per-row records, kept on disk in fixed-size blocks grouped by partition, so an
/// ingest's memory stays bounded however many rows the extract holds. A record is `stride`
/// 8-byte words: one for a `CellRecord`, two for a letter's key and locator, three for a wide key.
/// With `columns`, a block holds the records' first words, then their second words, so that a
/// reader wanting only the first words (the keys) reads half the bytes.
///
/// The file is a `TemporaryFile`, unlinked as soon as it is made. Unchecked `Sendable`: one
/// worker appends to it; it is read only after the pass has joined every worker.
/// Appends go to a small in-memory block per partition; full blocks are gathered and written in
/// large writes. Reading a partition back gathers its blocks, in the order they were written.
final class SpillFile: @unchecked Sendable {
    /// At most 512 8-byte values per block: 4 KiB blocks keep 512 partitions' buffers at 2 MiB.
    static let maxBlockValues = 512
    /// Full blocks gathered before one `write`.
    static let stagedBlocks = 64

    let partitions: Int
    /// Words per record; a block holds whole records.
    let stride: Int
    let blockValues: Int
    let blockBytes: Int
    /// Records stored column by column within each block; `fill` then counts records.
    let columns: Bool
    /// Records per block.
    let blockRecords: Int
    var directory: String { file.directory }
    private let file: TemporaryFile
    /// Per partition, its open block; `fill` counts the values in each. Freed by `finish`.
    let open: UnsafeMutablePointer<UInt64>
    let fill: UnsafeMutablePointer<Int32>
    private let staging: UnsafeMutablePointer<UInt64>
    private var released = false
    private var discarded = false
    private var stagedPartitions: [Int] = []
    /// Per partition, the block numbers on disk that hold its values, in order.
    private var blocks: [BlockList]
    /// Per partition, how many values its last block on disk holds (a full block unless the last flush was partial).
    private var lastCount: [Int]
    private var blocksOnDisk = 0
    private var failure: LetterlagError?
    private(set) var values = 0

    /// `blockLimit` values at most a block: fewer for a file of few records spread over many
    /// partitions, whose open blocks would otherwise be mostly empty memory.
    init(partitions: Int, stride: Int = 1, columns: Bool = false, blockLimit: Int = SpillFile.maxBlockValues,
         directory: String = TemporaryFile.defaultDirectory) throws {
        precondition(blockLimit >= stride && blockLimit <= Self.maxBlockValues)
        self.partitions = partitions
        self.stride = stride
        self.columns = columns
        blockRecords = blockLimit / stride
        blockValues = blockRecords * stride
        blockBytes = blockValues * 8
        file = try TemporaryFile(in: directory, name: "spill")
        open = .allocate(capacity: partitions * blockValues)
        fill = .allocate(capacity: partitions)
        fill.initialize(repeating: 0, count: partitions)
        staging = .allocate(capacity: Self.stagedBlocks * blockValues)
        blocks = Array(repeating: BlockList(), count: partitions)
        lastCount = Array(repeating: blockValues, count: partitions)
    }

    deinit {
        if !discarded { file.close() }
        releaseBuffers()
    }

    /// Closes the file now, so the kernel drops its pages while the caller goes on, rather than
    /// when the run ends; reading afterwards throws. Call only once no thread is reading.
    func discard() {
        guard !discarded else { return }
        discarded = true
        file.close()
    }

    private func releaseBuffers() {
        guard !released else { return }
        released = true
        open.deallocate()
        fill.deallocate()
        staging.deallocate()
    }


    /// Appends `value` to `partition` of a file of one-word records. The hot path: a store and a
    /// counter, and a block copy every 512 values.
    @inline(__always)
    func append(_ value: UInt64, to partition: Int) {
        let n = Int(fill[partition])
        open[partition * blockValues + n] = value
        if n + 1 == blockValues { stage(partition) } else { fill[partition] = Int32(n + 1) }
    }

    /// Appends a two-word record to `partition` of a file in `columns`.
    @inline(__always)
    func append(_ first: UInt64, _ second: UInt64, to partition: Int) {
        let n = Int(fill[partition])
        let block = open + partition * blockValues
        block[n] = first
        block[blockRecords + n] = second
        if n + 1 == blockRecords { stage(partition) } else { fill[partition] = Int32(n + 1) }
    }

    /// Appends a record of `stride` words to `partition`.
    @inline(__always)
    func append<Record: BitwiseCopyable>(record: Record, to partition: Int) {
        let n = Int(fill[partition])
        UnsafeMutableRawPointer(open + partition * blockValues + n).storeBytes(of: record, as: Record.self)
        if n + stride == blockValues { stage(partition) } else { fill[partition] = Int32(n + stride) }
    }

    @inline(never)
    private func stage(_ partition: Int) {
        let slot = stagedPartitions.count
        (staging + slot * blockValues).update(from: open + partition * blockValues, count: blockValues)
        fill[partition] = 0
        stagedPartitions.append(partition)
        values += blockValues
        if stagedPartitions.count == Self.stagedBlocks { writeStaged() }
    }

    private func writeStaged() {
        guard !stagedPartitions.isEmpty else { return }
        let bytes = stagedPartitions.count * blockBytes
        if failure == nil {
            do {
                try file.write(staging, count: bytes, at: blocksOnDisk * blockBytes, room: "about 50 bytes per row are needed; ")
            } catch let error as LetterlagError {
                failure = error
            } catch {
                failure = .spill("cannot write a temporary file in \(directory): \(error)")
            }
        }
        for p in stagedPartitions {
            blocks[p].append(UInt32(blocksOnDisk))
            blocksOnDisk += 1
        }
        stagedPartitions.removeAll(keepingCapacity: true)
    }

    /// Writes every partly filled block and frees the in-memory blocks; call once, after the last append.
    func finish() throws {
        for p in 0..<partitions where fill[p] > 0 {
            // In columns a partial block keeps its layout, so all of it is written.
            let n = columns ? Int(fill[p]) * stride : Int(fill[p])
            if stagedPartitions.count == Self.stagedBlocks { writeStaged() }
            let slot = stagedPartitions.count
            (staging + slot * blockValues).update(from: open + p * blockValues, count: columns ? blockValues : n)
            stagedPartitions.append(p)
            lastCount[p] = n
            values += n
            fill[p] = 0
        }
        writeStaged()
        releaseBuffers()
        if let failure { throw failure }
    }

    /// How many values (words) `partition` holds; valid after `finish`.
    func count(of partition: Int) -> Int {
        guard !blocks[partition].isEmpty else { return 0 }
        return (blocks[partition].count - 1) * blockValues + lastCount[partition]
    }

    /// Appends every value of `partition` to `out`, record after record (a file in `columns`
    /// too); safe to call from several threads at once after `finish`.
    func read(partition: Int, into out: inout [UInt64]) throws {
        guard !discarded else { throw LetterlagError.spill("a temporary file was read after it was discarded") }
        let list = blocks[partition]
        guard !list.isEmpty else { return }
        if columns {
            try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockValues) { buffer in
                try list.forEach { i, block in
                    let records = (i == list.count - 1 ? lastCount[partition] : blockValues) / stride
                    try read(block: block, into: UnsafeMutableRawPointer(buffer.baseAddress!), bytes: blockBytes)
                    for r in 0..<records {
                        for c in 0..<stride { out.append(buffer[c * blockRecords + r]) }
                    }
                }
            }
            return
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: count(of: partition)))
        try out.withUnsafeMutableBytes { raw in
            var at = start * 8
            try list.forEach { i, block in
                let bytes = (i == list.count - 1 ? lastCount[partition] : blockValues) * 8
                try read(block: block, into: raw.baseAddress! + at, bytes: bytes)
                at += bytes
            }
        }
    }

    /// Calls `body` with the first words of each block of `partition` of a file in `columns`, in
    /// the order written, through one reusable buffer: half the bytes of the records, and no
    /// array of the whole partition made or zeroed. Safe from several threads at once after `finish`.
    func forEachFirstColumn(partition: Int, _ body: (UnsafeBufferPointer<UInt64>) throws -> Void) throws {
        precondition(columns)
        guard !discarded else { throw LetterlagError.spill("a temporary file was read after it was discarded") }
        let list = blocks[partition]
        guard !list.isEmpty else { return }
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockRecords) { buffer in
            try list.forEach { i, block in
                let records = (i == list.count - 1 ? lastCount[partition] : blockValues) / stride
                try read(block: block, into: UnsafeMutableRawPointer(buffer.baseAddress!), bytes: records * 8)
                try body(UnsafeBufferPointer(rebasing: buffer[0..<records]))
            }
        }
    }

    /// Calls `body` with each block of `partition`, whole records in the order written, through
    /// one reusable buffer, so a partition of any size is read in 4 KiB at a time. A file not in
    /// `columns`; safe from several threads at once after `finish`.
    func forEachBlock(partition: Int, _ body: (UnsafeBufferPointer<UInt64>) throws -> Void) throws {
        precondition(!columns)
        guard !discarded else { throw LetterlagError.spill("a temporary file was read after it was discarded") }
        let list = blocks[partition]
        guard !list.isEmpty else { return }
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockValues) { buffer in
            try list.forEach { i, block in
                let values = i == list.count - 1 ? lastCount[partition] : blockValues
                try read(block: block, into: UnsafeMutableRawPointer(buffer.baseAddress!), bytes: values * 8)
                try body(UnsafeBufferPointer(rebasing: buffer[0..<values]))
            }
        }
    }

    private func read(block: UInt32, into at: UnsafeMutableRawPointer, bytes: Int) throws {
        try file.read(into: at, count: bytes, at: Int(block) * blockBytes)
    }
}
