/// Facts about the tool itself.
public enum Letterlag {
    public static let version = "0.1.0"
}
