/// A trust × letter type left out of a run's practice view because its letters name more
/// practices than England has (a broken export): its letters count everywhere else, and the run
/// is stored (docs/product.md, "Breakdowns"). The run's `breakdown_omissions` rows record it.
public struct PracticeOmission: Sendable, Equatable {
    public var trust: String
    public var type: LetterType
    /// Practices its letters had named when it was left out: one more than the limit.
    public var practices: Int

    /// Distinct practices one trust × letter type's letters may name before it is left out of the
    /// practice view: England has about 6,300 practices, so more is a broken export.
    public static let practicesPerTrustType = 20_000

    /// Why, as stored in `breakdown_omissions.reason`.
    public static let reason = "more than \(practicesPerTrustType) different practice codes in one trust's letters of one type (England has about 6,300 practices); a broken export?"

    /// The warning `ingest` prints on standard error for it.
    public func warning(run: Int64) -> String {
        "warning: \(trust) \(type.name): \(Self.reason) Its letters are left out of run \(run)'s practice view and count everywhere else (breakdown_omissions)"
    }
}
