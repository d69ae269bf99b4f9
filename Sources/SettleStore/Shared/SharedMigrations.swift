/// Schema steps whose SQL is the same in SQLite and PostgreSQL (TEXT and BIGINT mean the
/// same to both), appended to each store's list.
enum SharedMigrations {
    static let v4 = """
        CREATE TABLE usage_daily (
            day           TEXT NOT NULL,
            stretch_us    BIGINT NOT NULL,
            customer_id   TEXT NOT NULL,
            provider      TEXT NOT NULL,
            model         TEXT NOT NULL,
            tier          TEXT NOT NULL,
            service_id    TEXT NOT NULL,
            status        TEXT NOT NULL,
            events        BIGINT NOT NULL,
            input_tokens  BIGINT NOT NULL,
            cached_tokens BIGINT NOT NULL,
            cache_write   BIGINT NOT NULL,
            output_tokens BIGINT NOT NULL,
            requests      BIGINT NOT NULL
        );
        CREATE INDEX usage_daily_day ON usage_daily(day);
        CREATE TABLE usage_daily_days (
            day         TEXT PRIMARY KEY,
            computed_at TEXT NOT NULL
        );
        CREATE INDEX usage_events_service ON usage_events(customer_id, service_id, ts_us) WHERE service_id IS NOT NULL;
        CREATE TABLE usage_summaries (
            customer_id    TEXT NOT NULL,
            period_start   TEXT NOT NULL,
            provider       TEXT NOT NULL,
            model          TEXT NOT NULL,
            tier           TEXT NOT NULL,
            token_type     TEXT NOT NULL,
            service_id     TEXT NOT NULL,
            unit_price     TEXT,
            quantity       BIGINT NOT NULL,
            error_quantity BIGINT NOT NULL,
            charge         TEXT
        );
        CREATE INDEX usage_summaries_period ON usage_summaries(customer_id, period_start);
        CREATE TABLE usage_trials (
            customer_id  TEXT NOT NULL,
            period_start TEXT NOT NULL,
            service_id   TEXT NOT NULL,
            free_input   BIGINT NOT NULL,
            free_output  BIGINT NOT NULL,
            PRIMARY KEY (customer_id, period_start, service_id)
        );
        CREATE TABLE period_totals (
            customer_id       TEXT NOT NULL,
            period            TEXT NOT NULL,
            period_start      TEXT NOT NULL,
            billing_day       BIGINT NOT NULL,
            plan              TEXT NOT NULL,
            tokens            BIGINT NOT NULL,
            calls             BIGINT NOT NULL,
            calls_by_provider TEXT NOT NULL,
            cost              TEXT NOT NULL,
            trial_credit      TEXT NOT NULL,
            unpriced_quantity BIGINT NOT NULL,
            events            BIGINT NOT NULL,
            error_events      BIGINT NOT NULL,
            as_of             TEXT NOT NULL,
            projected_tokens  BIGINT NOT NULL,
            projected_calls   BIGINT NOT NULL,
            projected_cost    TEXT NOT NULL,
            alerts_due        BIGINT NOT NULL,
            PRIMARY KEY (customer_id, period_start)
        );
        CREATE TABLE alerts (
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
            UNIQUE (customer_id, period_start, metric, threshold)
        );
        CREATE TABLE alert_deliveries (
            id           TEXT PRIMARY KEY,
            customer_id  TEXT NOT NULL,
            url          TEXT NOT NULL,
            body         TEXT NOT NULL,
            status       TEXT NOT NULL,
            attempts     BIGINT NOT NULL,
            last_error   TEXT,
            created_at   TEXT NOT NULL,
            delivered_at TEXT
        );
        """
}

extension SharedMigrations {
    /// Issued invoices, credit notes and supplementary invoices. Numbers are gapless per series
    /// and year (UNIQUE), and a customer's period has one invoice (the partial unique index).
    static let v5 = """
        CREATE TABLE invoices (
            number          TEXT PRIMARY KEY,
            series          TEXT NOT NULL,
            year            BIGINT NOT NULL,
            seq             BIGINT NOT NULL,
            kind            TEXT NOT NULL,
            customer_id     TEXT NOT NULL,
            period          TEXT NOT NULL,
            period_start    TEXT NOT NULL,
            credits_applied TEXT NOT NULL,
            document        TEXT NOT NULL,
            finalized_at    TEXT NOT NULL,
            run_id          TEXT NOT NULL,
            UNIQUE (series, year, seq)
        );
        CREATE UNIQUE INDEX invoices_one_per_period ON invoices(customer_id, period_start) WHERE kind = 'invoice';
        CREATE INDEX invoices_period ON invoices(period);
        """
}

