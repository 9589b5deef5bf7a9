/// Which inflater reads `.gz` files: ISA-L by default, zlib as a cross-check and fallback.
public enum InflaterKind: String, CaseIterable, Sendable {
    case isal, zlib
}
