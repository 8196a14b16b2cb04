// swift-tools-version:6.1
import PackageDescription

/// One settings array for every target, so the whole package builds in one language mode.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "activity-core",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Definitions", targets: ["Definitions"]),
        .library(name: "Outbound", targets: ["Outbound"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "Schedules", targets: ["Schedules"]),
        .library(name: "Temporal", targets: ["Temporal"]),
        .library(name: "NATS", targets: ["NATS"]),
        .library(name: "EventTypes", targets: ["EventTypes"]),
        .library(name: "CodedErrors", targets: ["CodedErrors"]),
        .library(name: "Coordination", targets: ["Coordination"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        .library(name: "Runs", targets: ["Runs"]),
        .library(name: "Sync", targets: ["Sync"]),
        .library(name: "AdminAPI", targets: ["AdminAPI"]),
        .library(name: "HTTPActions", targets: ["HTTPActions"]),
        .library(name: "Settings", targets: ["Settings"]),
        .library(name: "Worker", targets: ["Worker"]),
        .executable(name: "activity-core", targets: ["activity-core"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(
            // Which addresses http actions may reach (ACTIVITY_HTTP_ALLOW) and the resolver seam.
            name: "Outbound",
            path: "Modules/Outbound/Sources/Outbound",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutboundTests",
            dependencies: ["Outbound"],
            path: "Modules/Outbound/Tests/OutboundTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Definitions",
            dependencies: [
                "Outbound",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/Definitions/Sources/Definitions",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DefinitionsTests",
            dependencies: ["Definitions", "Outbound", .product(name: "Logging", package: "swift-log")],
            path: "Modules/Definitions/Tests/DefinitionsTests",
            swiftSettings: swiftSettings
        ),
        .target(
            // The one error shape: stable code, message, underlying cause kept as a value.
            name: "CodedErrors",
            path: "Modules/CodedErrors/Sources/CodedErrors",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CodedErrorsTests",
            dependencies: ["CodedErrors"],
            path: "Modules/CodedErrors/Tests/CodedErrorsTests",
            swiftSettings: swiftSettings
        ),
        .target(
            // Small concurrency helpers: a gate opened once, work run once however many ask.
            name: "Coordination",
            path: "Modules/Coordination/Sources/Coordination",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CoordinationTests",
            dependencies: ["Coordination"],
            path: "Modules/Coordination/Tests/CoordinationTests",
            swiftSettings: swiftSettings
        ),
        .target(
            // A Temporal workflow and its activities as pure values and functions (history in,
            // commands out); the Temporal module runs them, Runs implements them.
            name: "Workflows",
            path: "Modules/Workflows/Sources/Workflows",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Runs",
            dependencies: [
                "Definitions",
                "Workflows",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/Runs/Sources/Runs",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunsTests",
            dependencies: [
                "Runs", "Definitions", "Workflows",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Modules/Runs/Tests/RunsTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Schedules",
            dependencies: [
                "CodedErrors",
                "Coordination",
                "Definitions",
                "Runs",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/Schedules/Sources/Schedules",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulesTests",
            dependencies: ["Schedules", .product(name: "Logging", package: "swift-log")],
            path: "Modules/Schedules/Tests/SchedulesTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Temporal",
            dependencies: [
                "CodedErrors",
                // The adapter of the Schedules domain (schedule service), of Runs (the worker
                // runtime runs its workflow) and of EventTypes (the workflow starter).
                "Schedules",
                "Definitions",
                "Workflows",
                "Runs",
                "EventTypes",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/Temporal/Sources/Temporal",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TemporalTests",
            dependencies: [
                "Temporal",
                "CodedErrors",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Modules/Temporal/Tests/TemporalTests",
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CodedErrors",
                // Adapters depend on the domain modules whose stores they are, never the reverse.
                "Definitions",
                "Schedules",
                "Runs",
                "EventTypes",
                "Sync",
                "Coordination",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/Postgres/Sources/Postgres",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres"],
            path: "Modules/Postgres/Tests/PostgresTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Sync",
            dependencies: [
                "Definitions",
                "Schedules",
                "Coordination",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Modules/Sync/Sources/Sync",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "Definitions", "Schedules",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Modules/Sync/Tests/SyncTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AdminAPI",
            dependencies: [
                "Sync",
                "Outbound",
                "Definitions",
                "Schedules",
                "Runs",
                "EventTypes",
                "Coordination",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/AdminAPI/Sources/AdminAPI",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdminAPITests",
            dependencies: [
                "AdminAPI", "Sync", "Definitions", "Schedules", "EventTypes", "Coordination",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/AdminAPI/Tests/AdminAPITests",
            swiftSettings: swiftSettings
        ),
        .target(
            // The http action (AsyncHTTPClient), an adapter of the Runs domain's ActionExecutor.
            name: "HTTPActions",
            dependencies: [
                "Definitions",
                "Outbound",
                "Runs",
                "Workflows",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Modules/HTTPActions/Sources/HTTPActions",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPActionsTests",
            dependencies: ["HTTPActions", "Outbound", "Definitions", "Runs", "TestSupport"],
            path: "Modules/HTTPActions/Tests/HTTPActionsTests",
            swiftSettings: swiftSettings
        ),
        .target(
            // Everything activity-core reads from its environment, with the contract's defaults.
            name: "Settings",
            dependencies: [
                "Definitions", "Outbound", "Postgres", "Schedules", "Runs", "Temporal", "NATS", "HTTPActions",
                "AdminAPI",
            ],
            path: "Modules/Settings/Sources/Settings",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SettingsTests",
            dependencies: ["Settings", "NATS"],
            path: "Modules/Settings/Tests/SettingsTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Worker",
            dependencies: [
                "Settings",
                "Runs",
                "Workflows",
                "Definitions",
                "Postgres",
                "Schedules",
                "Temporal",
                "NATS",
                "EventTypes",
                "Sync",
                "AdminAPI",
                "HTTPActions",
                "Coordination",
                "CodedErrors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/Worker/Sources/Worker",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "activity-core",
            dependencies: ["Worker"],
            path: "Modules/Worker/Sources/activity-core",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "Worker", "Sync", "NATS", "EventTypes", "Postgres", "Definitions", "AdminAPI", "Runs", "Schedules",
                "Workflows",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/Worker/Tests/WorkerTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EventTypes",
            dependencies: [
                "Definitions",
                "Runs",
                "Coordination",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/EventTypes/Sources/EventTypes",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventTypesTests",
            dependencies: ["EventTypes", "Definitions", .product(name: "Logging", package: "swift-log")],
            path: "Modules/EventTypes/Tests/EventTypesTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NATS",
            dependencies: [
                "CodedErrors",
                // The adapter of EventTypes (event sources) and Runs (publisher, nats.publish).
                "Definitions",
                "EventTypes",
                "Runs",
                "Coordination",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Modules/NATS/Sources/NATS",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NATSTests",
            dependencies: ["NATS", "EventTypes", .product(name: "NIOCore", package: "swift-nio")],
            path: "Modules/NATS/Tests/NATSTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Modules/TestSupport/Sources/TestSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "activity-core-bench",
            dependencies: [
                "Coordination", "Definitions", "Postgres", "Schedules", "Temporal", "Worker", "TestSupport", "NATS",
                "EventTypes", "Workflows", "Runs", "HTTPActions", "Outbound",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Tools/bench/Sources/activity-core-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Definitions", "Postgres", "Schedules", "Temporal", "Worker", "TestSupport", "NATS", "Sync",
                "EventTypes", "HTTPActions", "Outbound",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "IntegrationTests",
            swiftSettings: swiftSettings
        ),
    ]
)
