/// The NHS Digital disclosure rule's one number (docs/product.md, "Disclosure control"): counts
/// from 1 to `largestSuppressed` are never published, nor any statistic resting on them. The
/// practice view names a trust only above it, so every named flow can carry a statistic.
public enum DisclosureThreshold {
    public static let largestSuppressed = 7
    /// The fewest letters a published statistic may rest on.
    public static let smallestShown = largestSuppressed + 1
}
