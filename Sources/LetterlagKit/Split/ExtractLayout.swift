import Foundation

/// Where each canonical column sits in one file, read from its header line.
///
/// Columns that are not canonical (patient identifiers among them) get no slot, so their
/// bytes are skipped by the row parser and never copied anywhere.
public final class ExtractLayout: Sendable {
    /// For each position in the file, the canonical column it holds, or -1.
    public let slotOfPosition: [Int8]
    public let fieldCount: Int
    /// Whether the file has a `received_at` column; without it, delay runs to `sent_at`.
    public let hasReceived: Bool
    public let hasSent: Bool
    /// Letter-type spellings accepted in this file, canonical names and mapped codes.
    public let typeSpellings: [([UInt8], Int)]
    let letterTypes: LetterTypeMatcher

    /// Builds the layout of `header`, the header line's field names (BOM already removed).
    public init(header: [String], mapping: ColumnMapping, path: String) throws {
        func norm(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces).lowercased() }
        var wanted: [String: CanonicalColumn] = [:]
        for column in CanonicalColumn.allCases {
            wanted[norm(mapping.columns[column] ?? column.name)] = column
        }
        var slots = [Int8](repeating: -1, count: header.count)
        var seenNames: [String: Int] = [:]
        var found: [CanonicalColumn: Int] = [:]
        for (i, raw) in header.enumerated() {
            let name = norm(raw)
            if !name.isEmpty, let earlier = seenNames[name] {
                throw LetterlagError.unreadableFile(path: path, place: "line 1",
                    reason: "header names column '\(raw)' twice (fields \(earlier + 1) and \(i + 1))")
            }
            seenNames[name] = i
            if let column = wanted[name] {
                slots[i] = Int8(column.rawValue)
                found[column] = i
            }
        }
        var missing = CanonicalColumn.allCases.filter { $0.isRequiredValue && found[$0] == nil }
        if found[.sentAt] == nil && found[.receivedAt] == nil { missing.append(.receivedAt) }
        if !missing.isEmpty {
            let names = missing.map { c in mapping.columns[c].map { "'\($0)' (\(c.name))" } ?? "'\(c.name)'" }
            throw LetterlagError.unreadableFile(path: path, place: "line 1",
                reason: "header is missing required column\(missing.count > 1 ? "s" : "") \(names.joined(separator: ", "))")
        }
        slotOfPosition = slots
        fieldCount = header.count
        hasReceived = found[.receivedAt] != nil
        hasSent = found[.sentAt] != nil
        var spellings = LetterType.allCases.map { (Array($0.name.utf8), $0.rawValue) }
        for (code, type) in mapping.letterTypes { spellings.append((Array(code.utf8), type.rawValue)) }
        typeSpellings = spellings
        letterTypes = LetterTypeMatcher(spellings)
    }
}
