/// The schema, one numbered step at a time. A step is never edited once released: a new one
/// is appended, so that any older database migrates forward in order.
enum SQLiteMigrations {
    static let steps: [(version: Int, sql: String)] = [
        (1, """
        CREATE TABLE runs (
            run_id      TEXT PRIMARY KEY,
            job         TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            status      TEXT NOT NULL,
            exit_code   INTEGER,
            parameters  TEXT NOT NULL DEFAULT '',
            outputs     TEXT NOT NULL DEFAULT '',
            message     TEXT
        );
        CREATE TABLE ingest_inputs (
            id          INTEGER PRIMARY KEY,
            run_id      TEXT NOT NULL,
            path        TEXT NOT NULL,
            format      TEXT NOT NULL,
            sha256      TEXT,
            bytes       INTEGER NOT NULL DEFAULT 0,
            read        INTEGER NOT NULL DEFAULT 0,
            accepted    INTEGER NOT NULL DEFAULT 0,
            duplicates  INTEGER NOT NULL DEFAULT 0,
            quarantined INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ingest_inputs_run ON ingest_inputs(run_id);
        CREATE INDEX ingest_inputs_sha ON ingest_inputs(sha256);
        CREATE TABLE usage_events (
            id                  INTEGER PRIMARY KEY,
            request_id          TEXT NOT NULL,
            ts_us               INTEGER NOT NULL,
            customer_id         TEXT NOT NULL,
            provider            TEXT NOT NULL,
            model               TEXT NOT NULL,
            input_tokens        INTEGER NOT NULL,
            cached_input_tokens INTEGER NOT NULL,
            cache_write_tokens  INTEGER NOT NULL,
            output_tokens       INTEGER NOT NULL,
            requests            INTEGER NOT NULL,
            tier                TEXT NOT NULL,
            status              TEXT NOT NULL,
            api_key_id          TEXT,
            upstream_account    TEXT,
            service_id          TEXT,
            latency_ms          INTEGER,
            input_id            INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX usage_events_request_id ON usage_events(request_id);
        CREATE INDEX usage_events_ts ON usage_events(ts_us);
        CREATE TABLE quarantine (
            sha256   TEXT NOT NULL,
            line     INTEGER NOT NULL,
            source   TEXT NOT NULL,
            reason   TEXT NOT NULL,
            raw      TEXT NOT NULL,
            input_id INTEGER NOT NULL,
            PRIMARY KEY (sha256, line)
        );
        """),
        (2, """
        ALTER TABLE usage_events ADD COLUMN reported_cost TEXT;
        """),
        (3, """
        ALTER TABLE ingest_inputs ADD COLUMN kind TEXT NOT NULL DEFAULT 'usage';
        ALTER TABLE ingest_inputs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE bill_lines (
            input_id    INTEGER NOT NULL,
            provider    TEXT NOT NULL,
            day         TEXT NOT NULL,
            model       TEXT NOT NULL,
            tier        TEXT NOT NULL,
            token_type  TEXT NOT NULL,
            correction  INTEGER NOT NULL,
            quantity    INTEGER,
            cost        TEXT
        );
        CREATE INDEX bill_lines_day ON bill_lines(day);
        CREATE TABLE reconciliation_cells (
            day              TEXT NOT NULL,
            provider         TEXT NOT NULL,
            model            TEXT NOT NULL,
            tier             TEXT NOT NULL,
            token_type       TEXT NOT NULL,
            gateway_quantity INTEGER NOT NULL,
            billed_quantity  INTEGER,
            expected_cost    TEXT,
            billed_cost      TEXT,
            status           TEXT NOT NULL,
            money_at_risk    TEXT NOT NULL,
            model_total      INTEGER NOT NULL,
            run_id           TEXT NOT NULL,
            PRIMARY KEY (day, provider, model, tier, token_type)
        );
        """),
        (4, SharedMigrations.v4),
        (5, SharedMigrations.v5),
        (6, SharedMigrations.v6),
        (7, SharedMigrations.v7),
        (8, SharedMigrations.v8),
        // PostgreSQL's 9 chooses how the server compresses documents; SQLite stores them as they are.
        (9, "SELECT 1;"),
        (10, SharedMigrations.v10 + """
        CREATE TABLE reconciliation_cells_v10 (
            day              TEXT NOT NULL,
            through_day      TEXT NOT NULL DEFAULT '',
            provider         TEXT NOT NULL,
            model            TEXT NOT NULL,
            tier             TEXT NOT NULL,
            token_type       TEXT NOT NULL,
            gateway_quantity INTEGER NOT NULL,
            billed_quantity  INTEGER,
            expected_cost    TEXT,
            billed_cost      TEXT,
            status           TEXT NOT NULL,
            money_at_risk    TEXT NOT NULL,
            model_total      INTEGER NOT NULL,
            run_id           TEXT NOT NULL,
            PRIMARY KEY (day, through_day, provider, model, tier, token_type)
        );
        INSERT INTO reconciliation_cells_v10(day, provider, model, tier, token_type, gateway_quantity, billed_quantity,
            expected_cost, billed_cost, status, money_at_risk, model_total, run_id)
        SELECT day, provider, model, tier, token_type, gateway_quantity, billed_quantity, expected_cost, billed_cost, status,
            money_at_risk, model_total, run_id FROM reconciliation_cells;
        DROP TABLE reconciliation_cells;
        ALTER TABLE reconciliation_cells_v10 RENAME TO reconciliation_cells;
        CREATE INDEX reconciliation_cells_through ON reconciliation_cells(through_day) WHERE through_day <> '';
        """),
        // An alert fires once per (customer, period, metric, threshold, limit): a new limit re-arms it.
        (11, SharedMigrations.v11 + """
        DELETE FROM usage_daily_days WHERE day IN (
            SELECT DISTINCT strftime('%Y-%m-%d', ts_us / 1000000, 'unixepoch') FROM usage_events WHERE reported_cost IS NOT NULL);
        CREATE TABLE alerts_v11 (
            id           TEXT PRIMARY KEY,
            customer_id  TEXT NOT NULL,
            period       TEXT NOT NULL,
            period_start TEXT NOT NULL,
            metric       TEXT NOT NULL,
            threshold    BIGINT NOT NULL,
            severity     TEXT NOT NULL,
            usage        TEXT NOT NULL,
            limit_value  TEXT NOT NULL,
            fired_at     TEXT NOT NULL,
            run_id       TEXT NOT NULL,
            delivery_id  TEXT,
            UNIQUE (customer_id, period_start, metric, threshold, limit_value)
        );
        INSERT INTO alerts_v11 SELECT id, customer_id, period, period_start, metric, threshold, severity, usage, limit_value, fired_at,
            run_id, delivery_id FROM alerts;
        DROP TABLE alerts;
        ALTER TABLE alerts_v11 RENAME TO alerts;
        """),
        (12, SharedMigrations.v12 + """
        CREATE TABLE reconciliation_cells_v12 (
            day              TEXT NOT NULL,
            through_day      TEXT NOT NULL DEFAULT '',
            provider         TEXT NOT NULL,
            model            TEXT NOT NULL,
            tier             TEXT NOT NULL,
            band             BIGINT NOT NULL DEFAULT 0,
            token_type       TEXT NOT NULL,
            gateway_quantity INTEGER NOT NULL,
            billed_quantity  INTEGER,
            expected_cost    TEXT,
            billed_cost      TEXT,
            status           TEXT NOT NULL,
            money_at_risk    TEXT NOT NULL,
            model_total      INTEGER NOT NULL,
            run_id           TEXT NOT NULL,
            PRIMARY KEY (day, through_day, provider, model, tier, band, token_type)
        );
        INSERT INTO reconciliation_cells_v12(day, through_day, provider, model, tier, token_type, gateway_quantity, billed_quantity,
            expected_cost, billed_cost, status, money_at_risk, model_total, run_id)
        SELECT day, through_day, provider, model, tier, token_type, gateway_quantity, billed_quantity, expected_cost, billed_cost, status,
            money_at_risk, model_total, run_id FROM reconciliation_cells;
        DROP TABLE reconciliation_cells;
        ALTER TABLE reconciliation_cells_v12 RENAME TO reconciliation_cells;
        CREATE INDEX reconciliation_cells_through ON reconciliation_cells(through_day) WHERE through_day <> '';
        """),
        (13, SharedMigrations.v13 + """
        CREATE TABLE archived_request_ids (request_id TEXT PRIMARY KEY) WITHOUT ROWID;
        """),
        (14, v14),
        (15, SharedMigrations.v15),
        (16, SharedMigrations.v16 + SharedMigrations.v16Days + """
        UPDATE invoices SET issue_date = COALESCE(json_extract(document, '$.issue_date'), '');
        CREATE INDEX invoices_issue_date ON invoices(issue_date);
        """),
        (17, SharedMigrations.v17 + """
        INSERT INTO period_calls(customer_id, period_start, provider, calls)
        WITH RECURSIVE pairs(customer_id, period_start, pair, rest) AS (
            SELECT customer_id, period_start, '', calls_by_provider || ',' FROM period_totals WHERE calls_by_provider <> ''
            UNION ALL
            SELECT customer_id, period_start, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
            FROM pairs WHERE rest <> ''
        )
        SELECT customer_id, period_start, substr(pair, 1, instr(pair, '=') - 1), CAST(substr(pair, instr(pair, '=') + 1) AS INTEGER)
        FROM pairs WHERE pair <> '';
        ALTER TABLE period_totals DROP COLUMN calls_by_provider;
        """),
        (18, SharedMigrations.v18),
        (19, SharedMigrations.v19 + """
        UPDATE invoices SET currency = COALESCE(json_extract(document, '$.currency'), ''),
            due_date = COALESCE(json_extract(document, '$.due_date'), ''),
            amount_due = COALESCE(json_extract(document, '$.amount_due'), '0'),
            adjusts = COALESCE(json_extract(document, '$.adjusts'), '');
        """),
    ]

