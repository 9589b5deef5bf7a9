/// What a run's delay runs to (docs/product.md, "Letters and their delay"): receipt by the
/// practice, or sending when the extract has no `received_at`. Stored and printed as its raw value.
public enum DelayTarget: String, Sendable, Codable, CaseIterable {
    case received, sent

    /// What the delay measures, as every output says it.
    public var description: String {
        switch self {
        case .received: "event to receipt by the practice"
        case .sent: "event to sending (the extract has no received_at)"
        }
    }
}
