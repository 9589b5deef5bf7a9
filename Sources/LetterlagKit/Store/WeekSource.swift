/// Where weeks are read from: one run's snapshot, or the history across runs (docs/schema.md,
/// "History"), where each week comes from the run with the latest as-of time that covered it.
public enum WeekSource: Sendable, Equatable {
    case run(Int64)
    case history
}
