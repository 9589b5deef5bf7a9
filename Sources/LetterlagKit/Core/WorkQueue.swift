import DequeModule
import Dispatch
import Synchronization

/// A blocking first-in first-out queue between the inflating thread and the workers.
///
/// Bounded by its users: items are buffer indexes from a fixed pool, or batches limited by a
/// semaphore, so memory does not grow with the file. A popped item is released at once. The
/// items sit in a `Mutex`; a semaphore counts them (and, once, the close) for the waiters.
final class WorkQueue<Item: Sendable>: Sendable {
    private let state = Mutex<(items: Deque<Item>, closed: Bool)>(([], false))
    /// Signalled once per item pushed, and once by `close`; a waiter that finds the queue closed
    /// and empty signals again, so every other waiter wakes to find it so too.
    private let available = DispatchSemaphore(value: 0)

    func push(_ item: Item) {
        state.withLock { $0.items.append(item) }
        available.signal()
    }

    /// The next item, waiting for one; nil once the queue is closed and empty.
    func pop() -> Item? {
        while true {
            available.wait()
            let (item, closed) = state.withLock { s in (s.items.popFirst(), s.closed) }
            if let item { return item }
            if closed {
                available.signal()
                return nil
            }
        }
    }

    func close() {
        state.withLock { $0.closed = true }
        available.signal()
    }
}
