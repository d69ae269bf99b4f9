/// The schema in PostgreSQL's dialect, step for step the same as `SQLiteMigrations`, except
/// for usage_events: no surrogate key (it would cost PostgreSQL an index and a sequence call per
/// event, where SQLite's rowid is free), a BRIN time index, and from step 13 monthly partitions
/// with the request-id set in a table of its own.
enum PostgresMigrations {
    static let steps: [(version: Int, sql: String)] = [
        (1, """
        CREATE TABLE runs (
            run_id      text PRIMARY KEY,
            job         text NOT NULL,
            started_at  text NOT NULL,
            finished_at text,
            status      text NOT NULL,
            exit_code   integer,
            parameters  text NOT NULL DEFAULT '',
            outputs     text NOT NULL DEFAULT '',
            message     text
        );
        CREATE TABLE ingest_inputs (
            id          bigserial PRIMARY KEY,
            run_id      text NOT NULL,
            path        text NOT NULL,
            format      text NOT NULL,
            sha256      text,
            bytes       bigint NOT NULL DEFAULT 0,
            read        bigint NOT NULL DEFAULT 0,
            accepted    bigint NOT NULL DEFAULT 0,
            duplicates  bigint NOT NULL DEFAULT 0,
            quarantined bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX ingest_inputs_run ON ingest_inputs(run_id);
        CREATE INDEX ingest_inputs_sha ON ingest_inputs(sha256);
        CREATE TABLE usage_events (
            request_id          text PRIMARY KEY,
            ts_us               bigint NOT NULL,
            customer_id         text NOT NULL,
            provider            text NOT NULL,
            model               text NOT NULL,
            input_tokens        bigint NOT NULL,
            cached_input_tokens bigint NOT NULL,
            cache_write_tokens  bigint NOT NULL,
            output_tokens       bigint NOT NULL,
            requests            bigint NOT NULL,
            tier                text NOT NULL,
            status              text NOT NULL,
            api_key_id          text,
            upstream_account    text,
            service_id          text,
            latency_ms          bigint,
            input_id            bigint NOT NULL
        );
        -- BRIN, not B-tree: events arrive in time order, so block ranges stay tight for day
        -- queries, and a bulk load does not pay for a second B-tree (measured: 15 % of COPY time).
        CREATE INDEX usage_events_ts ON usage_events USING brin (ts_us);
        CREATE TABLE quarantine (
            sha256   text NOT NULL,
            line     bigint NOT NULL,
            source   text NOT NULL,
            reason   text NOT NULL,
            raw      text NOT NULL,
            input_id bigint NOT NULL,
            PRIMARY KEY (sha256, line)
        );
        """),
        (2, """
        ALTER TABLE usage_events ADD COLUMN reported_cost text;
        """),
        (3, """
        ALTER TABLE ingest_inputs ADD COLUMN kind text NOT NULL DEFAULT 'usage';
        ALTER TABLE ingest_inputs ADD COLUMN skipped bigint NOT NULL DEFAULT 0;
        CREATE TABLE bill_lines (
            input_id    bigint NOT NULL,
            provider    text NOT NULL,
            day         text NOT NULL,
            model       text NOT NULL,
            tier        text NOT NULL,
            token_type  text NOT NULL,
            correction  boolean NOT NULL,
            quantity    bigint,
            cost        numeric
        );
        CREATE INDEX bill_lines_day ON bill_lines(day);
        CREATE TABLE reconciliation_cells (
            day              text NOT NULL,
            provider         text NOT NULL,
            model            text NOT NULL,
            tier             text NOT NULL,
            token_type       text NOT NULL,
            gateway_quantity bigint NOT NULL,
            billed_quantity  bigint,
            expected_cost    numeric,
            billed_cost      numeric,
            status           text NOT NULL,
            money_at_risk    numeric NOT NULL,
            model_total      boolean NOT NULL,
            run_id           text NOT NULL,
            PRIMARY KEY (day, provider, model, tier, token_type)
        );
        """),
        (4, SharedMigrations.v4),
        (5, SharedMigrations.v5),
        (6, SharedMigrations.v6),
        (7, SharedMigrations.v7),
        (8, SharedMigrations.v8),
        (9, v9),
        (10, SharedMigrations.v10 + """
        ALTER TABLE reconciliation_cells ADD COLUMN through_day text NOT NULL DEFAULT '';
        ALTER TABLE reconciliation_cells DROP CONSTRAINT reconciliation_cells_pkey;
        ALTER TABLE reconciliation_cells ADD PRIMARY KEY (day, through_day, provider, model, tier, token_type);
        CREATE INDEX reconciliation_cells_through ON reconciliation_cells(through_day) WHERE through_day <> '';
        """),
        (11, SharedMigrations.v11 + """
        DELETE FROM usage_daily_days WHERE day IN (
            SELECT DISTINCT to_char(to_timestamp((ts_us / 1000000)::float8) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM usage_events
            WHERE reported_cost IS NOT NULL);
        ALTER TABLE alerts DROP CONSTRAINT alerts_customer_id_period_start_metric_threshold_key;
        ALTER TABLE alerts ADD CONSTRAINT alerts_once UNIQUE (customer_id, period_start, metric, threshold, limit_value);
        """),
        (12, SharedMigrations.v12 + """
        ALTER TABLE reconciliation_cells ADD COLUMN band bigint NOT NULL DEFAULT 0;
        ALTER TABLE reconciliation_cells DROP CONSTRAINT reconciliation_cells_pkey;
        ALTER TABLE reconciliation_cells ADD PRIMARY KEY (day, through_day, provider, model, tier, band, token_type);
        """),
        (13, SharedMigrations.v13 + v13),
        (14, v14),
        (15, SharedMigrations.v15),
        (16, SharedMigrations.v16 + SharedMigrations.v16Days + """
        UPDATE invoices SET issue_date = COALESCE((document::jsonb)->>'issue_date', '');
        CREATE INDEX invoices_issue_date ON invoices(issue_date);
        """),
        (17, SharedMigrations.v17 + """
        INSERT INTO period_calls(customer_id, period_start, provider, calls)
        SELECT customer_id, period_start, split_part(pair, '=', 1), split_part(pair, '=', 2)::bigint
        FROM period_totals, unnest(string_to_array(calls_by_provider, ',')) AS pair
        WHERE calls_by_provider <> '' AND pair <> '';
        ALTER TABLE period_totals DROP COLUMN calls_by_provider;
        """),
        (18, SharedMigrations.v18),
        (19, SharedMigrations.v19 + """
        UPDATE invoices SET currency = COALESCE((document::jsonb)->>'currency', ''),
            due_date = COALESCE((document::jsonb)->>'due_date', ''),
            amount_due = COALESCE((document::jsonb)->>'amount_due', '0'),
            adjusts = COALESCE((document::jsonb)->>'adjusts', '');
        """),
    ]

