// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "triage",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "triage", targets: ["triage"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries (Debian: zlib1g-dev, libxml2-dev).
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),

        // The contract: pure, no I/O.
        .target(name: "TriageCore"),
        // Bytes in and out: gzip, readers, parsers, report writers.
        .target(name: "TriageIO", dependencies: ["TriageCore", "CZlib", "CLibXML2"]),
        // The SQLite findings store (GRDB; SQLite from libsqlite3-dev).
        .target(
            name: "TriageStore",
            dependencies: [
                "TriageCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // AWS Signature Version 4: canonical request, signer, verifier, signing-key cache.
        .target(
            name: "TriageSigV4", dependencies: ["TriageCore", .product(name: "Crypto", package: "swift-crypto")]),
        // `triage serve`: routes, auth, config, policies, quotas, faults (Hummingbird).
        .target(
            name: "TriageServer",
            dependencies: [
                "TriageStore", .product(name: "Crypto", package: "swift-crypto"), "TriageSigV4", "TriageCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The AWS side of `--target securityhub`: the credential chain, Region endpoints and the
        // Security Hub client (AsyncHTTPClient), signed with TriageSigV4.
        .target(
            name: "TriageSecurityHub",
            dependencies: [
                "TriageCore", "TriageSigV4", "CLibXML2",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `s3://BUCKET/KEY` inputs and outputs: TriageIO's RemoteObjectStore over S3's REST API
        // (ranged GETs, PutObject, multipart uploads), signed with the run's own credentials.
        .target(
            name: "TriageS3",
            dependencies: [
                "TriageIO", "TriageSecurityHub", "TriageSigV4", "TriageCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // The pipeline: the only module that creates queues. Prometheus: the `--metrics` file
        // (its registry writes the text exposition format).
        .target(
            name: "TriageJob",
            dependencies: [
                "TriageCore", "TriageIO", "TriageStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "triage",
            dependencies: [
                "TriageJob", "TriageCore", "TriageIO", "TriageStore", "TriageServer", "TriageSecurityHub", "TriageS3",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .target(
            name: "TriageTestSupport", dependencies: ["TriageCore", "TriageIO", "TriageSigV4", "CLibXML2"],
            path: "Tests/TriageTestSupport"),
        // The load generator of jobs/bench-serve (signed requests over keep-alive connections).
        .executableTarget(
            name: "TriageLoad", dependencies: ["TriageTestSupport", "TriageIO", "TriageSigV4", "TriageCore"],
            path: "Tests/TriageLoad"),
        .testTarget(name: "TriageCoreTests", dependencies: ["TriageCore", "TriageTestSupport"]),
        .testTarget(
            name: "TriageStoreTests",
            dependencies: [
                "TriageStore", "TriageCore", "TriageTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "TriageIOTests", dependencies: ["TriageIO", "TriageCore", "TriageTestSupport", "CLibXML2"]),
        .testTarget(
            name: "TriageJobTests",
            dependencies: [
                "TriageJob", "TriageIO", "TriageCore", "TriageStore", "TriageTestSupport", "triage", "TriageLoad",
            ],
            exclude: ["Golden"]),
        // Local HTTP stand-ins (STS, SSO, container endpoint, IMDS) for credential tests.
        .target(
            name: "TriageStandIn",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TriageStandIn"),
        .testTarget(
            name: "TriageSecurityHubTests",
            dependencies: [
                "TriageSecurityHub", "TriageStandIn", "TriageCore", "TriageSigV4", "TriageTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "TriageSigV4Tests", dependencies: ["TriageSigV4", "TriageTestSupport"]),
        // s3:// inputs and outputs against moto's S3 server on 127.0.0.1 (started by the suites).
        .testTarget(
            name: "TriageS3Tests",
            dependencies: ["TriageS3", "TriageIO", "TriageJob", "TriageCore", "TriageTestSupport", "triage"]),
        .testTarget(
            name: "TriageServerTests",
            dependencies: [
                "TriageServer", "TriageStore", "TriageSigV4", "TriageCore", "TriageIO", "TriageTestSupport", "triage",
                "TriageStandIn",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
