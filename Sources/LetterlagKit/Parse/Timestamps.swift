import Foundation

/// Formatting of instants for the database and outputs: ISO 8601 in UTC with a `Z`.
public enum Timestamps {
    public static func iso(_ utc: Int64) -> String {
        let days = Int(utc >= 0 ? utc / 86_400 : (utc - 86_399) / 86_400)
        let rest = Int(utc - Int64(days) * 86_400)
        return "\(CivilDate.isoDate(days: days))T\(CivilDate.pad(rest / 3600, 2)):\(CivilDate.pad(rest / 60 % 60, 2)):\(CivilDate.pad(rest % 60, 2))Z"
    }

    public static func iso(_ date: Date) -> String { iso(Int64(date.timeIntervalSince1970.rounded(.down))) }

    /// An instant as `iso` stores it, read back; nil for anything else.
    public static func parseStored(_ text: String?) -> Int64? {
        guard let text else { return nil }
        let parsed = TimestampParser().parse(text)
        return parsed.status == .ok ? parsed.utc : nil
    }

    /// Parses an as-of argument in any extract timestamp form; local times are Europe/London.
    public static func parseArgument(_ text: String) throws -> Int64 {
        let parsed = TimestampParser().parse(text)
        if parsed.status == .ok { return parsed.utc }
        if let day = CivilDate.parse(isoDate: text) {
            return LondonClock.shared.utc(ofLocalMidnight: day)
        }
        throw LetterlagError.badArgument("'\(text)' is not a timestamp (use YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset)")
    }
}
