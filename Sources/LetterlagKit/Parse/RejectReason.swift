/// Why a row was set aside. Each reason is counted per run and shown with example line numbers.
public enum RejectReason: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case wrongFieldCount
    case unterminatedQuote
    case requiredFieldEmpty
    case invalidCode
    case unknownLetterType
    case unreadableTimestamp
    case impossibleTimestamp
    case sentBeforeEvent
    case receivedBeforeEvent
    case receivedBeforeSent
    case afterAsOf
    case duplicateLetterID

    /// The stable name stored in the database and printed by `ingest`.
    public var name: String {
        switch self {
        case .wrongFieldCount: "wrong_field_count"
        case .unterminatedQuote: "unterminated_quote"
        case .requiredFieldEmpty: "required_field_empty"
        case .invalidCode: "invalid_code"
        case .unknownLetterType: "unknown_letter_type"
        case .unreadableTimestamp: "unreadable_timestamp"
        case .impossibleTimestamp: "impossible_timestamp"
        case .sentBeforeEvent: "sent_before_event"
        case .receivedBeforeEvent: "received_before_event"
        case .receivedBeforeSent: "received_before_sent"
        case .afterAsOf: "after_as_of"
        case .duplicateLetterID: "duplicate_letter_id"
        }
    }

    public var description: String { name }
}