extension SharedMigrations {
    /// What nightly needs to pick up where it left off, even after a kill: the days whose inputs
    /// changed and that a step has not yet recomputed, and the inbox files already taken in.
    /// And a daily latency histogram (two significant figures) for the service-quality sheet,
    /// so percentiles of a month never read the month's events. Every day is to be rolled up
    /// again: the histogram and upstream costs are new, and reconcile now trusts a day's
    /// rolled-up rows unless the day is pending.
    static let v6 = """
        CREATE TABLE pending_days (
            step TEXT NOT NULL,
            day  TEXT NOT NULL,
            PRIMARY KEY (step, day)
        );
        CREATE TABLE inbox_files (
            kind     TEXT NOT NULL,
            path     TEXT NOT NULL,
            bytes    BIGINT NOT NULL,
            mtime_ns BIGINT NOT NULL,
            sha256   TEXT NOT NULL,
            PRIMARY KEY (kind, path)
        );
        CREATE TABLE usage_latency_daily (
            day        TEXT NOT NULL,
            provider   TEXT NOT NULL,
            model      TEXT NOT NULL,
            service_id TEXT NOT NULL,
            latency_ms BIGINT NOT NULL,
            events     BIGINT NOT NULL
        );
        CREATE INDEX usage_latency_daily_day ON usage_latency_daily(day);
        ALTER TABLE usage_summaries ADD COLUMN upstream_cost TEXT;
        DELETE FROM usage_daily_days;
        """

    /// Daily rows kept up to date by each load (`LoadRollup`): a day's rows can be added to, so
    /// they are unique per key, and a day remembers the price stretches its rows were split at.
    static let v7 = """
        ALTER TABLE usage_daily_days ADD COLUMN stretches TEXT;
        DROP INDEX usage_daily_day;
        CREATE UNIQUE INDEX usage_daily_key ON usage_daily(day, stretch_us, customer_id, provider, model, tier, service_id, status);
        DROP INDEX usage_latency_daily_day;
        CREATE UNIQUE INDEX usage_latency_daily_key ON usage_latency_daily(day, provider, model, service_id, latency_ms);
        """

    /// A month's documents are read in number order a page at a time; with only an index on
    /// the period, every page read and sorted the whole month's documents again.
    static let v8 = """
        DROP INDEX invoices_period;
        CREATE INDEX invoices_period_number ON invoices(period, series, year, seq);
        """

    /// Charge periods longer than a day (a FOCUS month): a bill line's and a cell's last day
    /// (empty for one day), so that a month is restated and reconciled as one; and the rows a
    /// report skipped, per service, for the run record.
    static let v10 = """
        ALTER TABLE bill_lines ADD COLUMN through_day TEXT NOT NULL DEFAULT '';
        CREATE INDEX bill_lines_through ON bill_lines(through_day) WHERE through_day <> '';
        ALTER TABLE ingest_inputs ADD COLUMN skipped_by TEXT NOT NULL DEFAULT '';

        """
}

extension SharedMigrations {
    /// Billing that survives real life (issue 17). The credit ledger: each entry with its
    /// remainder, each use of credit; documents issued before it are replayed into it once
    /// (`credit_recorded` = 0). Daily rows keep apart events with and without the gateway's
    /// reported cost, and sum it, for the charge audit: the unique key gains `costed`, and
    /// days with reported costs are rolled up again (each store deletes their marks).
    static let v11 = """
        CREATE TABLE credit_entries (
            reference   TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            kind        TEXT NOT NULL,
            day         TEXT NOT NULL,
            expires     TEXT,
            amount      TEXT NOT NULL,
            remaining   TEXT NOT NULL,
            run_id      TEXT NOT NULL
        );
        CREATE INDEX credit_entries_customer ON credit_entries(customer_id);
        CREATE TABLE credit_uses (
            customer_id     TEXT NOT NULL,
            entry_reference TEXT NOT NULL,
            kind            TEXT NOT NULL,
            day             TEXT NOT NULL,
            amount          TEXT NOT NULL,
            source          TEXT NOT NULL,
            run_id          TEXT NOT NULL
        );
        CREATE INDEX credit_uses_customer ON credit_uses(customer_id);
        ALTER TABLE invoices ADD COLUMN credit_recorded BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_daily ADD COLUMN costed BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_daily ADD COLUMN reported_nanos BIGINT NOT NULL DEFAULT 0;
        DROP INDEX usage_daily_key;
        CREATE UNIQUE INDEX usage_daily_key ON usage_daily(day, stretch_us, customer_id, provider, model, tier, service_id, status, costed);

        """
}

