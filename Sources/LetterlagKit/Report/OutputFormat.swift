/// How a command prints its rows.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json
}
