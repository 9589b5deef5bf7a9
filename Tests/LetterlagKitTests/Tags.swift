import Testing

extension Tag {
    /// Tests that start another program (git, Chromium, Datasette, Debian's Python), kill processes
    /// in a loop, or store many nights: the quick command (docs/testing.md) leaves them out.
    @Tag static var slow: Self
}
