// swift-tools-version:6.1
import PackageDescription

// Embeds `Definitions`, `Schedules` and `Sync`: a definitions + schedules sync over the
// in-memory stores and the in-memory schedule service; no PostgreSQL, Temporal or NATS is
// needed, nor linked (Tools/test builds and runs this package).
let package = Package(
    name: "in-memory-sync",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "activity-core", path: "../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "in-memory-sync",
            dependencies: [
                .product(name: "Definitions", package: "activity-core"),
                .product(name: "Schedules", package: "activity-core"),
                .product(name: "Sync", package: "activity-core"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/in-memory-sync",
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
