// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so the main package never pulls in the harness.
// Run: swift package --package-path Benchmarks benchmark
// Check against the committed thresholds: swift package --package-path Benchmarks benchmark thresholds check
let package = Package(
    name: "letterlag-benchmarks",
    dependencies: [
        .package(name: "letterlag", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LetterlagBenchmarks",
            dependencies: [
                .product(name: "LetterlagKit", package: "letterlag"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LetterlagBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
