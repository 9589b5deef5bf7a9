/// How a letter travelled (docs/product.md, "The extract"): an empty or unrecognised `channel`
/// is `unknown`, and the letter still counts. Stored in two bits of `LetterDimensions`.
public enum LetterChannel: Int, CaseIterable, Sendable {
    case unknown = 0, electronic, post, email

    /// The name every output and the database use.
    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .electronic: "electronic"
        case .post: "post"
        case .email: "email"
        }
    }

    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }

    /// The channel a field spells, ignoring ASCII case; anything else is `unknown`, so no
    /// other text of the field is kept.
    @inline(__always)
    static func of(_ field: UnsafeBufferPointer<UInt8>) -> Int {
        guard let p = field.baseAddress else { return 0 }
        @inline(__always) func lower(_ i: Int) -> UInt8 { p[i] | 0x20 }
        switch field.count {
        case 4 where lower(0) == 0x70 && lower(1) == 0x6F && lower(2) == 0x73 && lower(3) == 0x74:
            return LetterChannel.post.rawValue
        case 5 where lower(0) == 0x65 && lower(1) == 0x6D && lower(2) == 0x61 && lower(3) == 0x69 && lower(4) == 0x6C:
            return LetterChannel.email.rawValue
        // Spelled out, as a static array of the letters cost a `swift_once` check on every row
        // (0.6% of a national ingest's time).
        case 10 where lower(0) == 0x65 && lower(1) == 0x6C && lower(2) == 0x65 && lower(3) == 0x63 && lower(4) == 0x74
            && lower(5) == 0x72 && lower(6) == 0x6F && lower(7) == 0x6E && lower(8) == 0x69 && lower(9) == 0x63:
            return LetterChannel.electronic.rawValue
        default:
            return LetterChannel.unknown.rawValue
        }
    }
}
