import Synchronization

/// Hands out spill partition numbers, one at a time, to concurrent workers.
final class PartitionCounter: Sendable {
    private let state: Mutex<(next: Int, stopped: Bool)>

    init(_ start: Int) { state = Mutex((start, false)) }

    /// The next partition number; `Int.max` once `stop` has been called.
    func take() -> Int {
        state.withLock { s in
            if s.stopped { return .max }
            defer { s.next += 1 }
            return s.next
        }
    }

    /// Makes every later `take` return `Int.max`, so workers finish early after a failure.
    func stop() { state.withLock { $0.stopped = true } }
}
