// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for the CSV and timestamp parsers and for the stored histogram decoder.
// Build and run them with ./run.
let package = Package(
    name: "letterlag-fuzz",
    dependencies: [.package(name: "letterlag", path: "..")],
    targets: [
        .executableTarget(
            name: "ParserFuzz",
            dependencies: [.product(name: "LetterlagKit", package: "letterlag")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "HistogramFuzz",
            dependencies: [.product(name: "LetterlagHistogram", package: "letterlag")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
