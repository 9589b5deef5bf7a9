import CIsal
#if canImport(Glibc)
import Glibc
#endif

/// Identifies a file's content, whatever its name: its size and CRC-64 (ISA-L, several GB/s).
///
/// Used to refuse ingesting the same extract twice; computed before the run starts so a
/// repeat fails in milliseconds rather than after the whole file has been read.
public enum ContentKey {
    public static func of(path: String) throws -> String {
        let file = try FileInput(path: path, bufferSize: 4 << 20)
        var crc: UInt64 = 0
        var size = 0
        while try file.refill() {
            let bytes = file.pending
            crc = crc64_ecma_refl(crc, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
            size += bytes.count
            file.consumed = file.filled
        }
        let hex = String(crc, radix: 16)
        return "\(size):\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }
}
