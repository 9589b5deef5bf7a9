import CIsal
#if canImport(Glibc)
import Glibc
#endif

/// Identifies a file's content, whatever its name: its size and CRC-64 (ISA-L, several GB/s).
///
/// Used to refuse ingesting the same extract twice. A file whose size no stored run has cannot
/// be a repeat, so its key is taken as the run reads it; only a file of a stored size is read
/// first, so that a repeat still fails in milliseconds rather than after the whole run.
public enum ContentKey {
    public static func of(path: String) throws -> String {
        let file = try FileInput(path: path, bufferSize: 4 << 20)
        while try file.refill() { file.consumed = file.filled }
        return key(size: file.bytesRead, crc: file.crc)
    }

    /// The key of `size` bytes whose CRC-64 is `crc`.
    static func key(size: Int, crc: UInt64) -> String {
        let hex = String(crc, radix: 16)
        return "\(size):\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }

    /// Updates `crc` with `count` bytes; ISA-L's CRC-64 runs at several GB/s.
    @inline(__always)
    static func update(_ crc: UInt64, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
        crc64_ecma_refl(crc, bytes.assumingMemoryBound(to: UInt8.self), UInt64(count))
    }
}
