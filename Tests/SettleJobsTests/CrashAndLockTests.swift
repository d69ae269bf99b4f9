import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// What cron and operators depend on: a killed run leaves the store as before the file it was
/// in, a rerun completes the work, and two runs never interleave.
@Suite(.serialized) struct CrashAndLockTests {
    static func bigFile(_ dir: TempFolder, name: String, count: Int, prefix: String) -> String {
        var text = ""
        text.reserveCapacity(count * 200)
        for i in 0..<count {
            text += UsageLines.json("\(prefix)\(i)", customer: "cus_\(i % 37)", input: 100 + i % 900, output: i % 300)
            text += "\n"
            if i % 1000 == 999 { text += UsageLines.json("\(prefix)\(i - 5)") + "\n" }  // a duplicate
        }
        return dir.write(name, text)
    }

    /// After kill -9 the kernel drops an flock at once; a PostgreSQL server ends the dead
    /// client's session (and its advisory lock) a moment later.
    static func waitForLockRelease(_ store: any SettleStore) throws {
        for _ in 0..<200 {
            if let lock = try? store.acquireLock(job: "test", runID: "wait") {
                lock.release()
                return
            }
            usleep(50_000)
        }
        throw TestSetupError("the killed run's lock was not released within 10 s")
    }

    /// The row count of the last progress line about `file` ("ingest …/file (N rows/s): 12,288 rows").
    static func rowsShown(_ stderr: String, for file: String) -> Int? {
        guard let r = stderr.range(of: file, options: .backwards) else { return nil }
        let tail = stderr[r.upperBound...]
        guard let colon = tail.range(of: "): ") else { return nil }
        let digits = tail[colon.upperBound...].prefix { $0.isNumber || $0 == "," }.filter(\.isNumber)
        return Int(digits)
    }

    @Test(arguments: StoreKind.all)
    func killedInTheMiddleOfAFileThenRerunStoresEachEventOnce(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let small = Self.bigFile(dir, name: "in/a-small.jsonl", count: 2_000, prefix: "a")
        _ = Self.bigFile(dir, name: "in/b-big.jsonl", count: 120_000, prefix: "b")
        let args = ["--database", url, "--out", "\(dir.path)/out", "--progress", "always", "ingest", "usage", "\(dir.path)/in"]

        let child = try SettleProcess(args, in: dir.path)
        // Kill once the big file is well under way: the small one is committed by then.
        let midway = child.wait(forStderr: { text in (Self.rowsShown(text, for: "b-big.jsonl") ?? 0) >= 10_000 })
        try #require(midway, "the ingest finished before it could be killed: \(child.stderrSoFar.suffix(300))")
        child.kill9()
        try Self.waitForLockRelease(store)

        #expect(try store.eventCount() == 2_000)
        let killed = try store.runs(last: 1)
        #expect(killed.first?.status == .running)
        #expect(killed.first?.inputs.map(\.path) == [small])
        // What a kill in the middle of writing a file leaves behind.
        dir.write("out/reports/.usage.csv.tmp-99999", "half a file")
        // `settle runs` sees that nobody holds the lock and says what happened.
        let listing = try SettleProcess.run(["--database", url, "runs"], in: dir.path)
        #expect(listing.stdout.contains("interrupted"))

        let rerun = try SettleProcess.run(["--database", url, "--out", "\(dir.path)/out", "ingest", "usage", "\(dir.path)/in"], in: dir.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("a-small.jsonl: read 2,002, accepted 0, duplicates 2,002, quarantined 0"))
        #expect(rerun.stdout.contains("b-big.jsonl: read 120,120, accepted 120,000, duplicates 120, quarantined 0"))
        #expect(try store.eventCount() == 122_000)
        let runs = try store.runs(last: 2)
        #expect(runs.map(\.status) == [.succeeded, .interrupted])
        #expect(runs[1].message == "the process ended before the run finished")
        #expect(runs[0].inputs.allSatisfy { $0.balances })
        // No half-written file survives: the killed run's temporaries were swept.
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: "\(dir.path)/out").filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// SQLite has one writer: a second ingest exits 75. PostgreSQL takes ingests side by side
    /// (a shared lock), and a job that needs the store to itself (here init) exits 75 naming
    /// the ingest that holds it.
    @Test(arguments: StoreKind.all)
    func aSecondIngestWhileOneRunsExits75NamingTheHolder(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let count = kind == .postgres ? 200_000 : 60_000
        let big = Self.bigFile(dir, name: "big.jsonl", count: count, prefix: "x")
        let other = dir.write("other.jsonl", UsageLines.file([UsageLines.json("o1")]))
        let first = try SettleProcess(["--database", url, "--out", "\(dir.path)/out", "--progress", "always", "ingest", "usage", big], in: dir.path)
        try #require(first.wait(forStderr: { $0.contains("rows") }), "the first ingest never started")
        let second = try SettleProcess.run(["--database", url, "--out", "\(dir.path)/out", "ingest", "usage", other], in: dir.path)
        let exclusive = try SettleProcess.run(["--database", url, "init"], in: dir.path)
        let done = first.finish()
        #expect(done.status == 0, "\(done.stderr)")
        if kind == .postgres {
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try store.eventCount() == count + 1)
            #expect(exclusive.status == 75)
            #expect(exclusive.stderr.contains("another run holds the settle lock (job ingest-usage, run "))
            #expect(exclusive.stderr.contains("pid \(first.pid)"))
            #expect(try store.runs(last: 5).map(\.status) == [.succeeded, .succeeded])
        } else {
            #expect(second.status == 75)
            #expect(second.stderr.contains("another run holds the settle lock (job ingest-usage, run "))
            #expect(second.stderr.contains("pid \(first.pid)"))
            #expect(exclusive.status == 75)
            #expect(try store.eventCount() == count)
            #expect(try store.runs(last: 5).count == 1)
        }
    }
}

