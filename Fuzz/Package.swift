// swift-tools-version: 6.1
import PackageDescription

// A libFuzzer target for the CSV and timestamp parsers. Build and run it with ./run.
let package = Package(
    name: "letterlag-fuzz",
    dependencies: [.package(name: "letterlag", path: "..")],
    targets: [
        .executableTarget(
            name: "ParserFuzz",
            dependencies: [.product(name: "LetterlagKit", package: "letterlag")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
