import Testing
@testable import LetterlagKit

/// `PackedCode`, which carries the practice view's month rows' codes without strings.
struct PackedCodeTests {
    @Test func aPracticeCodeIsSpelledAsCodeShapeSpellsIt() {
        for number in [0, 1, 9, 10, 99_999, 100_000, 123_456, 2_599_999] + (0..<2_000).map({ $0 * 1_299 + 7 }) {
            #expect(PackedCode(practice: number).text == CodeShape.practiceCode(number), "\(number)")
        }
    }

    @Test func aMonthIsLabelledAsCivilDateLabelsIt() {
        let spread: [Int] = Array(stride(from: 12_000, to: 120_000, by: 37))
        for index in spread + Array(24_228..<24_372) {
            #expect(PackedCode(month: index).text == CivilDate.monthLabel(index), "\(index)")
        }
    }

    @Test func codesOrderAsTheirTextDoes() {
        let texts = ["(all)", "(other)", "RY9", "RY9AB", "RYW", "R1A", "ZZZZZ", "A", "AA", "0", "RY", "(al"]
        for a in texts {
            for b in texts {
                #expect((PackedCode(a)! < PackedCode(b)!) == (a < b), "\(a) \(b)")
                #expect((PackedCode(a)! == PackedCode(b)!) == (a == b), "\(a) \(b)")
            }
            #expect(PackedCode(a)!.text == a)
        }
    }

    @Test func aCodeLongerThanSevenBytesOrNotASCIIHasNoPackedForm() {
        #expect(PackedCode("ABCDEFG") != nil)
        #expect(PackedCode("ABCDEFGH") == nil)
        #expect(PackedCode("Ré") == nil)
        #expect(PackedCode("A\u{0}B") == nil)
    }
}