/// The command line's contract with cron: exit codes and messages that name what to fix.
@Suite struct ExitStatusTests {
    @Test func badConfigurationExits78NamingFileAndKey() throws {
        let dir = TempFolder()
        dir.write("settle.toml", "[plans.pro]\nmonthly_fee = 79.0\n")
        let r = try SettleProcess.run(["--config", "settle.toml", "--database", "sqlite:db.sqlite", "init"], in: dir.path)
        #expect(r.status == 78)
        #expect(r.stderr.contains("settle.toml: plans.pro.monthly_fee: write money and rates as decimal strings"))
    }

    @Test func aCatalogProblemExits78NamingTheLine() throws {
        let dir = TempFolder()
        dir.write("settle.toml", "[plans.pro]\nmonthly_fee = \"79.00\"\n[catalog]\ncustomers = \"c.csv\"\n")
        dir.write("c.csv", "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\ncus_1,A,a@x,pro,31,0,\n")
        let r = try SettleProcess.run(["--config", "settle.toml", "--database", "sqlite:db.sqlite", "init"], in: dir.path)
        #expect(r.status == 78)
        #expect(r.stderr.contains("c.csv:2: billing_day: \"31\" must be a day from 1 to 28"))
    }

    @Test func anUnreadableInputExits65() throws {
        let dir = TempFolder()
        dir.write("x.csv", "a,b\n1,2\n")
        let r = try SettleProcess.run(["--database", "sqlite:db.sqlite", "--out", "out", "ingest", "usage", "x.csv"], in: dir.path)
        #expect(r.status == 65)
        #expect(r.stderr.contains("x.csv:1: not a usage CSV"))
    }

    @Test func quarantinedRowsExit3AndABadCommandLine64() throws {
        let dir = TempFolder()
        dir.write("x.jsonl", UsageLines.file([UsageLines.json("a"), "nope"]))
        let r = try SettleProcess.run(["--database", "sqlite:db.sqlite", "--out", "out", "ingest", "usage", "x.jsonl"], in: dir.path)
        #expect(r.status == 3)
        #expect(r.stderr.contains("1 rows quarantined in 1 of 1 files (not_json 1); the rows and reasons are in out/quarantine/"))
        let bad = try SettleProcess.run(["ingest", "usage", "--format", "xml", "x.jsonl"], in: dir.path)
        #expect(bad.status == 64)
    }

    @Test func jsonLogFormatWritesOneObjectPerLine() throws {
        let dir = TempFolder()
        dir.write("x.jsonl", UsageLines.file([UsageLines.json("a"), "nope"]))
        let r = try SettleProcess.run(["--log-format", "json", "--database", "sqlite:db.sqlite", "--out", "out",
                                       "ingest", "usage", "x.jsonl"], in: dir.path)
        #expect(r.status == 3)
        let out = r.stdout.split(separator: "\n").map(String.init)
        let err = r.stderr.split(separator: "\n").map(String.init)
        #expect(out.count == 2)
        #expect(out.allSatisfy { $0.hasPrefix("{\"level\":\"info\",\"message\":") && $0.hasSuffix("}") })
        #expect(err == [#"{"level":"warning","message":"1 rows quarantined in 1 of 1 files (not_json 1); the rows and reasons are in out/quarantine/"}"#])
    }

