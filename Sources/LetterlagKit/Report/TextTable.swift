/// Aligns rows of text into columns for people reading a terminal.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]] = []
    /// Columns aligned left; the rest are right-aligned numbers.
    public var leftAligned: Set<Int>

    public init(header: [String], leftAligned: Set<Int> = [0]) {
        self.header = header
        self.leftAligned = leftAligned
    }

    /// Each column's width: its widest cell, heading included.
    var widths: [Int] {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return widths
    }

    /// One row padded to `widths`.
    func line(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
            return leftAligned.contains(i) ? c + pad : pad + c
        }.joined(separator: "  ")
    }

    public func render() -> String {
        let widths = widths
        var out = line(header, widths: widths) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row, widths: widths) + "\n" }
        return out
    }
}
