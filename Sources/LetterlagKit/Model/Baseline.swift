/// The historical baseline: letters reached GPs in 3 to 4 days forty years ago (docs/product.md,
/// "The historical baseline"). Within-3-days and within-4-days figures, the 4 days a period
/// waits before it is complete, and the median's multiple of the baseline all come from here.
public enum Baseline {
    static let threeDays: Int64 = 3 * 86_400
    static let fourDays: Int64 = 4 * 86_400
    /// The baseline's midpoint, 3.5 days, in hours.
    public static let midpointHours = 84.0
}