extension SharedMigrations {
    /// Prices as vendors publish them (issue 19): one-hour cache writes, priced apart from
    /// five-minute ones (an event's share of its cache writes, the daily rows' sum of them), and
    /// prompt-size bands kept apart in the daily rows, the period summaries, the bill lines and
    /// the reconciliation cells (each store's step changes the cells' primary key).
    static let v12 = """
        ALTER TABLE usage_events ADD COLUMN cache_write_1h_tokens BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_daily ADD COLUMN cache_write_1h BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_daily ADD COLUMN band BIGINT NOT NULL DEFAULT 0;
        DROP INDEX usage_daily_key;
        CREATE UNIQUE INDEX usage_daily_key ON usage_daily(day, stretch_us, customer_id, provider, model, tier, service_id, status, costed, band);
        ALTER TABLE usage_summaries ADD COLUMN band BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE bill_lines ADD COLUMN band BIGINT NOT NULL DEFAULT 0;

        """

    /// Archives of closed months' events (`settle archive`): one row per month whose events are
    /// in an archive file, with the file's SHA-256 and counts, so a restore can check it and a
    /// rebuild over the month can name it.
    static let v13 = """
        CREATE TABLE archives (
            month       TEXT PRIMARY KEY,
            path        TEXT NOT NULL,
            sha256      TEXT NOT NULL,
            events      BIGINT NOT NULL,
            bytes       BIGINT NOT NULL,
            first_ts_us BIGINT NOT NULL,
            archived_at TEXT NOT NULL,
            run_id      TEXT NOT NULL
        );

        """

    /// A month-end reads a thousand customers' documents at a time (`InvoiceLedger.documents`):
    /// by customer and period, for every kind of document.
    static let v15 = """
        CREATE INDEX invoices_customer_period ON invoices(customer_id, period);
        """

    /// Issued means issued (PRODUCT.md, "Customers over time"): the terms each issued period
    /// was priced with (`issued_terms`: the customer's versions, and the digest of the catalog
    /// part kept once in `catalog_terms`); each document's issue date as a column, so that the
    /// latest one bounds the next (numbers follow time); and what each period's summary was priced
    /// with (`priced_with`, `PricingFingerprint`), so that a catalog edit since is seen before
    /// the period is invoiced; and the charge audit's totals per day and model
    /// (`charge_audit_days`), which a month's summary adds up.
    static let v16 = """
        ALTER TABLE invoices ADD COLUMN issue_date TEXT NOT NULL DEFAULT '';
        CREATE TABLE catalog_terms (
            digest TEXT PRIMARY KEY,
            body   TEXT NOT NULL
        );
        CREATE TABLE issued_terms (
            customer_id    TEXT NOT NULL,
            period_start   TEXT NOT NULL,
            document       TEXT NOT NULL,
            customer_terms TEXT NOT NULL,
            catalog_digest TEXT NOT NULL,
            PRIMARY KEY (customer_id, period_start)
        );
        ALTER TABLE period_totals ADD COLUMN priced_with TEXT NOT NULL DEFAULT '';
        CREATE TABLE charge_audit_days (
            day               TEXT NOT NULL,
            provider          TEXT NOT NULL,
            model             TEXT NOT NULL,
            tier              TEXT NOT NULL,
            events            BIGINT NOT NULL,
            events_reported   BIGINT NOT NULL,
            compared_events   BIGINT NOT NULL,
            reported          TEXT NOT NULL,
            unpriced_reported TEXT NOT NULL,
            computed          TEXT NOT NULL,
            priced            BIGINT NOT NULL,
            PRIMARY KEY (day, provider, model, tier)
        );
        """
}

extension SharedMigrations {
    /// The days a period's usage line covers (its first and last day of ok usage at its unit
    /// price), so that an invoice whose item changed price inside the period says from which
    /// day to which day each of its lines applied. Lines summed before stay without days
    /// (NULL) until their period is aggregated again.
    static let v16Days = """
        ALTER TABLE usage_summaries ADD COLUMN from_day TEXT;
        ALTER TABLE usage_summaries ADD COLUMN through_day TEXT;
        """
}

