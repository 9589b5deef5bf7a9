import Foundation
import Testing

/// Keeps docs/architecture.md's arrows true: a folder of the library may name the types of the
/// folders below it, never those above it or beside it.
@Suite struct LayeringTests {
    /// The library's folders, lowest first; folders in one group are peers and may not name each other.
    static let layers: [[String]] = [["Core"], ["Read"], ["Split"], ["Parse"], ["Model"], ["Spill"], ["Duplicates"],
                                     ["Assemble"], ["Store"], ["Report", "Ingest", "Generate"]]

    /// Where a lower folder may still name a higher one's type: none. Were one ever allowed, the
    /// test would fail when it is mended and not taken off this list.
    static let knownCrossings: Set<String> = []

    static let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/LetterlagKit")

    /// Each folder's files, their text without comments.
    static func sources() throws -> [String: [(file: String, text: String)]] {
        var out: [String: [(String, String)]] = [:]
        for folder in layers.flatMap({ $0 }) {
            let dir = library.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                out[folder, default: []].append((name, withoutComments(text)))
            }
        }
        return out
    }

    /// `text` without its line comments: a `//` inside a string literal (a URL in an SVG, say)
    /// starts none, so the code after it on the line is still read.
    static func withoutComments(_ text: String) -> String {
        var out: [UInt8] = []
        var inString = false, escaped = false, inComment = false
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\n") { inComment = false; escaped = false; out.append(c); i += 1; continue }
            if inComment { i += 1; continue }
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/") {
                inComment = true
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func aDoubleSlashInAStringIsNoComment() {
        #expect(Self.withoutComments("let u = \"http://x\" + Foo.bar // Baz") == "let u = \"http://x\" + Foo.bar ")
        #expect(Self.withoutComments("let q = \"a\\\"b\" // c\nlet d = 1") == "let q = \"a\\\"b\" \nlet d = 1")
    }

    /// Whether `text` holds `word` as a whole identifier.
    static func names(_ text: String, _ word: String) -> Bool {
        let chars = Array(text.utf8), target = Array(word.utf8)
        func isIdentifier(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) }
        var i = 0
        while i + target.count <= chars.count {
            if chars[i] == target[0] && Array(chars[i..<(i + target.count)]) == target
                && (i == 0 || !isIdentifier(chars[i - 1])) && (i + target.count == chars.count || !isIdentifier(chars[i + target.count])) {
                return true
            }
            i += 1
        }
        return false
    }

    @Test func theWordMatchFindsWholeIdentifiersOnly() {
        #expect(Self.names("let x = LetterKey.locator(1)", "LetterKey"))
        #expect(!Self.names("let x = LetterKeys.count", "LetterKey") && !Self.names("aLetterKey", "LetterKey"))
    }

    @Test func everyFolderIsALayerAndNoFolderIsLeftOut() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.library.path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(Self.layers.flatMap { $0 }))
    }

    @Test func noFolderNamesATypeOfAFolderAboveOrBesideIt() throws {
        let sources = try Self.sources()
        let level = Dictionary(uniqueKeysWithValues: Self.layers.enumerated().flatMap { i, group in group.map { ($0, i) } })
        // Types declared at the top level of each file.
        let declaration = try Regex(#"(?m)^(?:public |internal |fileprivate |private )?(?:final )?(?:struct|class|enum|protocol|actor|typealias) ([A-Z][A-Za-z0-9]*)"#)
        var declaredIn: [String: String] = [:]
        for (folder, files) in sources {
            for f in files { for m in f.text.matches(of: declaration) { declaredIn[String(m.output[1].substring!)] = folder } }
        }
        #expect(declaredIn.count > 100, "the declarations were found")
        var crossings: Set<String> = []
        for (folder, files) in sources {
            let mine = level[folder]!
            for (type, home) in declaredIn where home != folder && level[home]! >= mine {
                if files.contains(where: { Self.names($0.text, type) }) { crossings.insert("\(folder) names \(type) (\(home))") }
            }
        }
        #expect(crossings == Self.knownCrossings, "new: \(crossings.subtracting(Self.knownCrossings).sorted()); mended: \(Self.knownCrossings.subtracting(crossings).sorted())")
    }
}
