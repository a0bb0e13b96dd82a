"""`make bench`: every benchmark of issue 16 against a database of its own, product and reference measured
in the same run (alternating where it matters), printed as one table:

    workload | product | reference (same run) | ratio | goal

    BENCH_SCALE=small  (default: 20,000 cards × 10 ledger rows; a few minutes)
    BENCH_SCALE=full   (1,000,000 cards × 10 = 10,000,000 ledger rows, as performance.md; run when `uptime` is quiet)
    DATABASE_URL       (default postgres://postgres@127.0.0.1:5432/bench_throughput; `make bench` creates it)

The machine's load average is printed with the table: on a shared machine absolute figures drop, the
ratios to the references (run in the same minutes) are what to compare. Each export runs in a process
of its own so its peak memory is its own; the rebate runs inside a transaction that is rolled back, so
the data set stays reusable. After the feed and at the end the written tables are vacuumed (`bench_parts.py
settle`, what autovacuum does between busy hours), and the month is read once before the exports are timed.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALES = {"small": {"BENCH_CARDS": "20000", "BENCH_ENTRIES_PER_CARD": "10", "BENCH_RECEIPTS": "1000",
                    "BENCH_BATCHES": "4", "BENCH_ROUNDS": "5", "XLSX_ROWS": "20000", "REBATE_SAMPLE": "300"},
          "full": {"BENCH_CARDS": "1000000", "BENCH_ENTRIES_PER_CARD": "10", "BENCH_RECEIPTS": "3000",
                   "BENCH_BATCHES": "6", "BENCH_ROUNDS": "5", "XLSX_ROWS": "100000", "REBATE_SAMPLE": "2000"}}


def env_for_scale() -> dict:
    scale = os.environ.get("BENCH_SCALE", "small")
    if scale not in SCALES:
        sys.exit(f"BENCH_SCALE is small or full, not {scale!r}")
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in SCALES[scale].items()}, "BENCH_SCALE": scale}
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_throughput")
    env.setdefault("HTTPS", "0")
    # DEBUG is off in the benchmarks (production settings): each process needs a key; a throwaway one.
    env.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(24) + "-a-throwaway-key-for-the-benchmarks-only")
    return env


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if "bench" not in name:
        sys.exit("DATABASE_URL must name a bench_* database of its own")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def child(args: list[str], env: dict) -> tuple[float, list[dict], str]:
    """Run one benchmark process; answers (whole-process seconds, its BENCH json lines, its other output)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env={**env, "BENCH_JSON": "1"}, cwd=HERE, capture_output=True,
                          text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{args[0]} failed")
    rows = [json.loads(line[6:]) for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    other = "\n".join(line for line in done.stdout.splitlines() if not line.startswith("BENCH "))
    return wall, rows, other


def main() -> None:
    env = env_for_scale()
    ensure_database(env["DATABASE_URL"])
    print(f"make bench — scale {env['BENCH_SCALE']} ({int(env['BENCH_CARDS']):,} cards, "
          f"{int(env['BENCH_CARDS']) * int(env['BENCH_ENTRIES_PER_CARD']):,} ledger rows), "
          f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    child(["bench_parts.py", "prepare"], env)  # migrate + data, once
    table: list[dict] = []

    _wall, rows, other = child(["feed_http.py"], env)
    print(other, flush=True)
    table += rows

    child(["bench_parts.py", "settle"], env)  # as autovacuum would: the feed's new rows (bench_parts.settle)
    # One unmeasured read of the month first: the first export after the feed read its pages from disk (5.4 s
    # against COPY's 2.5 s in the same run; 2.8–3.5 s against 2.4–2.9 s alternating after).
    child(["bench_parts.py", "csv_copy"], env)
    # Exports: product and reference alternate, each in a fresh process (whole-process time and peak memory).
    measured: dict[str, list[dict]] = {}
    for _round in range(2):
        for part in ("csv_product", "csv_copy", "xlsx_product", "xlsx_import_export"):
            wall, rows, _other = child(["bench_parts.py", part], env)
            measured.setdefault(part, []).append({**rows[0], "wall": wall})
    med = statistics.median

    def fig(part: str, key: str) -> float:
        return med(x[key] for x in measured[part])

    base_wall, base_rows, _other = child(["bench_parts.py", "baseline"], env)
    base_mb = base_rows[0]["peak_mb"]
    table.append({"workload": "a process that only sets Django up (floor of the whole-process figures)",
                  "product": f"{base_wall:.2f} s, {base_mb:.0f} MB", "reference": "—", "ratio": "—", "goal": "",
                  "met": None})
    rows_csv = measured["csv_product"][0]["rows"]
    table.append({"workload": f"ledger CSV, one month = {rows_csv:,} rows (whole process; export alone)",
                  "product": f"{fig('csv_product', 'wall'):.2f} s ({fig('csv_product', 'seconds'):.2f} s), "
                             f"{fig('csv_product', 'peak_mb'):.0f} MB",
                  "reference": f"raw COPY of the same SELECT: {fig('csv_copy', 'wall'):.2f} s "
                               f"({fig('csv_copy', 'seconds'):.2f} s), {fig('csv_copy', 'peak_mb'):.0f} MB",
                  "ratio": f"{fig('csv_product', 'wall') / fig('csv_copy', 'wall'):.2f}× "
                           f"({fig('csv_product', 'seconds') / fig('csv_copy', 'seconds'):.2f}×)",
                  "goal": "≤ 1.2× COPY, < 64 MB",
                  "met": fig("csv_product", "wall") <= 1.2 * fig("csv_copy", "wall") and fig("csv_product", "peak_mb") < 64})
    rows_xlsx = measured["xlsx_product"][0]["rows"]
    table.append({"workload": f"ledger XLSX, {rows_xlsx:,} rows (whole process; export alone)",
                  "product": f"{fig('xlsx_product', 'wall'):.2f} s ({fig('xlsx_product', 'seconds'):.2f} s), "
                             f"{fig('xlsx_product', 'peak_mb'):.0f} MB",
                  "reference": f"django-import-export: {fig('xlsx_import_export', 'wall'):.2f} s "
                               f"({fig('xlsx_import_export', 'seconds'):.2f} s), "
                               f"{fig('xlsx_import_export', 'peak_mb'):.0f} MB",
                  "ratio": f"{fig('xlsx_import_export', 'wall') / fig('xlsx_product', 'wall'):.1f}× faster "
                           f"({fig('xlsx_import_export', 'seconds') / fig('xlsx_product', 'seconds'):.1f}×)",
                  "goal": "≥ 4× import-export, < 64 MB",
                  "met": fig("xlsx_import_export", "wall") >= 4 * fig("xlsx_product", "wall")
                  and fig("xlsx_product", "peak_mb") < 64})

    for part in ("admin_lists", "member_360", "rebate"):
        _wall, rows, _other = child(["bench_parts.py", part], env)
        table += rows
    extra = os.environ.get("BENCH_EXTRA", "escalation_bench.py")  # scripts printing BENCH rows (rolled back)
    for script in filter(None, extra.split(",")):
        _wall, rows, _other = child([script], env)
        table += rows
    child(["bench_parts.py", "settle"], env)  # the rebate's rolled-back rows are not the next run's to step over

    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)\n")
    header = ["workload", "product", "reference (same run)", "ratio", "goal", "met"]
    lines = [[r["workload"], r["product"], r["reference"], r["ratio"], r.get("goal", ""),
              {True: "yes", False: "NO", None: ""}[r.get("met")]] for r in table]
    widths = [max(len(header[i]), *(len(line[i]) for line in lines)) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
