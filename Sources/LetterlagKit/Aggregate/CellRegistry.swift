import Foundation

/// Numbers a run's cells (trust × letter type × event week) in order of first sight, shared
/// by all workers, so that records spilled by different workers name a cell the same way.
///
/// Workers cache the numbers they have seen, so the lock is taken once per cell per worker,
/// not per row. Trust codes that are not three base-36 characters get numbers here too.
final class CellRegistry: @unchecked Sendable {
    /// Trust codes of three characters from 0-9 and A-Z are numbered by value, below this.
    static let fastTrustCodes = 36 * 36 * 36

    private static let base36Digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    private let lock = NSLock()
    private var numbers: [UInt64: UInt32] = [:]
    private var keyList: [UInt64] = []
    private var otherTrusts: [[UInt8]: Int] = [:]
    private var otherTrustNames: [String] = []

    /// The key of a cell: trust number, letter type and week, packed so that keys sort in that order.
    @inline(__always)
    static func key(trust: Int, type: Int, week: Int) -> UInt64 {
        UInt64(trust) << 32 | UInt64(type) << 28 | UInt64(week + (1 << 27))
    }

    /// The number of the cell with `key`, assigning the next one when it is new.
    func number(of key: UInt64) throws -> UInt32 {
        try lock.withLock {
            if let n = numbers[key] { return n }
            guard keyList.count < Int(UInt32.max) else {
                throw LetterlagError.badArgument("more than \(UInt32.max) trust × letter type × week cells; the extract's dates or trust codes are not plausible")
            }
            let n = UInt32(keyList.count)
            numbers[key] = n
            keyList.append(key)
            return n
        }
    }

    /// The number of a trust code that is not three base-36 characters.
    func otherTrustNumber(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        let bytes = Array(code)
        return lock.withLock {
            if let i = otherTrusts[bytes] { return i }
            let i = Self.fastTrustCodes + otherTrustNames.count
            otherTrusts[bytes] = i
            otherTrustNames.append(String(decoding: bytes, as: UTF8.self))
            return i
        }
    }

    var count: Int { lock.withLock { keyList.count } }

    /// Every cell's key, by number; read once the pass is over.
    var keys: [UInt64] { lock.withLock { keyList } }

    func trustName(_ index: Int) -> String {
        if index >= Self.fastTrustCodes { return lock.withLock { otherTrustNames[index - Self.fastTrustCodes] } }
        let digits = Self.base36Digits
        // Three bytes written in place: an array literal here was an allocation per weekly cell.
        return String(unsafeUninitializedCapacity: 3) { out in
            out[0] = digits[index / 1296]
            out[1] = digits[(index / 36) % 36]
            out[2] = digits[index % 36]
            return 3
        }
    }

    /// The cell a key names.
    func cellID(ofKey key: UInt64) -> CellID {
        CellID(trust: trustName(Int(key >> 32)), type: LetterType(rawValue: Int((key >> 28) & 0xF))!,
               week: Int(key & 0x0FFF_FFFF) - (1 << 27))
    }
}
