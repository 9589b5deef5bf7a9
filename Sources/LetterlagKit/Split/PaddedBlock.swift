/// The 64 bytes that the C byte masks (CByteScan) read at once, so that no byte past a buffer's
/// end is read: a buffer's last, partial block is handed over as a zero-padded copy, and a zero
/// byte is never one the masks look for.
enum PaddedBlock {
    /// Calls `body` with the 64 bytes of `p` from `start`, or, when fewer than 64 are left before
    /// `end`, with those bytes followed by zeros.
    @inline(__always)
    static func with<T>(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, _ body: (UnsafePointer<UInt8>) -> T) -> T {
        if start &+ 64 <= end { return body(p + start) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
            block.initialize(repeating: 0)
            _ = block.update(from: UnsafeBufferPointer(start: p + start, count: end &- start))
            return body(block.baseAddress!)
        }
    }
}
