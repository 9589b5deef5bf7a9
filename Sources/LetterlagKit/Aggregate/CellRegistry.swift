import Foundation

/// Numbers a run's cells (trust × letter type × event week) in order of first sight, shared
/// by all workers, so that records spilled by different workers name a cell the same way.
///
/// Workers cache the numbers they have seen, so the lock is taken once per cell per worker,
/// not per row. A cell names its trust by a dense index: a three-character code's number
/// (`CodeShape.trustNumber`), or for four- and five-character codes the next index from here.
final class CellRegistry: @unchecked Sendable {
    /// Trust codes of three characters are indexed by their number, below this.
    static let fastTrustCodes = CodeShape.threeCharacterTrusts
    /// Four- and five-character trust codes one run may hold: each costs every worker's cell
    /// index a few bytes, so a broken extract of all-different codes stops here, not in swap.
    static let otherTrustLimit = 50_000

    private let lock = NSLock()
    private var numbers: [CellKey: UInt32] = [:]
    private var keyList: [CellKey] = []
    private var otherTrusts: [Int: Int] = [:]
    private var otherTrustNumbers: [Int] = []

    /// The number of the cell with `key`, assigning the next one when it is new.
    func number(of key: CellKey) throws -> UInt32 {
        try lock.withLock {
            if let n = numbers[key] { return n }
            guard keyList.count < Int(UInt32.max) else {
                throw LetterlagError.implausibleExtract("more than \(UInt32.max) trust × letter type × week cells; the extract's dates or trust codes are not plausible")
            }
            let n = UInt32(keyList.count)
            numbers[key] = n
            keyList.append(key)
            return n
        }
    }

    /// The index of a trust whose code has four or five characters, by its `CodeShape.trustNumber`.
    func otherTrustIndex(_ number: Int) throws -> Int {
        try lock.withLock {
            if let i = otherTrusts[number] { return i }
            guard otherTrustNumbers.count < Self.otherTrustLimit else {
                throw LetterlagError.implausibleExtract("more than \(Self.otherTrustLimit) trust codes of four or five characters; the extract's trust codes are not plausible")
            }
            let i = Self.fastTrustCodes + otherTrustNumbers.count
            otherTrusts[number] = i
            otherTrustNumbers.append(number)
            return i
        }
    }

    var count: Int { lock.withLock { keyList.count } }

    /// Every cell's key, by number; read once the pass is over.
    var keys: [CellKey] { lock.withLock { keyList } }

    func trustName(_ index: Int) -> String {
        CodeShape.trustCode(index < Self.fastTrustCodes ? index : lock.withLock { otherTrustNumbers[index - Self.fastTrustCodes] })
    }

    /// The cell a key names.
    func cellID(ofKey key: CellKey) -> CellID {
        CellID(trust: trustName(key.trust), type: LetterType(rawValue: key.type)!, week: key.week)
    }
}