extension SharedMigrations {
    /// No value stands for another (issue 29): a day whose rows miss some of its events is
    /// `complete = 0`, no longer a `stretches` of "stale" that a signature could one day equal;
    /// a period's calls per provider are rows of `period_calls`, no longer "k=v,k=v" text that a
    /// provider named with a comma would break. Each store moves the stored pairs into rows
    /// (`v17Calls`) and drops the text column.
    static let v17 = """
        ALTER TABLE usage_daily_days ADD COLUMN complete BIGINT NOT NULL DEFAULT 1;
        UPDATE usage_daily_days SET complete = 0, stretches = '' WHERE stretches = 'stale';
        CREATE TABLE period_calls (
            customer_id  TEXT NOT NULL,
            period_start TEXT NOT NULL,
            provider     TEXT NOT NULL,
            calls        BIGINT NOT NULL,
            PRIMARY KEY (customer_id, period_start, provider)
        );
        """
}

extension SharedMigrations {
    /// Provider bills in another currency than the base (FINANCE.md, "Currencies"): each bill
    /// line keeps the rate its cost was converted at, and each reconciliation cell the rates of
    /// its lines ('' for the base currency), so that a cell says which rate it used.
    static let v18 = """
        ALTER TABLE bill_lines ADD COLUMN exchange_rate TEXT NOT NULL DEFAULT '';
        ALTER TABLE reconciliation_cells ADD COLUMN exchange_rates TEXT NOT NULL DEFAULT '';
        """
}

extension SharedMigrations {
    /// Payments and receivables, and the journal (FINANCE.md): each payment taken in, with what
    /// it did (its posting, decided once; `posted_seq` the order postings were made in, NULL
    /// while unmatched), and each reminder sent or passed; each month's journal lines as written
    /// (append-only: a written month is never written again, only read back). An invoice keeps what receivables need as
    /// columns (currency, due date, amount due, the invoice a credit note adjusts), filled from
    /// the stored document by each store's step.
    static let v19 = """
        CREATE TABLE payments (
            id              TEXT PRIMARY KEY,
            input_id        BIGINT NOT NULL,
            source          TEXT NOT NULL,
            kind            TEXT NOT NULL,
            day             TEXT NOT NULL,
            amount          TEXT NOT NULL,
            currency        TEXT NOT NULL,
            fee             TEXT,
            fee_currency    TEXT NOT NULL,
            reference       TEXT NOT NULL,
            texts           TEXT NOT NULL,
            named_customer  TEXT NOT NULL,
            stripe_customer TEXT NOT NULL,
            refunds         TEXT NOT NULL,
            posted_seq      BIGINT,
            invoice         TEXT NOT NULL,
            rule            TEXT NOT NULL,
            applied         TEXT NOT NULL,
            credit          TEXT NOT NULL,
            customer_id     TEXT NOT NULL,
            unmatched       TEXT,
            run_id          TEXT NOT NULL
        );
        CREATE INDEX payments_invoice ON payments(invoice);
        CREATE TABLE reminders (
            invoice      TEXT NOT NULL,
            days         BIGINT NOT NULL,
            customer_id  TEXT NOT NULL,
            currency     TEXT NOT NULL,
            due_date     TEXT NOT NULL,
            open_amount  TEXT NOT NULL,
            days_overdue BIGINT NOT NULL,
            day          TEXT NOT NULL,
            passed       BIGINT NOT NULL,
            delivery_id  TEXT,
            created_at   TEXT NOT NULL,
            run_id       TEXT NOT NULL,
            PRIMARY KEY (invoice, days)
        );
        CREATE TABLE journal_lines (
            month             TEXT NOT NULL,
            entry             BIGINT NOT NULL,
            line              BIGINT NOT NULL,
            source            TEXT NOT NULL,
            day               TEXT NOT NULL,
            memo              TEXT NOT NULL,
            account           TEXT NOT NULL,
            debit             TEXT NOT NULL,
            credit            TEXT NOT NULL,
            document          TEXT NOT NULL,
            customer_id       TEXT NOT NULL,
            seller            TEXT NOT NULL,
            original_currency TEXT NOT NULL,
            original_amount   TEXT NOT NULL,
            exchange_rate     TEXT NOT NULL,
            run_id            TEXT NOT NULL,
            PRIMARY KEY (month, entry, line)
        );
        CREATE INDEX journal_lines_source ON journal_lines(source);
        CREATE TABLE journal_months (
            month      TEXT PRIMARY KEY,
            written_at TEXT NOT NULL,
            run_id     TEXT NOT NULL
        );
        ALTER TABLE invoices ADD COLUMN currency TEXT NOT NULL DEFAULT '';
        ALTER TABLE invoices ADD COLUMN due_date TEXT NOT NULL DEFAULT '';
        ALTER TABLE invoices ADD COLUMN amount_due TEXT NOT NULL DEFAULT '0';
        ALTER TABLE invoices ADD COLUMN adjusts TEXT NOT NULL DEFAULT '';
        """
}
