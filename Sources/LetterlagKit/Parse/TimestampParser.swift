/// The outcome of reading one timestamp field.
public enum TimestampStatus: UInt8, Sendable {
    case ok
    /// The field is empty (after trimming spaces).
    case empty
    /// The field is not in any accepted form.
    case unreadable
    /// The field has the right form but names a time that cannot be, such as 2021-02-30.
    case impossible
}

/// A parsed timestamp: the UTC instant and the Europe/London wall clock, both in seconds
/// since 1970-01-01 as if the wall clock were UTC.
public struct ParsedTimestamp: Sendable, Equatable {
    public var status: TimestampStatus
    public var utc: Int64
    public var local: Int64

    @inlinable
    public var localDay: Int { Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400) }

    static let empty = ParsedTimestamp(status: .empty, utc: 0, local: 0)
    static let unreadable = ParsedTimestamp(status: .unreadable, utc: 0, local: 0)
    static let impossible = ParsedTimestamp(status: .impossible, utc: 0, local: 0)
}

/// Reads every timestamp form docs/product.md allows, straight from bytes.
///
/// Forms: ISO 8601 (`YYYY-MM-DD HH:MM[:SS[.fff]]`, space or `T`, optional `Z`, `±hh:mm`,
/// `±hhmm` or `±hh`) and the UK form `dd/mm/yyyy HH:MM[:SS]` (one- or two-digit day, month and
/// hour). Without an offset a time is Europe/London local time. Fractions of a second are
/// dropped. The common 19-byte ISO form, with or without a `Z`, takes a fast path with no branches per digit.
public struct TimestampParser: Sendable {
    public let clock: LondonClock

    public init(clock: LondonClock = .shared) { self.clock = clock }

    /// Parses the field `[start, end)` of `base`.
    @inline(__always)
    public func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> ParsedTimestamp {
        var s = start, e = end
        while s < e && base[s] == 0x20 { s += 1 }
        while e > s && base[e - 1] == 0x20 { e -= 1 }
        if s == e { return .empty }
        let p = base + s
        let n = e - s
        // The common form, alone or with a `Z` (UTC), as many exports write it.
        // Anything else, damaged common forms included, goes to the general reader.
        let utcMark = n == 20 && (p[19] == 0x5A || p[19] == 0x7A)
        if n == 19 || utcMark, let fields = Self.commonForm(p) {
            return make(year: fields.year, month: fields.month, day: fields.day, hour: fields.hour,
                        minute: fields.minute, second: fields.second, offset: utcMark ? 0 : nil)
        }
        return parseGeneral(p, n)
    }

