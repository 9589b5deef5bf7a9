/// The shapes of the organisation and specialty codes an extract carries (docs/product.md,
/// "Codes"), checked on the row path so that no other text reaches a cell, a table or an output.
///
/// - trust: an ODS organisation code, 3 to 5 characters from 0–9 and A–Z;
/// - practice: a letter A–Z then 5 digits;
/// - specialty: 3 digits;
/// - site: empty, or 5 characters from 0–9 and A–Z.
///
/// A trust code is also numbered here, injectively, so that cells name trusts by number and the
/// code is written back from the number alone.
public enum CodeShape {
    /// Base 36 of a byte (0–35, so bits 0–5), or 0xFF, with bit 7, for a byte outside 0–9 and
    /// A–Z: several bytes' values ORed together are below 64 only when every byte is good.
    @inline(__always)
    static func base36(_ b: UInt8) -> UInt32 {
        let d = UInt32(b &- 0x30)
        let l = UInt32(b &- 0x41)
        return d < 10 ? d : l < 26 ? l + 10 : 0xFF
    }

    /// Whether four bytes, read as a little-endian word, are all ASCII digits.
    @inline(__always)
    static func fourDigits(_ word: UInt32) -> Bool {
        let x = word &- 0x3030_3030
        // A byte below '0' wraps to 0x80 or more; one above '9' reaches 0x80 once 0x76 is added.
        return (x | (x &+ 0x7676_7676)) & 0x8080_8080 == 0
    }

    /// Trust numbers of 3-character codes are their base-36 value, below this; 4- and
    /// 5-character codes follow, in that order.
    public static let threeCharacterTrusts = 36 * 36 * 36
    static let fourCharacterTrusts = 36 * 36 * 36 * 36
    /// Every trust number is below this.
    public static let trustNumbers = threeCharacterTrusts + fourCharacterTrusts + fourCharacterTrusts * 36

    /// The trust code's number, or -1 when it is not 3 to 5 characters from 0–9 and A–Z.
    @inline(__always)
    public static func trustNumber(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        let n = code.count
        guard n >= 3 && n <= 5, let p = code.baseAddress else { return -1 }
        let a = base36(p[0]), b = base36(p[1]), c = base36(p[2])
        guard a | b | c < 64 else { return -1 }
        let value = Int(a * 1_296 + b * 36 + c)
        if n == 3 { return value }
        return longTrustNumber(p, n, value)
    }

    @inline(never)
    static func longTrustNumber(_ p: UnsafePointer<UInt8>, _ n: Int, _ first3: Int) -> Int {
        var value = first3
        for i in 3..<n {
            let d = base36(p[i])
            guard d < 64 else { return -1 }
            value = value * 36 + Int(d)
        }
        return n == 4 ? threeCharacterTrusts + value : threeCharacterTrusts + fourCharacterTrusts + value
    }

    /// The code of a trust number.
    public static func trustCode(_ number: Int) -> String {
        let (length, value) = number < threeCharacterTrusts ? (3, number)
            : number < threeCharacterTrusts + fourCharacterTrusts ? (4, number - threeCharacterTrusts)
            : (5, number - threeCharacterTrusts - fourCharacterTrusts)
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        return String(unsafeUninitializedCapacity: length) { out in
            var v = value
            for i in stride(from: length - 1, through: 0, by: -1) {
                out[i] = digits[v % 36]
                v /= 36
            }
            return length
        }
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    @inline(__always)
    static func load32(_ p: UnsafePointer<UInt8>, _ offset: Int) -> UInt32 {
        UnsafeRawPointer(p).loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }

    @inline(__always)
    static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }

    /// A letter then five digits.
    @inline(__always)
    public static func isPractice(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard code.count == 6, let p = code.baseAddress else { return false }
        return isUpper(p[0]) && fourDigits(load32(p, 2)) && isDigit(p[1])
    }

    /// Whether text, such as a command's argument, is a practice code: a letter then five digits.
    public static func isPractice(_ code: String) -> Bool {
        Array(code.utf8).withUnsafeBufferPointer(isPractice)
    }

    /// The message for text that is not a practice code.
    public static let practiceShape = "a letter A–Z then 5 digits, such as A81001"

    /// Practice codes number below this: 26 letters × 100,000.
    public static let practiceNumbers = 26 * 100_000

    /// The number of a code that `isPractice` accepts: its letter's place × 100,000 + its digits.
    @inline(__always)
    public static func practiceNumber(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        let p = code.baseAddress!
        var v = Int(p[0] &- 0x41)
        for i in 1..<6 { v = v &* 10 &+ Int(p[i] &- 0x30) }
        return v
    }

    /// The code of a practice number.
    public static func practiceCode(_ number: Int) -> String {
        let letter = Character(Unicode.Scalar(UInt8(0x41 + number / 100_000)))
        let digits = String(number % 100_000)
        return String(letter) + String(repeating: "0", count: 5 - digits.count) + digits
    }

    /// The value of a code that `isSpecialty` accepts.
    @inline(__always)
    public static func specialtyNumber(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        let p = code.baseAddress!
        return Int(p[0] &- 0x30) &* 100 &+ Int(p[1] &- 0x30) &* 10 &+ Int(p[2] &- 0x30)
    }

    /// The three-digit code of a specialty value.
    public static func specialtyCode(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// Three digits.
    @inline(__always)
    public static func isSpecialty(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard code.count == 3, let p = code.baseAddress else { return false }
        return isDigit(p[0]) && isDigit(p[1]) && isDigit(p[2])
    }

    /// Empty, or five characters from 0–9 and A–Z.
    @inline(__always)
    public static func isSite(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        if code.isEmpty { return true }
        guard code.count == 5, let p = code.baseAddress else { return false }
        return base36(p[0]) | base36(p[1]) | base36(p[2]) | base36(p[3]) | base36(p[4]) < 64
    }
}
