// swift-tools-version:6.0
import PackageDescription

// settle closes the books of an LLM API gateway. The targets keep the rules apart from I/O:
// SettleCore holds the domain (money, events, periods, configuration model) and does no I/O;
// SettleFormats reads and writes files; SettleStore keeps state in SQLite or PostgreSQL;
// SettleJobs runs units of work with run records and locks; `settle` is a thin command line.
/// Every target is built the same way: existential types spelled `any` (so a protocol used as a
/// type is visible as one), and members visible only from modules a file imports itself.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "settle",
    products: [
        .executable(name: "settle", targets: ["settle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CPostgreSQL",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // PDF documents: cairo draws, pango lays out text in any script, fonts embedded.
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]
        ),
        // PDF structure: qpdf turns cairo's invoice into a PDF/A-3 with its Factur-X XML embedded.
        .systemLibrary(
            name: "CQPDF",
            pkgConfig: "libqpdf",
            providers: [.apt(["libqpdf-dev"])]
        ),
        // Bank statements (ISO 20022 camt.053) are XML: parsed by libxml2, never by patterns.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "SettleCore", swiftSettings: settings),
        // The two threading primitives settle's pipelines use: a bounded hand-over between two
        // threads, and work started on another thread and waited for.
        .target(name: "SettleThreads", swiftSettings: settings),
        // XLSX workbooks (reconciliation, finance, invoices) through libxlsxwriter.
        .target(name: "SettleWorkbook", dependencies: ["SettleCore", "SettleFormats", "CXLSXWriter"], swiftSettings: settings),
        .target(
            name: "SettleFormats",
            dependencies: [
                "SettleCore", "SettleThreads", "CZstd", "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: settings
        ),
        .target(name: "SettleStore", dependencies: ["SettleCore", "CSQLite", "CPostgreSQL"], swiftSettings: settings),
        // The documents customers and sellers receive, as PDF through cairo and pango.
        // Factur-X PDFs too: the e-invoice's XML embedded in the PDF/A-3 through qpdf.
        .target(
            name: "SettleDocuments",
            dependencies: ["SettleCore", "SettleFormats", "CCairo", "CQPDF"],
            exclude: ["sRGB-icc-LICENSE.txt"],
            swiftSettings: settings
        ),
        // Charts as inline SVG, drawn by settle: the site's pages carry them, nothing is fetched.
        .target(name: "SettleCharts", dependencies: ["SettleCore"], swiftSettings: settings),
        // The static site (FINANCE.md, "The site"): typed, escaped HTML pages from the books.
        .target(name: "SettleSite", dependencies: ["SettleCore", "SettleCharts"], swiftSettings: settings),
        // Deterministic synthetic gateway data and provider reports: the demo, tests and benchmarks.
        .target(name: "SettleGenerate", dependencies: ["SettleCore", "SettleFormats"], swiftSettings: settings),
        // Every file parser driven with arbitrary bytes: the fuzz targets and the seed-corpus test.
        .target(name: "SettleFuzzing", dependencies: ["SettleCore", "SettleFormats"], swiftSettings: settings),
        // libFuzzer's entry (scripts/fuzz builds it with -DFUZZING -sanitize=fuzzer), else a replayer.
        .executableTarget(name: "settle-fuzz", dependencies: ["SettleFuzzing"], swiftSettings: settings),
        .target(
            name: "SettleJobs",
            dependencies: [
                "SettleCore", "SettleFormats", "SettleStore", "SettleWorkbook", "SettleThreads", "SettleDocuments", "SettleSite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "settle",
            dependencies: [
                "SettleCore", "SettleFormats", "SettleStore", "SettleJobs", "SettleGenerate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // Temp folders, fixture writers and the list of stores every store test runs against.
        .target(name: "SettleTestSupport", dependencies: ["SettleStore", "SettleFormats", "CPostgreSQL", "CSQLite"], path: "Tests/SettleTestSupport", swiftSettings: settings),
        .testTarget(name: "SettleCoreTests", dependencies: ["SettleCore"], swiftSettings: settings),
        .testTarget(name: "SettleFormatsTests", dependencies: ["SettleFormats", "SettleThreads", "SettleTestSupport", "SettleFuzzing"], swiftSettings: settings),
        .testTarget(name: "SettleStoreTests", dependencies: ["SettleStore", "SettleFormats", "SettleTestSupport"], swiftSettings: settings),
        .testTarget(name: "SettleJobsTests", dependencies: ["SettleJobs", "SettleGenerate", "SettleTestSupport"], swiftSettings: settings),
        .testTarget(name: "SettleWorkbookTests", dependencies: ["SettleWorkbook", "SettleTestSupport"], swiftSettings: settings),
        .testTarget(name: "SettleDocumentsTests", dependencies: ["SettleDocuments", "SettleTestSupport"], swiftSettings: settings),
        .testTarget(name: "SettleChartsTests", dependencies: ["SettleCharts", "SettleSite"], swiftSettings: settings),
    ]
)
