import Foundation

/// How a trust's own header names and letter-type codes map onto the canonical ones.
///
/// Read from `--mapping FILE`, a JSON object
/// `{"columns": {"canonical_name": "Header In File"}, "letter_types": {"CODE": "canonical_type"}}`.
/// Names not mapped are matched by their canonical spelling, ignoring case and spaces around them.
public struct ColumnMapping: Sendable, Equatable {
    public var columns: [CanonicalColumn: String] = [:]
    public var letterTypes: [String: LetterType] = [:]

    public init() {}

    public init(columns: [CanonicalColumn: String], letterTypes: [String: LetterType]) {
        self.columns = columns
        self.letterTypes = letterTypes
    }

    private struct File: Decodable {
        var columns: [String: String]?
        var letter_types: [String: String]?
    }

    public init(json data: Data, path: String) throws {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw LetterlagError.badMapping("\(path) is not JSON of the form {\"columns\": {...}, \"letter_types\": {...}}")
        }
        for (canonical, header) in file.columns ?? [:] {
            guard let column = CanonicalColumn.allCases.first(where: { $0.name == canonical }) else {
                throw LetterlagError.badMapping("\(path) maps unknown canonical column '\(canonical)'")
            }
            columns[column] = header
        }
        for (code, canonical) in file.letter_types ?? [:] {
            guard let type = LetterType(name: canonical) else {
                throw LetterlagError.badMapping("\(path) maps '\(code)' to unknown letter type '\(canonical)'")
            }
            letterTypes[code] = type
        }
    }

    public static func load(path: String) throws -> ColumnMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LetterlagError.badMapping("cannot read \(path)")
        }
        return try ColumnMapping(json: data, path: path)
    }
}