    /// `--version`, and days and months typed when parsed: a bad one is refused by the parser
    /// (exit 64) naming the option, before anything runs.
    @Test func theVersionAndTypedDatesOnTheCommandLine() throws {
        let dir = TempFolder()
        let version = try SettleProcess.run(["--version"], in: dir.path)
        #expect(version.status == 0 && version.stdout == "2026.12.2 (schema 19)\n", "\(version.stdout)")
        let month = try SettleProcess.run(["close", "--period", "2026-13"], in: dir.path)
        #expect(month.status == 64 && month.stderr.contains("The value '2026-13' is invalid for '--period <period>'"), "\(month.stderr)")
        let day = try SettleProcess.run(["--database", "sqlite:var/s.sqlite", "aggregate", "--from", "2026-10-01", "--to", "2026-9-1"], in: dir.path)
        #expect(day.status == 64 && day.stderr.contains("'--to <to>'"), "\(day.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/var/s.sqlite"))
    }

    @Test func initCreatesThenReportsUpToDateAndRunsListsHistory() throws {
        let dir = TempFolder()
        let first = try SettleProcess.run(["--database", "sqlite:var/s.sqlite", "init"], in: dir.path)
        #expect(first.status == 0)
        #expect(first.stdout.contains("schema version 19 (applied 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)"))
        let second = try SettleProcess.run(["--database", "sqlite:var/s.sqlite", "init"], in: dir.path)
        #expect(second.stdout.contains("schema version 19 (up to date)"))
        dir.write("x.jsonl", UsageLines.file([UsageLines.json("a"), UsageLines.json("b")]))
        _ = try SettleProcess.run(["--database", "sqlite:var/s.sqlite", "--out", "out", "ingest", "usage", "x.jsonl"], in: dir.path)
        let runs = try SettleProcess.run(["--database", "sqlite:var/s.sqlite", "runs", "--last", "5"], in: dir.path)
        #expect(runs.status == 0)
        #expect(runs.stdout.contains("ingest-usage"))
        #expect(runs.stdout.contains("1 files: 2/2/0/0"))
    }
}

/// Database passwords never appear in output, logs or run records.
@Suite struct QuietSecretsTests {
    @Test func aPasswordInTheDatabaseURLIsNeverPrinted() throws {
        let dir = TempFolder()
        // Nothing listens on port 1 of the loopback: the connection fails at once.
        let url = "postgresql://settle:Sup3rS3cret@127.0.0.1:1/settle?connect_timeout=2"
        let r = try SettleProcess.run(["--database", url, "init"], in: dir.path)
        // A server that cannot be reached after its retries: try later (75), as cron wrappers know.
        #expect(r.status == 75, "\(r.stderr)")
        #expect(r.stderr.contains("cannot connect to PostgreSQL at postgresql://settle:***@127.0.0.1:1/settle"))
        #expect(r.stderr.contains("(tried 3 times over 3 s); try again later"), "\(r.stderr)")
        #expect(!r.stderr.contains("Sup3rS3cret"))
        #expect(!r.stdout.contains("Sup3rS3cret"))
    }

    /// The gateway's database down while nightly reads it: exit 75 after the retries, not 65
    /// (its rows are not unreadable; the server is away), and nothing stored.
    @Test func aGatewayDatabaseThatCannotBeReachedIsTryLater() throws {
        let dir = TempFolder()
        let r = try SettleProcess.run(["--database", "sqlite:var/s.sqlite", "ingest", "usage", "--source", "postgres",
                                       "--url", "postgresql://gw:S3cret@127.0.0.1:1/gateway?connect_timeout=2",
                                       "--from", "2026-10-25", "--to", "2026-10-25"], in: dir.path)
        #expect(r.status == 75, "\(r.stderr)")
        #expect(r.stderr.contains("cannot connect to PostgreSQL at postgresql://gw:***@127.0.0.1:1/gateway"), "\(r.stderr)")
        #expect(!r.stderr.contains("S3cret"))
    }

    @Test(.enabled(if: StoreKind.all.contains(.postgres), "needs the PostgreSQL test server (scripts/test)"))
    func runRecordsKeepOnlyTheRedactedURL() throws {
        let dir = TempFolder()
        let (_, url) = try StoreKind.postgres.makeStore(in: dir)
        // trust authentication ignores the password, so the run succeeds while carrying one.
        let withPassword = url + "&password=Sup3rS3cret"
        dir.write("x.jsonl", UsageLines.file([UsageLines.json("a")]))
        let r = try SettleProcess.run(["--database", withPassword, "--out", "out", "ingest", "usage", "x.jsonl"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let records = dir.files(in: "out/runs")
        #expect(records.count == 1)
        let record = dir.read("out/runs/\(records[0])")
        #expect(record.contains("password=***"))
        #expect(!record.contains("Sup3rS3cret"))
        #expect(!r.stdout.contains("Sup3rS3cret") && !r.stderr.contains("Sup3rS3cret"))
    }
}
