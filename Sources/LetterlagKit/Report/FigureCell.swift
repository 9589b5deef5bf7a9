import Foundation

/// One value of an output row, before a format writes it: CSV writes numbers without making a
/// string, JSON as numbers or null, a table as text. Renderers describe their columns as
/// functions to cells, so each column's rule has one home whatever the format.
public enum FigureCell: Equatable, Sendable {
    case text(String)
    case integer(Int)
    /// A number shown with two decimals; nil for an undefined one, an empty cell.
    case fixed(Double?)
    /// A number shown with four decimals, for delays in hours, which can be a few minutes (an
    /// A&E letter, a delivery), where two decimals would be off by more than the histograms' 1%
    /// (`FigureFormatter.delayCell`); nil is empty.
    case precise(Double?)
    /// A count or statistic withheld by disclosure control, shown as `*`.
    case suppressed

    /// The cell as text: what a table shows and CSV writes.
    public var text: String {
        switch self {
        case .text(let s): s
        case .integer(let n): String(n)
        case .fixed(let v): v.flatMap { $0.isFinite ? CSVWriter.fixedText($0) : nil } ?? ""
        case .precise(let v): v.flatMap { $0.isFinite ? CSVWriter.fixedText($0, decimals: 4) : nil } ?? ""
        case .suppressed: "*"
        }
    }

    /// The cell as a value for `JSONSerialization`: a number, `"*"`, a string, or null when empty.
    /// Text stays text, so a code that reads as a number (a trust `123`, `1E5` or `INF`) is never
    /// written as one, nor refused as a number JSON cannot hold.
    public var jsonValue: Any {
        switch self {
        case .text(let s): s
        case .integer(let n): n
        case .suppressed: "*"
        case .fixed, .precise: Double(text).map { $0 as Any } ?? NSNull()
        }
    }

    /// The cell as a JSON value: a number, `"*"`, a string, or null when empty.
    public var json: String {
        switch self {
        case .integer(let n): String(n)
        case .fixed(let v): v.flatMap { $0.isFinite ? CSVWriter.fixedText($0) : nil } ?? "null"
        case .precise(let v): v.flatMap { $0.isFinite ? CSVWriter.fixedText($0, decimals: 4) : nil } ?? "null"
        case .suppressed: "\"*\""
        case .text(let s): Self.jsonString(s)
        }
    }

    /// One element of a streamed JSON array: `{"name": value, …}` on a line of its own, after a
    /// comma unless it is the first.
    static func jsonObject(_ cells: some Sequence<(String, FigureCell)>, first: Bool) -> String {
        var line = first ? "\n  {" : ",\n  {"
        for (i, (name, cell)) in cells.enumerated() {
            line += (i == 0 ? "" : ", ") + jsonString(name) + ": " + cell.json
        }
        return line + "}"
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
