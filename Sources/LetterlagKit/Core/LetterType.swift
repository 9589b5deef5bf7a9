/// The four kinds of letter docs/product.md defines.
public enum LetterType: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case dischargeSummary = 0
    case aeDischarge = 1
    case clinicLetter = 2
    case dnaNotification = 3

    /// The canonical name used in extracts, the database and every output.
    public var name: String {
        switch self {
        case .dischargeSummary: "discharge_summary"
        case .aeDischarge: "ae_discharge"
        case .clinicLetter: "clinic_letter"
        case .dnaNotification: "dna_notification"
        }
    }

    public var description: String { name }

    /// Bits a letter type's number takes where it is packed into a word (`TrustTypePair`,
    /// `CellKey`, the practice view's flow keys): the one home of that width. A fifth type needs
    /// 3, and `theLetterTypesFitTheirBits` fails until it is given them.
    static let bits = 2
    /// The mask of `bits`.
    static let mask = 1 << bits - 1

    public init?(name: String) {
        guard let t = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }
}
