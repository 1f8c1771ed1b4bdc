// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SceneFarm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scenefarm", targets: ["scenefarm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The coordinator's dashboard, HTTP API and /metrics (FarmWeb).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // The PostgreSQL job store (FarmPostgres).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C shims: module maps and headers only, no logic.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenEXR", pkgConfig: "OpenEXR", providers: [.apt(["libopenexr-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        // libyaml's event parser: iterative, so the spec reader bounds depth and aliases itself.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // SHA-256 for spec hashes and content addresses.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // DWAA/DWAB only: OpenEXR 3.1's Core C API cannot encode or decode them.
        .target(
            name: "COpenEXRCxx",
            cxxSettings: [.unsafeFlags(["-fexceptions", "-I/usr/include/OpenEXR", "-I/usr/include/Imath"])],
            linkerSettings: [
                .linkedLibrary("OpenEXR-3_1"), .linkedLibrary("Iex-3_1"), .linkedLibrary("IlmThread-3_1"), .linkedLibrary("Imath-3_1"),
            ]
        ),
        .target(
            name: "COCIO",
            cxxSettings: [.unsafeFlags(["-fexceptions"])],
            linkerSettings: [.linkedLibrary("OpenColorIO")]
        ),

        // Libraries, layered: ImageCore/ShotSpec → Color, Plates, Inference, Chunking → Farm → CLI.
        .target(name: "ImageCore"),
        .target(name: "ShotSpec", dependencies: ["CYAML", "CLibCrypto", "ImageCore"]),
        .target(name: "Color", dependencies: ["COCIO", "ImageCore"]),
        .target(name: "Plates", dependencies: ["COpenEXR", "COpenEXRCxx", "CZlib", "CJPEG", "ImageCore", "Color", "ShotSpec"]),
        .target(name: "Inference", dependencies: ["COpenBLAS", "ImageCore", "ShotSpec", "Color", "Plates"]),
        .target(name: "Chunking", dependencies: ["ImageCore", "ShotSpec"]),
        .target(
            name: "Farm",
            dependencies: [
                "CZeroMQ", "ImageCore", "ShotSpec", "Color", "Plates", "Inference", "Chunking",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The job store on a PostgreSQL server (`--store postgres://…`). Its own module so the fuzz
        // builds, which link Farm, do not compile postgres-nio and its TLS stack.
        .target(
            name: "FarmPostgres",
            dependencies: [
                "Farm",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP beside the coordinator: reads its snapshots, queues actions to its loop.
        .target(
            name: "FarmWeb",
            dependencies: [
                "Farm", "Plates", "ShotSpec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "scenefarm",
            dependencies: [
                "Farm", "FarmPostgres", "FarmWeb", "ShotSpec", "Plates", "Color", "Inference", "Chunking", "ImageCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: subprocess runner, temporary folders, repository paths.
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "ShotSpecTests", dependencies: ["ShotSpec", "TestSupport"]),
        .testTarget(name: "ColorTests", dependencies: ["TestSupport", "Color", "ImageCore"]),
        .testTarget(name: "PlatesTests", dependencies: ["TestSupport", "Plates", "Color", "ImageCore", "ShotSpec"]),
        .testTarget(name: "InferenceTests", dependencies: ["TestSupport", "Inference", "ShotSpec", "ImageCore", "Plates"]),
        .testTarget(name: "ChunkingTests", dependencies: ["TestSupport", "Chunking", "ShotSpec", "ImageCore", "Inference"]),
        .testTarget(name: "FarmTests", dependencies: ["TestSupport", "Farm", "FarmPostgres", "ShotSpec", "Plates", "Inference", "Chunking"]),
        .testTarget(name: "FarmWebTests", dependencies: ["TestSupport", "Farm", "FarmWeb"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "ShotSpec", "Plates", "scenefarm"]),

        // libFuzzer targets (Docs/security.md). Built with -DFUZZING and the fuzzer/address sanitizers
        // in .build-fuzz by Fuzz/fuzz.sh; a plain `swift build` compiles only a stub main for each.
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Fuzz/Sources/FuzzSupport"),
        .executableTarget(name: "FuzzSpec", dependencies: ["FuzzSupport", "ShotSpec", "Chunking"], path: "Fuzz/Sources/FuzzSpec"),
        .executableTarget(name: "FuzzEXR", dependencies: ["FuzzSupport", "Plates", "ImageCore", "ShotSpec"], path: "Fuzz/Sources/FuzzEXR"),
        .executableTarget(name: "FuzzWire", dependencies: ["FuzzSupport", "Farm", "ShotSpec", "Chunking", "Inference"], path: "Fuzz/Sources/FuzzWire"),
        .executableTarget(name: "FuzzPlugin", dependencies: ["FuzzSupport", "Inference", "ShotSpec"], path: "Fuzz/Sources/FuzzPlugin"),
        .executableTarget(name: "FuzzPNG", dependencies: ["FuzzSupport", "Inference", "Plates", "ImageCore", "CZlib"], path: "Fuzz/Sources/FuzzPNG"),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
