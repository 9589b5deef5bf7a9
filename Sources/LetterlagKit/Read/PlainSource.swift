import Foundation

/// An uncompressed extract.
struct PlainSource: ByteSource {
    let file: FileInput
    var bytesConsumed: Int { file.position }
    var contentKey: String? { file.contentKey }

    mutating func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < out.count {
            guard try file.refill() else { break }
            let chunk = file.pending
            let n = min(chunk.count, out.count - written)
            (out.baseAddress! + written).copyMemory(from: chunk.baseAddress!, byteCount: n)
            file.consumed += n
            written += n
        }
        return written
    }
}
