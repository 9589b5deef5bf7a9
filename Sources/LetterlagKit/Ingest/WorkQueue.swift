import Foundation

/// A blocking first-in first-out queue between the inflating thread and the workers.
///
/// Bounded by construction: items are buffer indexes from a fixed pool, so at most the
/// pool's size is ever in flight and memory does not grow with the file.
final class WorkQueue<Item>: @unchecked Sendable {
    private var items: [Item] = []
    private var head = 0
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
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
