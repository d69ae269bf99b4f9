import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// The gateway's own database as a source: real tables in the throwaway server, realistic rows
/// and broken ones, ingested into each store.
@Suite(.enabled(if: StoreKind.all.contains(.postgres), "needs the PostgreSQL test server (scripts/test)"))
struct GatewayDatabaseTests {
    /// A schema of its own on the test server holding the gateway's tables; its URL.
    static func gatewayDatabase(_ sql: String) throws -> String {
        let base = try #require(ProcessInfo.processInfo.environment["SETTLE_TEST_POSTGRES_URL"])
        let schema = "gw_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try StoreKind.execute(base, "CREATE SCHEMA \(schema); SET search_path TO \(schema); \(sql)")
        return base + "&options=-csearch_path%3D\(schema)"
    }

    static let usageLogs = """
        CREATE TABLE usage_logs (
            id bigserial PRIMARY KEY, user_id uuid NOT NULL, api_key_id uuid, model text NOT NULL,
            prompt_tokens integer NOT NULL, completion_tokens integer NOT NULL, total_tokens integer NOT NULL,
            cost_usd numeric(12,6), credits_deducted numeric(12,6), request_metadata jsonb, response_metadata jsonb,
            status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO usage_logs (user_id, api_key_id, model, prompt_tokens, completion_tokens, total_tokens, cost_usd,
                                credits_deducted, request_metadata, response_metadata, status, created_at) VALUES
        ('6f1c2a1e-0000-4000-8000-000000000001', '0a0b0c0d-0000-4000-8000-000000000001', 'gpt-4o', 1200, 300, 1500, 0.006000, 0.006000,
         '{"provider": "openai", "stream": true}', '{"usage": {"prompt_tokens_details": {"cached_tokens": 1024}}}', 'success', '2026-10-25 09:00:00+00'),
        ('6f1c2a1e-0000-4000-8000-000000000002', NULL, 'claude-sonnet-4-20250514', 800, 0, 800, 0.002400, 0,
         '{"provider": "anthropic"}', NULL, 'failed', '2026-10-25 23:59:59.999+00'),
        ('6f1c2a1e-0000-4000-8000-000000000001', NULL, 'gpt-4o', 10, 10, 20, 0.0001, 0.0001,
         '{"provider": "openai"}', NULL, 'success', '2026-10-26 00:00:00+00'),
        ('6f1c2a1e-0000-4000-8000-000000000003', NULL, 'gpt-4o-mini', -5, 10, 5, 0, 0,
         '{"provider": "openai"}', NULL, 'success', '2026-10-25 10:00:00+00'),
        ('6f1c2a1e-0000-4000-8000-000000000003', NULL, 'mistral-large-latest', 100, 10, 110, 0, 0,
         NULL, NULL, 'success', '2026-10-25 11:00:00+02'),
        ('6f1c2a1e-0000-4000-8000-000000000003', NULL, 'gpt-4o', 100, 10, 110, 0, 0,
         '{"provider": "openai"}', '{"usage": {"prompt_tokens_details": {"cached_tokens": 512}}}', 'success', '2026-10-25 12:00:00+00'),
        ('6f1c2a1e-0000-4000-8000-000000000003', NULL, 'gpt-4o', 100, 10, 110, 0, 0,
         '{"provider": "openai"}', NULL, 'timeout', '2026-10-25 13:00:00+00');
        """

