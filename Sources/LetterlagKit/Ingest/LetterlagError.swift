/// Every failure a user can meet; `description` is what they read: one line, or for too many
/// rows set aside one line per file and one for the run, each to be shown as `letterlag: LINE`.
public enum LetterlagError: Error, CustomStringConvertible, Equatable {
    /// A file that cannot be read: the run stops and stores nothing.
    case unreadableFile(path: String, place: String, reason: String)
    /// Too large a share of rows were set aside; `files` are those with rows set aside, in order.
    case tooManyRejected(files: [RejectedRows], rejected: Int, rows: Int, limitPercent: Double)
    case badLimits(String)
    case badMapping(String)
    case badArgument(String)
    case database(String)
    case noRuns(String)
    case alreadyIngested(path: String, runID: Int64)
    case busy(String)
    /// Temporary space for the run's per-row records could not be created, written or read.
    case spill(String)
    /// An extract whose size or spread is beyond what one run can hold (cells, trusts, chunks).
    case implausibleExtract(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, place, reason): "\(path): \(place): \(reason)"
        case let .tooManyRejected(files, rejected, rows, limit):
            (files.map(\.description) + [
                "\(rejected) of \(rows) rows were set aside, more than the \(limit)% allowed (--max-rejected); nothing was stored",
            ]).joined(separator: "\n")
        case let .badLimits(m): "contract limits: \(m)"
        case let .badMapping(m): "column mapping: \(m)"
        case let .badArgument(m): m
        case let .database(m): "database: \(m)"
        case let .noRuns(m): m
        case let .alreadyIngested(path, id):
            "\(path): this content was already ingested in run \(id); use --replace to replace that run"
        case let .busy(m): m
        case let .spill(m): m
        case let .implausibleExtract(m): m
        }
    }

    /// The process exit code documented in the README.
    public var exitCode: Int32 {
        switch self {
        case .unreadableFile, .implausibleExtract: 3
        case .tooManyRejected: 4
        case .badLimits, .badMapping, .badArgument: 2
        case .database, .busy: 5
        case .noRuns: 6
        case .alreadyIngested: 7
        case .spill: 8
        }
    }
}

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
