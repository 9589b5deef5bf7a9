import DequeModule
import Foundation

/// A blocking first-in first-out queue between the inflating thread and the workers.
///
/// Bounded by its users: items are buffer indexes from a fixed pool, or batches limited by a
/// semaphore, so memory does not grow with the file. A popped item is released at once.
final class WorkQueue<Item>: @unchecked Sendable {
    private var items = Deque<Item>()
    private var closed = false
    private let condition = NSCondition()

    func push(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// The next item, waiting for one; nil once the queue is closed and empty.
    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        return items.popFirst()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
