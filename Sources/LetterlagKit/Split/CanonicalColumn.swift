/// The columns of extract format v1, in their canonical order.
public enum CanonicalColumn: Int, CaseIterable, Sendable {
    case letterID, trustCode, siteCode, practiceCode, specialtyCode, letterType, eventAt, sentAt, receivedAt, channel

    public var name: String {
        switch self {
        case .letterID: "letter_id"
        case .trustCode: "trust_code"
        case .siteCode: "site_code"
        case .practiceCode: "practice_code"
        case .specialtyCode: "specialty_code"
        case .letterType: "letter_type"
        case .eventAt: "event_at"
        case .sentAt: "sent_at"
        case .receivedAt: "received_at"
        case .channel: "channel"
        }
    }

    /// Columns a row may not leave empty; the others may be blank per docs/product.md.
    public var isRequiredValue: Bool {
        switch self {
        case .letterID, .trustCode, .practiceCode, .specialtyCode, .letterType, .eventAt: true
        case .siteCode, .sentAt, .receivedAt, .channel: false
        }
    }
}