    /// Events at half the bytes (`StoredEvents`; the row id is SQLite's own rowid, not a column,
    /// which would cost each record a byte): the old rows are set aside here, converted by
    /// `EventLayoutMigration`, and `v14Finish` indexes the new ones and drops the old.
    static let v14 = """
        DROP TRIGGER IF EXISTS usage_events_archived;
        ALTER TABLE usage_events RENAME TO usage_events_v13;
        DROP INDEX usage_events_request_id;
        DROP INDEX usage_events_ts;
        DROP INDEX IF EXISTS usage_events_service;
        ALTER TABLE archived_request_ids RENAME TO archived_request_ids_v13;
        CREATE TABLE archived_request_ids (request_id BLOB PRIMARY KEY) WITHOUT ROWID;
        """ + StoredEvents.dictionaries(postgres: false) + """
        CREATE TABLE usage_events (
            request_id            BLOB NOT NULL,
            ts_us                 INTEGER NOT NULL,
            caller_id             INTEGER NOT NULL,
            model_id              INTEGER NOT NULL,
            input_tokens          INTEGER NOT NULL,
            cached_input_tokens   INTEGER NOT NULL,
            cache_write_tokens    INTEGER NOT NULL,
            cache_write_1h_tokens INTEGER NOT NULL,
            output_tokens         INTEGER NOT NULL,
            requests              INTEGER NOT NULL,
            latency_ms            INTEGER,
            reported_cost         TEXT,
            input_id              INTEGER NOT NULL
        );
        """

    static let v14Finish = """
        CREATE UNIQUE INDEX usage_events_request_id ON usage_events(request_id);
        CREATE INDEX usage_events_ts ON usage_events(ts_us);
        CREATE INDEX usage_events_service ON usage_events(caller_id, ts_us) WHERE caller_id < 0;
        DROP TABLE usage_events_v13;
        DROP TABLE archived_request_ids_v13;
        """ + StoredEvents.namedView(postgres: false)

    static var latest: Int { steps.last?.version ?? 0 }
}
