import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// Month-end as finance runs it, after a week of nightly runs on the fixtures: close, close
/// again once every period has ended, the finance workbook, the metrics file, and the cron
/// wrappers in jobs/.
@Suite(.serialized) struct CloseAndReportTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let fixtures = "\(repo)/fixtures"

    /// The fixture week run night by night: usage each night, the week's reports on the last
    /// night, the restated report the night after.
    static func fixtureWeek(_ kind: StoreKind) throws -> NightlyTests.Site {
        let dir = TempFolder("settle-close")
        let root = (dir.path as NSString).standardizingPath
        for sub in ["inbox/usage", "inbox/bills"] { try FileSystem.createDirectory("\(root)/\(sub)") }
        for f in ["customers.csv", "prices.csv", "services.csv", "credits.csv", "sellers.csv", "fx"] {
            try FileManager.default.copyItem(atPath: "\(fixtures)/\(f)", toPath: "\(root)/\(f)")
        }
        let config = try String(contentsOfFile: "\(fixtures)/settle.toml", encoding: .utf8)
            .replacingOccurrences(of: #"usage = "usage""#, with: #"usage = "inbox/usage""#)
            .replacingOccurrences(of: #"bills = "bills""#, with: #"bills = "inbox/bills""#)
        try config.write(toFile: "\(root)/settle.toml", atomically: false, encoding: .utf8)
        let (store, url) = try kind.makeStore(in: dir)
        let site = NightlyTests.Site(root: root, store: store, url: url, holder: dir)
        for day in 25...31 {
            for f in try FileSystem.files(under: "\(fixtures)/usage") where f.contains("2026-10-\(day)") {
                try FileManager.default.copyItem(atPath: f, toPath: "\(root)/inbox/usage/\((f as NSString).lastPathComponent)")
            }
            if day == 31 {
                for f in try FileSystem.files(under: "\(fixtures)/bills") {
                    try FileManager.default.copyItem(atPath: f, toPath: "\(root)/inbox/bills/\((f as NSString).lastPathComponent)")
                }
            }
            let r = try site.settle(["--quiet", "nightly", "--date", "2026-10-\(day)"], at: NightlyTests.morning(after: UTCDay("2026-10-\(day)")!))
            #expect(r.status == 3, "\(r.stderr)")
        }
        for f in try FileSystem.files(under: "\(fixtures)/bills-late") {
            try FileManager.default.copyItem(atPath: f, toPath: "\(root)/inbox/bills/\((f as NSString).lastPathComponent)")
        }
        let late = try site.settle(["nightly", "--date", "2026-11-01"], at: "2026-11-02T03:00:00Z")
        #expect(late.stdout.contains("1 provider bills"))
        // The restated day again, and Google's October, which holds that day.
        #expect(late.stdout.contains("reconciled 2026-10-30, 2026-10-31, 2026-11-01, 2026-10-01…2026-10-31:"), "the restated day again: \(late.stdout)")
        return site
    }

    @Test(arguments: StoreKind.all)
    func closeIssuesEndedPeriodsThenTheRestAndTheWorkbookTiesOut(kind: StoreKind) throws {
        let site = try Self.fixtureWeek(kind)
        let metrics = "\(site.root)/settle.prom"
        let first = try site.settle(["close", "--period", "2026-10", "--issue-date", "2026-11-01", "--metrics-file", metrics],
                                    at: "2026-11-01T06:00:00Z")
        #expect(first.status == 3, "codestral has no price: \(first.stderr)")
        // 29 customers bill on the 1st; 5 of them have unpriced usage.
        #expect(first.stdout.contains("2026-10: 24 invoices and 0 adjustments issued"), "\(first.stdout)")
        #expect(first.stdout.contains("18 customers' billing periods had not ended on the issue date"))
        #expect(first.stderr.contains("not finalized, usage without a price"))
        let prom = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(prom.contains("settle_last_run_exit_code{job=\"close\"} 3\n"))
        #expect(prom.contains("# TYPE settle_last_run_duration_seconds gauge"))

        // Later in the month every period has ended: the rest is issued, numbers go on.
        let second = try site.settle(["close", "--period", "2026-10", "--issue-date", "2026-11-28", "--metrics-file", metrics],
                                     at: "2026-11-28T06:00:00Z")
        #expect(second.status == 3)
        #expect(second.stdout.contains("2026-10: 18 invoices and 0 adjustments issued"), "\(second.stdout)")
        let index = try String(contentsOfFile: "\(site.root)/out/invoices/2026-10/index.csv", encoding: .utf8)
            .components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst()
        #expect(index.count == 42)
        #expect(index.map { String($0.prefix(15)) } == (1...42).map { String(format: "INV-2026-%06d", $0) })
        let runAgain = try site.settle(["close", "--period", "2026-10", "--issue-date", "2026-11-28"], at: "2026-11-28T07:00:00Z")
        #expect(runAgain.stdout.contains("2026-10: 0 invoices and 0 adjustments issued"))

        // usage-summary.csv ties out to the usage lines of each issued invoice.
        let csv = try String(contentsOfFile: "\(site.root)/out/reports/2026-10/usage-summary.csv", encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0] == ["customer_id", "period", "period_start", "provider", "model", "tier", "token_type", "service_id", "quantity",
                            "error_quantity", "unit_price", "amount", "upstream_cost", "band"])
        var summed: [String: ExactDecimal] = [:]
        for r in rows.dropFirst() where r[7].isEmpty && !r[11].isEmpty { summed[r[0], default: .zero] += ExactDecimal(r[11])! }
        var compared = 0, otherCurrency = 0
        try site.store.invoiceLedger.forEachDocument(period: PeriodMonth("2026-10")!) { _, customer, document in
            let invoice = try #require(try? InvoiceDocument.read(document))
            // The summary is in the base currency; an invoice in EUR, GBP or JPY is not.
            if invoice.currency != "USD" {
                otherCurrency += 1
                return
            }
            let usage = invoice.lines.filter { $0.kind == .usage }.reduce(ExactDecimal.zero) { $0 + $1.amount }
            #expect(usage == (summed[customer] ?? .zero), "\(customer): invoice usage \(usage) vs summary \(summed[customer] ?? .zero)")
            compared += 1
        }
        #expect(compared == 38 && otherCurrency == 4)

        // The workbook: every sheet the issue names, the two charts, totals as formulas.
        let xlsx = "\(site.root)/out/reports/2026-10/finance-2026-10.xlsx"
        let book = try XLSXPart.read(xlsx, "xl/workbook.xml")
        for sheet in ["Summary", "Customers", "Models", "Providers", "Margin", "Reconciliation", "Alerts", "Service quality", "Projections",
                      "Daily usage", "Credits", "Receivables", "Charge audit"] {
            #expect(book.contains("name=\"\(sheet)\""), "sheet \(sheet)")
        }
        #expect(try XLSXPart.read(xlsx, "xl/charts/chart1.xml").contains("<c:lineChart>"))
        #expect(try XLSXPart.read(xlsx, "xl/charts/chart2.xml").contains("<c:barChart>"))
        let summary = try XLSXPart.read(xlsx, "xl/worksheets/sheet1.xml")
        #expect(summary.contains("<v>42</v>"), "42 invoices issued on the Summary sheet")
        let quality = try XLSXPart.read(xlsx, "xl/worksheets/sheet8.xml")
        #expect(quality.contains("<f>SUM(D2:D"), "requests totalled by a formula")

        // The fixtures' upgrade: Evergreen Retail went from starter to pro on 2026-10-20.
        var evergreen: Invoice?
        try site.store.invoiceLedger.forEachDocument(period: PeriodMonth("2026-10")!) { _, customer, document in
            if customer == "cus_0005" { evergreen = try InvoiceDocument.read(document) }
        }
        let fees = try #require(evergreen).lines.filter { $0.kind == .planFee }
        #expect(fees.map(\.description) == ["starter plan, 2026-10-01 to 2026-10-19 (19/31 days)", "pro plan, 2026-10-20 to 2026-10-31 (12/31 days)"])
        #expect(fees.map(\.amount) == [ExactDecimal("11.65")!, ExactDecimal("30.58")!])
        // October's credit statement: the refund, the lapsed promotion, the goodwill adjustment; every row ties out.
        let credits = try String(contentsOfFile: "\(site.root)/out/invoices/2026-10/credits.csv", encoding: .utf8)
        #expect(credits.contains("cus_0050,0.00,250.00,50.00,0.00,0.00,0.00,0.00,200.00,89.91,USD\r\n"))
        #expect(credits.contains("cus_0012,20.00,0.00,0.00,0.00,0.00,0.00,20.00,0.00,0.00,USD\r\n"))
        for line in credits.components(separatedBy: "\r\n").dropFirst() where !line.isEmpty {
            let v = line.split(separator: ",").dropFirst().dropLast().map { ExactDecimal(String($0))! }
            #expect(v[0] + v[1] - v[2] + v[3] - v[4] + v[5] - v[6] == v[7], "\(line)")
        }
        // The gateway's stale gpt-4.1 prices: undercharged cells in every night's charge audit.
        let audit = try String(contentsOfFile: "\(site.root)/out/audit/2026-10-25/charge-audit.csv", encoding: .utf8)
        #expect(audit.hasPrefix("day,customer_id,provider,model,tier,events,reported,computed,difference,status,events_reported\r\n"))
        let statuses = audit.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(statuses.filter { $0[9] == "undercharged" }.allSatisfy { $0[3] == "gpt-4.1" } && statuses.contains { $0[9] == "undercharged" })
        #expect(statuses.filter { $0[3] != "gpt-4.1" }.allSatisfy { $0[9] == "matched" })
        // Over the month the stale price is plain: every gpt-4.1 row 50 % under, nothing else a finding.
        let auditMonth = try String(contentsOfFile: "\(site.root)/out/audit/2026-10/charge-audit-summary.csv", encoding: .utf8)
        #expect(auditMonth.hasPrefix("provider,model,tier,days,events,reported,computed,difference,difference_pct,status,events_reported\r\n"))
        let auditRows = auditMonth.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let gpt41 = auditRows.filter { $0[1] == "gpt-4.1" }
        #expect(!gpt41.isEmpty && gpt41.allSatisfy { $0[9] == "undercharged" && $0[8] == "-50.00" }, "\(auditMonth)")
        #expect(auditRows.filter { $0[1] != "gpt-4.1" }.allSatisfy { $0[9] == "matched" || $0[9] == "partial" }, "\(auditMonth)")

        // The report alone rewrites the same bytes from the same data.
        let before = try Data(contentsOf: URL(fileURLWithPath: xlsx))
        let result = try site.settle(["report", "--period", "2026-10"], at: "2026-12-01T00:00:00Z")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: xlsx)) == before)
        // Late usage for an invoiced period: a rerun recomputes, leaves the invoice alone, and
        // reports the drift (exit 3) for close or invoice --adjust to settle.
        let (number, customer) = try #require(index.first.map { line -> (String, String) in
            let f = line.split(separator: ","); return (String(f[0]), String(f[2]))
        })
        let issuedBytes = try Data(contentsOf: URL(fileURLWithPath: "\(site.root)/out/invoices/2026-10/\(number).json"))
        let late = site.holder.write("late/late.jsonl", UsageLines.file([
            UsageLines.json("late-1", customer: customer, ts: "2026-10-30T12:00:00Z", model: "gpt-4o-mini", input: 2_000_000, output: 0),
        ]))
        _ = try site.settle(["ingest", "usage", late], at: "2026-11-29T01:00:00Z")
        let rerun = try site.settle(["rerun", "--from", "2026-10-30", "--to", "2026-10-30"], at: "2026-11-29T02:00:00Z")
        #expect(rerun.status == 3)
        // 2M input tokens of gpt-4o-mini at 0.15 per 1M, with markup: more than 0.30 on the invoice.
        #expect(rerun.stderr.contains("\(number) \(customer) (2026-10): the stored usage now differs by 0."), "\(rerun.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(site.root)/out/invoices/2026-10/\(number).json")) == issuedBytes)

        // November's close settles October's drift with a supplementary invoice, once.
        let november = try site.settle(["close", "--period", "2026-11", "--issue-date", "2026-12-01"], at: "2026-12-01T06:00:00Z")
        #expect(november.stdout.contains("out/invoices/2026-10: 0 invoices issued for periods that have ended since, 1 adjustments for late data"),
                "\(november.stdout)")
        let again = try site.settle(["close", "--period", "2026-11", "--issue-date", "2026-12-01"], at: "2026-12-01T07:00:00Z")
        #expect(!again.stdout.contains("adjustments for late data"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(site.root)/out/invoices/2026-10/\(number).json")) == issuedBytes)
    }

    /// Killed with every document file written but the month's folder not yet in place: the
    /// documents are issued, the folder is not there, and the next close writes it whole.
    @Test(arguments: StoreKind.all)
    func aCloseKilledBeforeItsFolderIsInPlaceLeavesNoPartMonth(kind: StoreKind) throws {
        let site = try Self.fixtureWeek(kind)
        let close = ["close", "--period", "2026-10", "--issue-date", "2026-11-01"]
        let killed = try site.settle(close, at: "2026-11-01T06:00:00Z", extra: ["SETTLE_CRASH_AT": "invoice:files-written"])
        #expect(killed.status == 9, "\(killed.stderr)")
        if kind == .postgres { try CrashAndLockTests.waitForLockRelease(site.store) }
        let invoices = "\(site.root)/out/invoices"
        #expect(!FileSystem.exists("\(invoices)/2026-10"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: invoices).allSatisfy { $0.hasPrefix(".2026-10.tmp-") })

        let again = try site.settle(close, at: "2026-11-01T07:00:00Z")
        #expect(again.status == 3, "\(again.stderr)")
        // Issued by the killed run: none again, and all 24 written now.
        #expect(again.stdout.contains("2026-10: 0 invoices and 0 adjustments issued"), "\(again.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(invoices)/2026-10")
        #expect(names.filter { $0.hasPrefix("INV-") && ($0.hasSuffix(".json") || $0.hasSuffix(".csv")) }.count == 48)
        #expect(names.filter { $0.hasPrefix("INV-") && $0.hasSuffix(".json") }.sorted()
                == (1...24).map { String(format: "INV-2026-%06d.json", $0) })
        let everything = try FileManager.default.subpathsOfDirectory(atPath: "\(site.root)/out")
        #expect(everything.filter { ($0 as NSString).lastPathComponent.hasPrefix(".") }.isEmpty, "no staging folder or temporary left")
        #expect(try site.store.runs(last: 3).contains { $0.job == "close" && $0.status == .interrupted })
    }

    @Test func serviceQualityPercentilesByNearestRank() {
        let h: [Int64: Int64] = [100: 50, 200: 45, 900: 4, 4000: 1]
        #expect(ServiceQuality.percentile(50, h) == 100)
        #expect(ServiceQuality.percentile(95, h) == 200)
        #expect(ServiceQuality.percentile(99, h) == 900)
        #expect(ServiceQuality.percentile(100, h) == 4000)
        #expect(ServiceQuality.percentile(50, [:]) == nil)
        let rows = ServiceQuality.rows(daily: [
            UsageDailyRow(day: UTCDay("2026-10-01")!, stretchStart: UTCDay("2026-10-01")!.start, customerID: "c", provider: "openai", model: "m",
                          tier: .standard, serviceID: "", status: .ok, events: 97, inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0,
                          outputTokens: 1, requests: 97),
            UsageDailyRow(day: UTCDay("2026-10-01")!, stretchStart: UTCDay("2026-10-01")!.start, customerID: "c", provider: "openai", model: "m",
                          tier: .standard, serviceID: "", status: .error, events: 3, inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0,
                          outputTokens: 0, requests: 3),
        ], latency: [LatencyBucket(provider: "openai", model: "m", serviceID: "", latencyMs: 420, events: 100)])
        #expect(rows.count == 1 && rows[0].requests == 100 && rows[0].errors == 3 && rows[0].errorRatePct == ExactDecimal("3.00")!)
        #expect(rows[0].p50 == 420 && rows[0].p99 == 420)
    }

    @Test func metricsFileKeepsOtherJobsAndReplacesItsOwn() throws {
        let dir = TempFolder()
        let file = MetricsFile(path: "\(dir.path)/settle.prom")
        try file.record(.init(job: "nightly", finishedAt: Timestamp(microseconds: 1_793_000_000_000_000), durationMilliseconds: 61_250,
                              rows: 10_000_000, findings: 2, exitCode: 3))
        try file.record(.init(job: "close", finishedAt: Timestamp(microseconds: 1_793_100_000_000_000), durationMilliseconds: 900,
                              rows: 0, findings: 0, exitCode: 0))
        try file.record(.init(job: "nightly", finishedAt: Timestamp(microseconds: 1_793_200_000_000_000), durationMilliseconds: 59_000,
                              rows: 9_000_000, findings: 0, exitCode: 0))
        let text = dir.read("settle.prom")
        #expect(text.contains("settle_last_run_timestamp_seconds{job=\"close\"} 1793100000\n"))
        #expect(text.contains("settle_last_run_timestamp_seconds{job=\"nightly\"} 1793200000\n"))
        #expect(text.contains("settle_last_run_duration_seconds{job=\"nightly\"} 59.000\n"))
        #expect(text.contains("settle_last_run_rows{job=\"nightly\"} 9000000\n"))
        #expect(text.contains("settle_last_run_exit_code{job=\"close\"} 0\n"))
        #expect(!text.contains("61.250"))
        #expect(text.components(separatedBy: "# TYPE").count == 6)
    }

    @Test func cronWrappersLogEverythingPrintOnlyWhatNeedsAHumanAndPassExitCodesThrough() throws {
        let site = try Self.fixtureWeek(.sqlite)
        let logs = "\(site.root)/logs", lock = "\(site.root)/jobs.lock"
        let envFile = "\(site.root)/settle.env"
        try """
            SETTLE_BIN=\(SettleProcess.executable)
            SETTLE_CONFIG=\(site.root)/settle.toml
            SETTLE_DATABASE_URL=\(site.url)
            SETTLE_LOG_DIR=\(logs)
            SETTLE_LOCK_FILE=\(lock)
            SETTLE_METRICS_FILE=\(site.root)/settle.prom
            SETTLE_FAKE_NOW=2026-11-03T03:00:00Z

            """.write(toFile: envFile, atomically: false, encoding: .utf8)
        func job(_ name: String, _ args: [String] = []) throws -> (status: Int32, out: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "\(Self.repo)/jobs/\(name)")
            p.arguments = args
            p.currentDirectoryURL = URL(fileURLWithPath: site.root)
            p.environment = ["SETTLE_ENV_FILE": envFile, "PATH": "/usr/bin:/bin", "TMPDIR": site.root]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        // Nothing new in the inbox, but findings remain (unpriced usage): exit 3 and a short mail.
        let nightly = try job("nightly", ["--date", "2026-11-02"])
        #expect(nightly.status == 3)
        #expect(nightly.out.hasPrefix("settle nightly: exit 3, done, with findings to read\n"), "\(nightly.out)")
        #expect(nightly.out.contains("log: \(logs)/nightly.log"))
        let log = try String(contentsOfFile: "\(logs)/nightly.log", encoding: .utf8)
        #expect(log.contains("nightly: exit 3 (done, with findings to read)"))
        #expect(try String(contentsOfFile: "\(site.root)/settle.prom", encoding: .utf8).contains("settle_last_run_exit_code{job=\"nightly\"} 3"))

        // jobs/close: the close (findings: exit 3, passed through), which renders the PDFs of what it issued.
        let closed = try job("close", ["--period", "2026-10", "--issue-date", "2026-11-01"])
        #expect(closed.status == 3, "\(closed.out)")
        #expect(FileSystem.names(in: "\(site.root)/out/invoices/2026-10").filter { $0.hasSuffix(".pdf") }.count == 24, "\((try? String(contentsOfFile: "\(logs)/close.log", encoding: .utf8)) ?? "")")
        #expect(try String(contentsOfFile: "\(logs)/close.log", encoding: .utf8).contains("close: exit 3"))
        #expect(!FileManager.default.fileExists(atPath: "\(logs)/documents.log"))

        // The same site through a relative --config: no inbox file looks new.
        let relative = try SettleProcess.run(["--config", "settle.toml", "--database", site.url, "--out", "out", "nightly", "--date", "2026-11-02"],
                                             in: site.root, environment: ["SETTLE_WEBHOOK_SECRET": ""])
        #expect(relative.stdout.contains("nightly 2026-11-02: 0 usage files (0 rows: 0 new, 0 duplicates, 0 quarantined), 0 provider bills"),
                "\(relative.stdout)")

        // Bad configuration: exit 78, the mail names the key.
        try "SETTLE_CONFIG=\(site.root)/missing.toml\n".write(toFile: "\(site.root)/bad.env", atomically: false, encoding: .utf8)
        let badEnv = try { () throws -> (Int32, String) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "\(Self.repo)/jobs/alerts")
            p.environment = ["SETTLE_ENV_FILE": "\(site.root)/bad.env", "SETTLE_BIN": SettleProcess.executable, "SETTLE_LOG_DIR": logs,
                             "SETTLE_LOCK_FILE": lock, "PATH": "/usr/bin:/bin", "TMPDIR": site.root]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }()
        #expect(badEnv.0 == 78, "\(badEnv.1)")
        #expect(badEnv.1.contains("missing.toml"))

        // Another job holds the lock: nightly says so; the hourly alert pass stays silent.
        let fd = open(lock, O_RDWR | O_CREAT, 0o644)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let locked = try job("nightly")
        #expect(locked.status == 75 && locked.out.contains("another settle job holds"))
        let quiet = try job("alerts")
        #expect(quiet.status == 75 && quiet.out.isEmpty, "\(quiet.out)")
    }
}