    /// Events at half the bytes (`StoredEvents`): columns ordered so that nothing is padded,
    /// 32-bit counts, binary ids. The old rows are set aside here (parent, partitions and the
    /// id set renamed), converted by `EventLayoutMigration`, and `v14Finish` drops them.
    static let v14 = """
        ALTER TABLE usage_events RENAME TO usage_events_v13;
        DO $$
        DECLARE r record;
        BEGIN
            FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                     WHERE i.inhparent = 'usage_events_v13'::regclass LOOP
                EXECUTE format('ALTER TABLE %I RENAME TO %I', r.relname, r.relname || '_v13');
            END LOOP;
        END
        $$;
        ALTER INDEX usage_events_ts RENAME TO usage_events_v13_ts;
        ALTER INDEX usage_events_service RENAME TO usage_events_v13_service;
        ALTER TABLE request_ids RENAME TO request_ids_v13;
        ALTER TABLE request_ids_v13 RENAME CONSTRAINT request_ids_pkey TO request_ids_v13_pkey;
        CREATE TABLE request_ids (request_id bytea PRIMARY KEY);
        """ + StoredEvents.dictionaries(postgres: true) + """
        CREATE TABLE usage_events (
            ts_us                 bigint NOT NULL,
            caller_id             integer NOT NULL,
            model_id              integer NOT NULL,
            input_tokens          integer NOT NULL,
            cached_input_tokens   integer,
            cache_write_tokens    integer,
            cache_write_1h_tokens integer,
            output_tokens         integer NOT NULL,
            requests              integer NOT NULL,
            latency_ms            integer,
            input_id              integer NOT NULL,
            request_id            bytea NOT NULL,
            reported_cost         text
        ) PARTITION BY RANGE (ts_us);
        CREATE INDEX usage_events_ts ON usage_events USING brin (ts_us);
        CREATE INDEX usage_events_service ON usage_events(caller_id, ts_us) WHERE caller_id < 0;
        """

