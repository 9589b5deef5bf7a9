// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "letterlag",
    products: [
        .executable(name: "letterlag", targets: ["letterlag"]),
        .library(name: "LetterlagKit", targets: ["LetterlagKit"]),
        // The SQLite extension: libletterlag_sqlite.so, built by scripts/build-sqlite-extension.
        .library(name: "letterlag_sqlite", type: .dynamic, targets: ["LetterlagSQLite"]),
        // The histogram codec alone, for the decoder's fuzz target.
        .library(name: "LetterlagHistogram", targets: ["LetterlagHistogram"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CMalloc"),
        .target(name: "CByteScan"),
        .target(name: "CSQLiteExtension"),
        // The histogram codec and its SQL functions: no SQLite, GRDB or Foundation, so the
        // extension built from it stands alone.
        .target(name: "LetterlagHistogram"),
        .target(name: "LetterlagSQLite", dependencies: ["LetterlagHistogram", "CSQLiteExtension"]),
        .target(
            name: "LetterlagKit",
            dependencies: [
                "CIsal",
                "CZlib",
                "CMalloc",
                "CByteScan",
                "LetterlagHistogram",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: []
        ),
        .executableTarget(
            name: "letterlag",
            dependencies: [
                "LetterlagKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LetterlagKitTests",
            dependencies: ["LetterlagKit", "LetterlagHistogram", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
