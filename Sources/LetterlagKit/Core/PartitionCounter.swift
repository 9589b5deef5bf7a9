import Foundation

/// Hands out spill partition numbers, one at a time, to concurrent workers.
final class PartitionCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    private var stopped = false

    init(_ start: Int) { value = start }

    /// The next partition number; `Int.max` once `stop` has been called.
    func take() -> Int {
        lock.withLock {
            if stopped { return .max }
            defer { value += 1 }
            return value
        }
    }

    /// Makes every later `take` return `Int.max`, so workers finish early after a failure.
    func stop() { lock.withLock { stopped = true } }
}