    @Test(arguments: StoreKind.all)
    func theSeedUsageLogsTableIsIngestedByDateRangeWithQuarantine(kind: StoreKind) throws {
        let gateway = try Self.gatewayDatabase(Self.usageLogs)
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let env = JobEnvironment(config: SettleConfig(), databaseURL: url, outDir: "\(dir.path)/out")
        let source = GatewayDatabaseSource(url: gateway, table: GatewayTable.preset("usage_logs")!,
                                           from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-25")!)
        let result = try IngestUsage(sources: [source]).execute(store: store, env: env)
        let tally = try #require(result.inputs.first)
        #expect(tally.path == "postgres:usage_logs 2026-10-25..2026-10-25")
        #expect(tally.read == 6)           // the row of 2026-10-26 is outside the range
        #expect(tally.accepted == 2)
        #expect(tally.quarantined == 4)
        #expect(result.quarantineReasons == ["negative_count": 1, "missing_field": 1, "cache_exceeds_input": 1, "unknown_status": 1])
        let totals = try store.usageTotals()
        #expect(totals.map(\.customerID) == ["6f1c2a1e-0000-4000-8000-000000000001", "6f1c2a1e-0000-4000-8000-000000000002"])
        #expect(totals[0].cachedInputTokens == 1024)
        #expect(totals[0].inputTokens == 1200)
        #expect(totals[1].provider == "anthropic")
        #expect(try store.reportedCostTotal() == ExactDecimal("0.0084")!)

        // The same range again: nothing new, nothing quarantined twice.
        let again = try IngestUsage(sources: [source]).execute(store: store, env: env)
        #expect(again.inputs[0].accepted == 0)
        #expect(again.inputs[0].duplicates == 2)
        #expect(again.inputs[0].sha256 == tally.sha256)
        #expect(try store.quarantineCount() == 4)
    }

    @Test func aColumnMapOverridesThePreset() throws {
        let gateway = try Self.gatewayDatabase(Self.usageLogs)
        let dir = TempFolder()
        let (store, url) = try StoreKind.sqlite.makeStore(in: dir)
        var table = GatewayTable.preset("usage_logs")!
        table.columns["provider"] = "'openrouter'"
        table.columns["status"] = "'ok'"
        let source = GatewayDatabaseSource(url: gateway, table: table, from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-26")!)
        let result = try IngestUsage(sources: [source]).execute(store: store,
            env: JobEnvironment(config: SettleConfig(), databaseURL: url, outDir: "\(dir.path)/out"))
        #expect(result.inputs[0].read == 7)
        #expect(result.inputs[0].accepted == 5)
        #expect(Set(try store.usageTotals().map(\.provider)) == ["openrouter"])
    }

    @Test(arguments: StoreKind.all)
    func theLiteLLMSpendLogsTableIsIngested(kind: StoreKind) throws {
        let gateway = try Self.gatewayDatabase("""
            CREATE TABLE "LiteLLM_SpendLogs" (
                request_id text PRIMARY KEY, call_type text, api_key text DEFAULT '', spend double precision DEFAULT 0.0,
                total_tokens integer DEFAULT 0, prompt_tokens integer DEFAULT 0, completion_tokens integer DEFAULT 0,
                "startTime" timestamp(3) NOT NULL, "endTime" timestamp(3) NOT NULL, "completionStartTime" timestamp(3),
                model text DEFAULT '', model_id text DEFAULT '', model_group text DEFAULT '', custom_llm_provider text DEFAULT '',
                api_base text DEFAULT '', "user" text DEFAULT '', metadata jsonb DEFAULT '{}', cache_hit text DEFAULT '',
                cache_key text DEFAULT '', request_tags jsonb DEFAULT '[]', team_id text, end_user text,
                requester_ip_address text, status text, session_id text);
            INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens,
                "startTime", "endTime", model, custom_llm_provider, "user", metadata, team_id, end_user, status) VALUES
            ('msg_01', 'acompletion', 'hashed-1', 0.0123, 2100, 2000, 100, '2026-10-25 08:00:00.250', '2026-10-25 08:00:03',
             'claude-sonnet-4-20250514', 'anthropic', 'u1',
             '{"additional_usage_values": {"cache_read_input_tokens": 1500, "cache_creation_input_tokens": 200}}', 't1', 'cus_1', 'success'),
            ('chatcmpl-9', 'acompletion', 'hashed-2', 0.000375, 300, 250, 50, '2026-10-25 09:00:00', '2026-10-25 09:00:01',
             'gpt-4o-mini', 'openai', 'u2', '{}', 't1', 'cus_2', 'failure'),
            ('chatcmpl-9_cache_hit1761382800.1', 'acompletion', 'hashed-2', 0, 0, 0, 0, '2026-10-25 09:00:00.100', '2026-10-25 09:00:00.100',
             'gpt-4o-mini', 'openai', 'u2', '{}', 't1', 'cus_2', 'success'),
            ('chatcmpl-10', 'acompletion', 'hashed-2', 0.1, 30, 10, 20, '2026-10-25 10:00:00', '2026-10-25 10:00:01',
             'gpt-4o-mini', 'openai', 'u2', '{}', 't1', NULL, 'success');
            """)
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let source = GatewayDatabaseSource(url: gateway, table: GatewayTable.preset("litellm")!,
                                           from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-25")!)
        let result = try IngestUsage(sources: [source]).execute(store: store,
            env: JobEnvironment(config: SettleConfig(), databaseURL: url, outDir: "\(dir.path)/out"))
        #expect(result.inputs[0].read == 4)
        #expect(result.inputs[0].accepted == 3)
        #expect(result.quarantineReasons == ["missing_field": 1])  // no end_user on chatcmpl-10
        let totals = try store.usageTotals()
        let sonnet = try #require(totals.first { $0.model == "claude-sonnet-4-20250514" })
        #expect(sonnet.inputTokens == 2000)
        #expect(sonnet.cachedInputTokens == 1500)
        #expect(sonnet.cacheWriteTokens == 200)
        #expect(totals.first { $0.customerID == "cus_2" }?.events == 2)
        // LiteLLM's float spend is kept as it was written, for comparison only.
        #expect(try store.reportedCostTotal() == ExactDecimal("0.012675")!)
    }
}
