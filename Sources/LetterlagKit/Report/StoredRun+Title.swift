/// How every output names a run and what its delay measures.
extension StoredRun {
    /// What the run's delay measures, as every output says (docs/product.md, "Letters and their delay").
    public var delayDescription: String { delayTo.description }

    /// The line a table of the run's figures starts with: `Run 3, as of …; delay is …`.
    public var title: String { "Run \(id), as of \(asOf); delay is \(delayDescription)" }
}
