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
    /// The database could not be opened, read or written; `statement` is the SQL that failed, when one did.
    case database(path: String, reason: String, statement: String?)
    case noRuns(String)
    case alreadyIngested(path: String, runID: Int64)
    case busy(String)
    /// Temporary space for the run's per-row records could not be created, written or read.
    case spill(String)
    /// An extract whose size or spread is beyond what one run can hold (cells, trusts, chunks).
    case implausibleExtract(String)
    /// An output file or standard output that cannot be written.
    case cannotWrite(path: String, reason: String)
    /// Files that cannot be read as one run, though each can be read alone.
    case incompatibleFiles(String)
    /// `spc --fail-on concern`: series whose latest point is a special-cause concern, one line each.
    case concern([String])

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
        case let .database(path, reason, statement):
            "database: \(path): \(reason)" + (statement.map { " (statement: \($0.split(whereSeparator: \.isWhitespace).joined(separator: " ")))" } ?? "")
        case let .noRuns(m): m
        case let .alreadyIngested(path, id):
            "\(path): this content was already ingested in run \(id); use --replace to replace that run"
        case let .busy(m): m
        case let .spill(m): m
        case let .implausibleExtract(m): m
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .incompatibleFiles(m): m
        case let .concern(lines):
            (lines + ["\(lines.count) series \(lines.count == 1 ? "has its" : "have their") latest point a special-cause concern"])
                .joined(separator: "\n")
        }
    }

    /// The process exit code, as the README's table of exit codes documents it.
    public var exitCode: Int32 {
        switch self {
        case .unreadableFile, .implausibleExtract, .incompatibleFiles: 3
        case .tooManyRejected: 4
        case .badLimits, .badMapping, .badArgument: 2
        case .database, .busy: 5
        case .noRuns: 6
        case .alreadyIngested: 7
        case .spill: 8
        case .concern: 9
        case .cannotWrite: 10
        }
    }
}

