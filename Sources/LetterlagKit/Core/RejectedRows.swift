/// One file's rows set aside, for the message of a run that set aside too many.
public struct RejectedRows: Sendable, Equatable, CustomStringConvertible {
    public struct Reason: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var firstLine: Int

        public init(name: String, count: Int, firstLine: Int) {
            self.name = name
            self.count = count
            self.firstLine = firstLine
        }
    }

    public var path: String
    public var rows: Int
    public var rejected: Int
    /// In the order of their first line.
    public var reasons: [Reason]

    public init(path: String, rows: Int, rejected: Int, reasons: [Reason]) {
        self.path = path
        self.rows = rows
        self.rejected = rejected
        self.reasons = reasons
    }

    /// `FILE: line N: R of T rows (P%) set aside: reason C (first at line L), …`, N the first line set aside.
    public var description: String {
        let share = rows > 0 ? Double(rejected) * 100 / Double(rows) : 0
        let percent = share >= 10 ? String(Int(share.rounded())) : String((share * 100).rounded() / 100)
        let first = reasons.map(\.firstLine).min() ?? 0
        return "\(path): line \(first): \(rejected) of \(rows) rows (\(percent)%) set aside: "
            + reasons.map { "\($0.name) \($0.count) (first at line \($0.firstLine))" }.joined(separator: ", ")
    }
}
