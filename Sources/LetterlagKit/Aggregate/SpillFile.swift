import Foundation

/// One worker's per-row records, kept on disk in fixed-size blocks grouped by partition, so an
/// ingest's memory stays bounded however many rows the extract holds.
///
/// The file is unlinked as soon as it is created, so nothing is left behind if the process dies.
/// Appends go to a small in-memory block per partition; full blocks are gathered and written in
/// large writes. Reading a partition back gathers its blocks, in the order they were written.
final class SpillFile: @unchecked Sendable {
    /// 8-byte values per block: 4 KiB blocks keep 512 partitions' buffers at 2 MiB.
    static let blockValues = 512
    static let blockBytes = blockValues * 8
    /// Full blocks gathered before one `write`.
    static let stagedBlocks = 64

    let partitions: Int
    let directory: String
    private let fd: Int32
    /// Per partition, its open block; `fill` counts the values in each. Freed by `finish`.
    let open: UnsafeMutablePointer<UInt64>
    let fill: UnsafeMutablePointer<Int32>
    private let staging: UnsafeMutablePointer<UInt64>
    private var released = false
    private var discarded = false
    private var stagedPartitions: [Int] = []
    /// Per partition, the block numbers on disk that hold its values, in order.
    private var blocks: [[UInt32]]
    /// Per partition, how many values its last block on disk holds (a full block unless the last flush was partial).
    private var lastCount: [Int]
    private var blocksOnDisk = 0
    private var failure: LetterlagError?
    private(set) var values = 0

    init(partitions: Int, directory: String = SpillFile.defaultDirectory) throws {
        self.partitions = partitions
        self.directory = directory
        var template = Array((directory + "/letterlag-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw LetterlagError.spill("cannot create a temporary file in \(directory): \(String(cString: strerror(errno))) (set TMPDIR to a writable directory)")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        open = .allocate(capacity: partitions * Self.blockValues)
        fill = .allocate(capacity: partitions)
        fill.initialize(repeating: 0, count: partitions)
        staging = .allocate(capacity: Self.stagedBlocks * Self.blockValues)
        blocks = Array(repeating: [], count: partitions)
        lastCount = Array(repeating: Self.blockValues, count: partitions)
    }

    deinit {
        if !discarded { close(fd) }
        releaseBuffers()
    }

    /// Closes the file now, so the kernel drops its pages while the caller goes on, rather than
    /// when the run ends; reading afterwards throws. Call only once no thread is reading.
    func discard() {
        guard !discarded else { return }
        discarded = true
        close(fd)
    }

    private func releaseBuffers() {
        guard !released else { return }
        released = true
        open.deallocate()
        fill.deallocate()
        staging.deallocate()
    }

    /// `TMPDIR`, else `/tmp`.
    static var defaultDirectory: String {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return dir.isEmpty ? "/tmp" : (dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir)
    }

    /// Appends `value` to `partition`. The hot path: a store and a counter, and a block copy every 512 values.
    @inline(__always)
    func append(_ value: UInt64, to partition: Int) {
        let n = Int(fill[partition])
        open[partition * Self.blockValues + n] = value
        if n + 1 == Self.blockValues { stage(partition) } else { fill[partition] = Int32(n + 1) }
    }

    @inline(never)
    private func stage(_ partition: Int) {
        let slot = stagedPartitions.count
        (staging + slot * Self.blockValues).update(from: open + partition * Self.blockValues, count: Self.blockValues)
        fill[partition] = 0
        stagedPartitions.append(partition)
        values += Self.blockValues
        if stagedPartitions.count == Self.stagedBlocks { writeStaged() }
    }

    private func writeStaged() {
        guard !stagedPartitions.isEmpty else { return }
        let bytes = stagedPartitions.count * Self.blockBytes
        if failure == nil {
            var done = 0
            while done < bytes {
                let n = pwrite(fd, UnsafeRawPointer(staging) + done, bytes - done, off_t(blocksOnDisk * Self.blockBytes + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = .spill("cannot write a temporary file in \(directory): \(String(cString: strerror(errno))) (about 20 bytes per row are needed; set TMPDIR to a directory with room)")
                    break
                }
                done += n
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
            let n = Int(fill[p])
            if stagedPartitions.count == Self.stagedBlocks { writeStaged() }
            let slot = stagedPartitions.count
            (staging + slot * Self.blockValues).update(from: open + p * Self.blockValues, count: n)
            stagedPartitions.append(p)
            lastCount[p] = n
            values += n
            fill[p] = 0
        }
        writeStaged()
        releaseBuffers()
        if let failure { throw failure }
    }

    /// How many values `partition` holds; valid after `finish`.
    func count(of partition: Int) -> Int {
        guard let _ = blocks[partition].last else { return 0 }
        return (blocks[partition].count - 1) * Self.blockValues + lastCount[partition]
    }

    /// Appends every value of `partition` to `out`; safe to call from several threads at once after `finish`.
    func read(partition: Int, into out: inout [UInt64]) throws {
        guard !discarded else { throw LetterlagError.spill("a temporary file was read after it was discarded") }
        let list = blocks[partition]
        guard !list.isEmpty else { return }
        let start = out.count
        let total = count(of: partition)
        out.append(contentsOf: repeatElement(0, count: total))
        try out.withUnsafeMutableBytes { raw in
            var at = start * 8
            for (i, block) in list.enumerated() {
                let bytes = (i == list.count - 1 ? lastCount[partition] : Self.blockValues) * 8
                var done = 0
                while done < bytes {
                    let n = pread(fd, raw.baseAddress! + at + done, bytes - done, off_t(Int(block) * Self.blockBytes + done))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 {
                        throw LetterlagError.spill("cannot read back a temporary file in \(directory): \(n < 0 ? String(cString: strerror(errno)) : "it is shorter than written")")
                    }
                    done += n
                }
                at += bytes
            }
        }
    }
}
