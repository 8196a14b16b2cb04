// swift-tools-version:6.1
import PackageDescription

// Embeds only the `Definitions` product: the loader and validator, no database driver, gRPC or
// NATS in the build (Tools/test builds and runs this package).
let package = Package(
    name: "validate-definitions",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "activity-core", path: "../..")],
    targets: [
        .executableTarget(
            name: "validate-definitions",
            dependencies: [.product(name: "Definitions", package: "activity-core")],
            path: "Sources/validate-definitions",
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
