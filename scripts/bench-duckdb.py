#!/usr/bin/env python3
"""The tool a data engineer would otherwise reach for: DuckDB reading the same JSON Lines file
settle ingests, and computing the same per-customer, per-model token totals and charges in SQL.

    scripts/bench-duckdb.py USAGE.jsonl PRICES.csv SERVICES.csv CUSTOMERS.csv [OUT.csv]

The SQL does what settle's ingest and aggregate do for these totals: one row per request_id
(duplicates dropped), only `ok` events charged, input split into input / cached_input /
cache_write, each token type priced at the price in force at the event's time (a tier without
its own row at the standard price times the tier's multiplier), with the markup rules of the
generated settle.toml (gpt-4* on openai 25 %, claude-opus-* 15 %, enterprise plan 12 %, else
20 %); marketplace events at the service's own prices per 1K, no markup. Charges are DECIMAL,
exact. What it leaves out, settle does on top: validation and quarantine, a durable store, the
free trial tokens, billing periods, reconciliation, alerts.

Prints the wall time of the query (reading the file included), of the bare totals (the file
read into memory, duplicates dropped, tokens summed per customer and model, nothing priced) and
the totals, as one line of
`key=value` pairs the benchmark script reads. With OUT.csv, writes the per-customer, per-model
totals for comparison with settle's.
"""
import sys
import time

import duckdb

MULTIPLIERS = {"batch": "0.5", "flex": "0.5", "priority": "1.7"}


def main() -> None:
    usage, prices, services, customers = sys.argv[1:5]
    out = sys.argv[5] if len(sys.argv) > 5 else None
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    started = time.monotonic()
    con.execute(f"""
        CREATE TEMP TABLE prices AS
        SELECT provider, model, token_type, COALESCE(NULLIF(tier, ''), 'standard') AS tier,
               CAST(price AS DECIMAL(20, 9)) * CASE per WHEN '1M' THEN 0.000001 WHEN '1K' THEN 0.001 ELSE 1.0 END AS per_unit,
               CAST(effective_from AS TIMESTAMPTZ) AS effective_from
        FROM read_csv('{prices}', header = true, all_varchar = true)
    """)
    con.execute(f"""
        CREATE TEMP TABLE services AS
        SELECT service_id, CAST(prompt_price_per_1k AS DECIMAL(20, 9)) * 0.001 AS prompt,
               CAST(completion_price_per_1k AS DECIMAL(20, 9)) * 0.001 AS completion
        FROM read_csv('{services}', header = true, all_varchar = true)
    """)
    con.execute(f"""
        CREATE TEMP TABLE customers AS
        SELECT customer_id, plan FROM read_csv('{customers}', header = true, all_varchar = true)
    """)
    multipliers = " ".join(f"WHEN '{t}' THEN {m}" for t, m in MULTIPLIERS.items())
    loading = time.monotonic()
    con.execute(f"""
        CREATE TEMP TABLE events AS
        SELECT * FROM read_json('{usage}', format = 'newline_delimited', ignore_errors = true, columns = {{
            request_id: 'VARCHAR', ts: 'TIMESTAMPTZ', customer_id: 'VARCHAR', provider: 'VARCHAR', model: 'VARCHAR',
            input_tokens: 'BIGINT', cached_input_tokens: 'BIGINT', cache_write_tokens: 'BIGINT', output_tokens: 'BIGINT',
            requests: 'BIGINT', tier: 'VARCHAR', status: 'VARCHAR', service_id: 'VARCHAR'}})
        QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY ts) = 1
    """)
    loaded = time.monotonic() - loading
    con.execute(f"""
        CREATE TEMP TABLE totals AS
        WITH quantities AS (
            UNPIVOT (
                SELECT customer_id, provider, model, COALESCE(tier, 'standard') AS tier, ts, service_id,
                       input_tokens - COALESCE(cached_input_tokens, 0) - COALESCE(cache_write_tokens, 0) AS input,
                       COALESCE(cached_input_tokens, 0) AS cached_input, COALESCE(cache_write_tokens, 0) AS cache_write,
                       output_tokens AS output, COALESCE(requests, 1) AS request
                FROM events WHERE COALESCE(status, 'ok') = 'ok')
            ON input, cached_input, cache_write, output, request INTO NAME token_type VALUE quantity
        ),
        priced AS (
            SELECT q.customer_id, q.model, q.token_type, q.quantity,
                   CASE WHEN q.service_id IS NOT NULL THEN
                            CASE WHEN q.token_type = 'output' THEN s.completion WHEN q.token_type = 'request' THEN NULL ELSE s.prompt END
                        ELSE COALESCE(pt.per_unit, ps.per_unit * CASE q.tier {multipliers} ELSE 1 END)
                           * (100 + CASE WHEN q.model LIKE 'gpt-4%' AND q.provider = 'openai' THEN 25
                                         WHEN q.model LIKE 'claude-opus-%' THEN 15
                                         WHEN c.plan = 'enterprise' THEN 12 ELSE 20 END) * 0.01
                   END AS unit_price
            FROM quantities q
            ASOF LEFT JOIN prices pt ON q.provider = pt.provider AND q.model = pt.model AND q.token_type = pt.token_type
                AND q.tier = pt.tier AND q.ts >= pt.effective_from
            ASOF LEFT JOIN (SELECT * FROM prices WHERE tier = 'standard') ps ON q.provider = ps.provider AND q.model = ps.model
                AND q.token_type = ps.token_type AND q.ts >= ps.effective_from
            LEFT JOIN services s ON s.service_id = q.service_id
            LEFT JOIN customers c ON c.customer_id = q.customer_id
            WHERE q.quantity <> 0
        )
        SELECT customer_id, model,
               SUM(quantity) FILTER (WHERE token_type <> 'request') AS tokens,
               SUM(quantity * unit_price) AS charge
        FROM priced GROUP BY customer_id, model
    """)
    rows, tokens, charge = con.execute("SELECT COUNT(*), SUM(tokens), SUM(charge) FROM totals").fetchone()
    wall = time.monotonic() - started
    if out:
        con.execute(f"COPY (SELECT * FROM totals ORDER BY customer_id, model) TO '{out}' (HEADER)")
    events = con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    # The bare totals: the events read into memory with their duplicates dropped (the step
    # above) and their tokens summed per customer and model, nothing priced: what settle's
    # ingest and aggregate do at the least, but for storing the events durably.
    bare_started = time.monotonic()
    con.execute("""
        SELECT customer_id, model, SUM(input_tokens), SUM(output_tokens) FROM events GROUP BY customer_id, model
    """).fetchall()
    bare = loaded + (time.monotonic() - bare_started)
    print(f"duckdb={duckdb.__version__} wall={wall:.2f} bare={bare:.2f} events={events} rows={rows} tokens={tokens} charge={charge}")


if __name__ == "__main__":
    main()