    /// `YYYY-MM-DD HH:MM:SS` (or with `T`) read eight bytes at a time: separators checked in
    /// place, all fourteen digits checked at once, and digit pairs combined by one multiply-add.
    /// Nil when the bytes are not in that form. Reads exactly `p[0..<19]`.
    @inline(__always)
    static func commonForm(_ p: UnsafePointer<UInt8>) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)? {
        let raw = UnsafeRawPointer(p)
        // Little-endian words: "YYYY-MM-", "DD?HH:MM" and "HH:MM:SS" (bytes 11–18).
        let a = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let c = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 11, as: UInt64.self))
        let separators = (a & 0xFF00_00FF_0000_0000) == 0x2D00_002D_0000_0000
            && ((b >> 16) & 0xFF == 0x20 || (b >> 16) & 0xFF == 0x54)
            && (c & 0x0000_FF00_00FF_0000) == 0x0000_3A00_003A_0000
        // The separators become '0' so each word is all digits when the field is well formed.
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let da = (a & 0x00FF_FF00_FFFF_FFFF) | 0x3000_0030_0000_0000
        let db = (b & 0x0000_0000_0000_FFFF) | 0x3030_3030_3030_0000
        let dc = (c & 0xFFFF_00FF_FF00_FFFF) | 0x0000_3000_0030_0000
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let digits = (da & high) == zeros && ((da &+ 0x0606_0606_0606_0606) & high) == zeros
            && (db & high) == zeros && ((db &+ 0x0606_0606_0606_0606) & high) == zeros
            && (dc & high) == zeros && ((dc &+ 0x0606_0606_0606_0606) & high) == zeros
        guard separators && digits else { return nil }
        // Byte i of a pair word is 10 × digit i + digit i+1.
        @inline(__always) func pairs(_ w: UInt64) -> UInt64 { let v = w &- zeros; return v &* 10 &+ (v >> 8) }
        let pa = pairs(da), pb = pairs(db), pc = pairs(dc)
        return (year: Int(pa & 0xFF) * 100 + Int((pa >> 16) & 0xFF), month: Int((pa >> 40) & 0xFF),
                day: Int(pb & 0xFF), hour: Int(pc & 0xFF), minute: Int((pc >> 24) & 0xFF), second: Int((pc >> 48) & 0xFF))
    }

    /// Parses a whole string; for arguments and tests, not the hot path.
    public func parse(_ text: String) -> ParsedTimestamp {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { parse($0.baseAddress!, 0, $0.count - 1) }
    }

    @inline(never)
    private func parseGeneral(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParsedTimestamp {
        var i = 0
        @inline(__always) func digits(_ minCount: Int, _ maxCount: Int) -> Int? {
            var value = 0, count = 0
            while i < n && count < maxCount, case let d = p[i] &- 48, d <= 9 {
                value = value * 10 + Int(d)
                i += 1
                count += 1
            }
            return count >= minCount ? value : nil
        }
        @inline(__always) func expect(_ byte: UInt8) -> Bool {
            if i < n && p[i] == byte { i += 1; return true }
            return false
        }
        var year = 0, month = 0, day = 0
        if n >= 5 && p[4] == 0x2D {
            guard let y = digits(4, 4), expect(0x2D), let m = digits(2, 2), expect(0x2D), let d = digits(2, 2)
            else { return .unreadable }
            year = y; month = m; day = d
            guard i < n, p[i] == 0x20 || p[i] == 0x54 else { return .unreadable }
            i += 1
        } else {
            guard let d = digits(1, 2), expect(0x2F), let m = digits(1, 2), expect(0x2F), let y = digits(4, 4)
            else { return .unreadable }
            year = y; month = m; day = d
            guard expect(0x20) else { return .unreadable }
            while i < n && p[i] == 0x20 { i += 1 }
        }
        guard let hour = digits(1, 2), expect(0x3A), let minute = digits(2, 2) else { return .unreadable }
        var second = 0
        if expect(0x3A) {
            guard let s = digits(2, 2) else { return .unreadable }
            second = s
            if i < n && (p[i] == 0x2E || p[i] == 0x2C) {
                i += 1
                guard digits(1, 12) != nil else { return .unreadable }
            }
        }
        var offset: Int? = nil
        if i < n {
            if p[i] == 0x5A || p[i] == 0x7A {
                i += 1
                offset = 0
            } else if p[i] == 0x2B || p[i] == 0x2D {
                let sign = p[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = digits(2, 2) else { return .unreadable }
                var om = 0
                if expect(0x3A) {
                    guard let m = digits(2, 2) else { return .unreadable }
                    om = m
                } else if i < n {
                    guard let m = digits(2, 2) else { return .unreadable }
                    om = m
                }
                guard oh <= 18, om <= 59 else { return .impossible }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == n else { return .unreadable }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    @inline(__always)
    private func make(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int?) -> ParsedTimestamp {
        guard hour <= 23 && minute <= 59 && second <= 59 && year >= 1,
              let days = clock.days(year: year, month: month, day: day)
        else { return .impossible }
        let wall = Int64(days) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
        if let offset {
            let utc = wall - Int64(offset)
            return ParsedTimestamp(status: .ok, utc: utc, local: clock.local(fromUTC: utc))
        }
        return ParsedTimestamp(status: .ok, utc: clock.utc(fromLocal: wall, year: year), local: wall)
    }
}