    static let v14Finish = """
        DROP TABLE usage_events_v13;
        DROP TABLE request_ids_v13;
        """ + StoredEvents.namedView(postgres: true)

    /// The layout for more than one writer and for years of events: usage_events partitioned
    /// by calendar month (UTC), and the set of request ids a table of its own, enforced by its
    /// primary key. A partitioned table's unique keys must include the partition key, so the
    /// events table can no longer say "one event per request id" by itself; the set can, across
    /// every month, and it stays when a month's partition is archived and dropped. Every event
    /// is copied into the partitions of the months it falls in.
    static let v13 = """
        CREATE TABLE request_ids (request_id text PRIMARY KEY);
        INSERT INTO request_ids SELECT request_id FROM usage_events;
        ALTER TABLE usage_events RENAME TO usage_events_unpartitioned;
        ALTER TABLE usage_events_unpartitioned DROP CONSTRAINT usage_events_pkey;
        DROP INDEX usage_events_ts;
        DROP INDEX usage_events_service;
        CREATE TABLE usage_events (LIKE usage_events_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (ts_us);
        CREATE INDEX usage_events_ts ON usage_events USING brin (ts_us);
        CREATE INDEX usage_events_service ON usage_events(customer_id, service_id, ts_us) WHERE service_id IS NOT NULL;
        DO $$
        DECLARE
            lo bigint;
            hi bigint;
            m date;
            last date;
        BEGIN
            SELECT MIN(ts_us), MAX(ts_us) INTO lo, hi FROM usage_events_unpartitioned;
            IF lo IS NULL THEN
                RETURN;
            END IF;
            m := date_trunc('month', to_timestamp(floor(lo / 1000000.0)) AT TIME ZONE 'UTC')::date;
            last := date_trunc('month', to_timestamp(floor(hi / 1000000.0)) AT TIME ZONE 'UTC')::date;
            WHILE m <= last LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%s) TO (%s)',
                    'usage_events_' || to_char(m, 'YYYY_MM'),
                    (extract(epoch FROM m::timestamp AT TIME ZONE 'UTC') * 1000000)::bigint,
                    (extract(epoch FROM (m + interval '1 month')::timestamp AT TIME ZONE 'UTC') * 1000000)::bigint);
                m := (m + interval '1 month')::date;
            END LOOP;
        END
        $$;
        INSERT INTO usage_events SELECT * FROM usage_events_unpartitioned;
        DROP TABLE usage_events_unpartitioned;
        """

    /// Issued documents compressed with lz4 instead of pglz: a 100,000-customer month-end
    /// stores 256 MB of JSON, and pglz took the server 3.6 s of the close to compress it, lz4
    /// 2.1 s. A server built without lz4 keeps pglz (the ALTER fails and is skipped).
    static let v9 = """
        DO $$
        BEGIN
            EXECUTE 'ALTER TABLE invoices ALTER COLUMN document SET COMPRESSION lz4';
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END
        $$;
        """

    static var latest: Int { steps.last?.version ?? 0 }
}
