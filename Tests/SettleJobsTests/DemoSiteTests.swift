import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleTestSupport
@testable import SettleJobs

/// The demo's site (issue 35), as scripts/test's demo wrote it in $SETTLE_DEMO_DIR: every page
/// opens in a real browser (Debian's headless Chromium) from file:// with no console error and
/// nothing fetched, its screenshot is the window's size and not blank; no customer page holds
/// another customer's id, name or invoice; a second run changes no page.
@Suite(.serialized) struct DemoSiteTests {
    static var site: String? { DemoEInvoicesTests.demo.map { "\($0)/out/site" } }

    static func requireDemo() -> String? {
        guard let site else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("SETTLE_DEMO_DIR is not set; run the tests through scripts/test") }
            return nil
        }
        return site
    }

    static func pages(_ site: String) throws -> [String] {
        try FileSystem.files(under: site).filter { $0.hasSuffix(".html") }.sorted()
    }

    @Test func aCustomerPageNamesNoOtherCustomer() throws {
        guard let site = Self.requireDemo(), let demo = DemoEInvoicesTests.demo else { return }
        let config = try ConfigLoader.load(path: "\(demo)/settle.toml", explicit: true)
        let catalog = try CatalogLoader.load(config: config)
        let invoices = try String(contentsOfFile: "\(demo)/out/invoices/2026-10/index.csv", encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        let customerPages = try Self.pages(site).filter { $0.contains("/customers/") }
        #expect(customerPages.count >= 40)
        for page in customerPages {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            let own = String(page.split(separator: "/").last!.dropLast(5))
            #expect(text.contains(own), "\(page) names its customer")
            for id in catalog.customers.ids where id != own {
                // As a whole word: cus_0001 is not in cus_00010.
                #expect(text.range(of: "\(id)(?![0-9A-Za-z_])", options: .regularExpression) == nil, "\(page) names \(id)")
                if let name = catalog.customers[id]?.current.name, name != catalog.customers[own]?.current.name {
                    #expect(!text.contains(HTMLText.escape(name)), "\(page) names \(name)")
                }
            }
            for row in invoices where row[2] != own {
                #expect(!text.contains(row[0]), "\(page) shows \(row[0]) of \(row[2])")
            }
        }
    }

    @Test func everyPageOpensInChromiumWithNoErrorAndNothingFetched() throws {
        guard let site = Self.requireDemo() else { return }
        let pages = try Self.pages(site)
        let chosen = pages.filter { !$0.contains("/customers/") } + pages.filter { $0.contains("/customers/") }.prefix(4)
        let shots = TempFolder()
        for page in chosen {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            // Nothing that could fetch: no script, stylesheet link, image, frame, font or CSS url.
            for pattern in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "href=\"http", "href=\"//"] {
                #expect(!text.contains(pattern), "\(page) holds \(pattern)")
            }
            let shot = "\(shots.path)/\(page.split(separator: "/").last!).png"
            let run = try Self.chromium(["--window-size=1200,1600", "--screenshot=\(shot)", "file://\(page)"])
            #expect(run.status == 0, "\(page): \(run.stderr.suffix(400))")
            let consoleErrors = run.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("net::ERR") || $0.contains("Uncaught") }
            #expect(consoleErrors.isEmpty, "\(page): \(consoleErrors)")
            let picture = try Self.python(#"""
                import sys
                from PIL import Image
                im = Image.open(sys.argv[1]).convert("RGB")
                colors = im.getcolors(1 << 24) or []
                print(im.size[0], im.size[1], len(colors))
                """#, shot)
            let parts = picture.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(parts.count == 3 && parts[0] == 1200 && parts[1] == 1600, "\(page): \(picture)")
            #expect(parts.count == 3 && parts[2] > 50, "\(page): a screenshot of \(parts.last ?? 0) colours is blank")
        }
    }

    /// Headless Chromium, every host unresolvable: a page that tried to fetch would log the failure.
    static func chromium(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        let profile = TempFolder()
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                       "--user-data-dir=\(profile.path)", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"] + args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func python(_ script: String, _ arg: String) throws -> String {
        let python = ProcessInfo.processInfo.environment["SETTLE_EINVOICE_PYTHON"] ?? "python3"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, "-c", script, arg]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aSecondRunRewritesOnlyTheOperatorsPage() throws {
        guard let site = Self.requireDemo(), let demo = DemoEInvoicesTests.demo else { return }
        let args = ["--config", "\(demo)/settle.toml", "--database", "sqlite:\(demo)/settle.sqlite", "--out", "\(demo)/out",
                    "site", "--period", "2026-10", "--as-of", "2026-11-30"]
        let first = try SettleProcess.run(args, in: demo)
        #expect(first.status == 0, "\(first.stderr)")
        let others = { try Self.pages(site).filter { !$0.hasSuffix("/index.html") }.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } }
        let before = try others()
        let second = try SettleProcess.run(args, in: demo)
        // The operator's page lists the runs, this one included; every other page is as it was.
        #expect(second.stdout.contains("(1 changed)"), "\(second.stdout)")
        #expect(try others() == before)
    }
}

/// HTML escaping as the site writes it, for the test to look for a name as it appears.
enum HTMLText {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
