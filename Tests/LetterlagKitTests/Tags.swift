import Foundation
import Testing

extension Tag {
    /// Tests that start another program (git, Chromium, Datasette, Debian's Python), kill or stop
    /// ingests in a loop, or store many nights or extracts: `LETTERLAG_QUICK_TESTS=1 swift test`
    /// leaves them out (docs/testing.md), `.ci/run` runs them.
    @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// Skips a `.slow` test when `LETTERLAG_QUICK_TESTS` is set, the quick command's switch.
    static var skippedWhenQuick: Self {
        .disabled(if: ProcessInfo.processInfo.environment["LETTERLAG_QUICK_TESTS"] != nil, "a slow test; the quick command leaves it out")
    }
}
