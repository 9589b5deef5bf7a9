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

    public func render() -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return leftAligned.contains(i) ? c + pad : pad + c
            }.joined(separator: "  ")
        }
        var out = line(header) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
