"""Benchmark: the till feed over HTTP, through the production server as gunicorn.conf.py configures it
(issue 16), next to the bare accrual transaction in raw SQL, interleaved in one run.

- `feed`: 2 keep-alive clients (processes, http.client) each POSTing receipts one at a time to
  /api/v1/receipts/ (token auth, validation, points, ledger, year spend, answer); receipts/s, p50/p95.
- `batch`: 1 client POSTing /api/v1/receipts/batch/ with 500 receipts a request; receipts/s.
- `accrual_sql`: the reference — lock the card, update the balance, insert the ledger line, commit, in raw
  SQL (psycopg), with as many processes as the workload it is compared to has clients.
- `statements`: SQL statements of one carded receipt (exact, whatever the load).
Rounds alternate product and reference; the medians are printed, and one JSON line per workload
(`BENCH_JSON=1`) for benchmarks/run_all.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_throughput BENCH_CARDS=20000 .venv/bin/python benchmarks/feed_http.py
"""

import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

# The parent process (data, statement count) runs Django too: with DEBUG off it needs a key of its own.
os.environ.setdefault("SECRET_KEY", "bench-parent-" + uuid.uuid4().hex + "-a-long-random-secret-key-for-the-benchmark")

import members_common  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PER_CLIENT = int(os.environ.get("BENCH_RECEIPTS", "1500"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CLIENTS = 2
HOT_CARDS = 2000


def receipt(number: str, card: str, rung_at: str) -> dict:
    return {"side": "dept" if hash(number) % 3 else "market", "number": number, "rung_at": rung_at,
            "card_number": card, "payment_method": "cash", "total": "1288.00",
            "lines": [{"line_no": 1, "sku": "4711", "description": "羊毛大衣", "counter": "C-2F-07", "category": "clothing",
                       "list_price": "1200.00", "unit_price": "1200.00", "quantity": 1},
                      {"line_no": 2, "sku": "4712", "description": "袜子", "counter": "C-2F-09", "category": "clothing",
                       "list_price": "110.00", "unit_price": "88.00", "quantity": 1}]}


def _now_iso() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def http_client(port: int, token: str, path: str, payloads: list[bytes], expect: int, queue) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Connection": "keep-alive",
               "Host": "127.0.0.1"}
    latencies, errors = [], 0
    started = time.perf_counter()
    for payload in payloads:
        t0 = time.perf_counter()
        conn.request("POST", path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status != expect:
            errors += 1
            if errors < 3:
                print("unexpected", response.status, data[:300], file=sys.stderr, flush=True)
        elif expect == 200 and path.endswith("batch/"):
            statuses = {r["status"] for r in json.loads(data)["results"]}
            if statuses != {201}:
                errors += 1
                print("batch statuses", statuses, file=sys.stderr, flush=True)
    queue.put((time.perf_counter() - started, latencies, errors))


def run_clients(port: int, token: str, path: str, per_client: list[list[bytes]], expect: int) -> dict:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=http_client, args=(port, token, path, payloads, expect, queue)) for payloads in per_client]
    started = time.perf_counter()
    [p.start() for p in procs]
    time.sleep(0.3)
    workers = serving_workers(port)
    results = [queue.get() for _ in procs]
    [p.join() for p in procs]
    wall = time.perf_counter() - started
    latencies = sorted(lat for _w, lats, _e in results for lat in lats)
    return {"wall": wall, "requests": len(latencies), "errors": sum(e for _w, _l, e in results), "workers": workers,
            "p50": latencies[len(latencies) // 2] * 1000, "p95": latencies[int(len(latencies) * 0.95)] * 1000}


def serving_workers(port: int) -> int:
    """How many gunicorn worker processes hold the clients' connections (ss -tnp): with keep-alive each
    till stays on the worker that accepted it, and two tills on one worker share its one core (the GIL)."""
    try:
        out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                             text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return len({part.split(",")[0] for part in out.split("pid=")[1:]})


def sql_accrual(dsn: str, card_ids: list[int], count: int, queue) -> None:
    import psycopg

    with psycopg.connect(dsn) as conn:
        started = time.perf_counter()
        for i in range(count):
            card = card_ids[i % len(card_ids)]
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("SELECT dept_points FROM members_card WHERE id = %s FOR UPDATE", [card])
                (points,) = cur.fetchone()
                cur.execute("UPDATE members_card SET dept_points = dept_points + 10 WHERE id = %s", [card])
                cur.execute("INSERT INTO members_pointsentry (card_id, wallet, kind, points, amount, balance_after, "
                            "reference, reason, meta, at) VALUES (%s, 'dept', 'earn', 10, 0, %s, %s, '', '{}', now())",
                            [card, points + 10, f"bench-sql:{i}"])
        queue.put(time.perf_counter() - started)


def run_sql(dsn: str, card_ids: list[int], processes: int, count: int) -> float:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=sql_accrual, args=(dsn, card_ids[n::processes], count, queue)) for n in range(processes)]
    started = time.perf_counter()
    [p.start() for p in procs]
    [queue.get() for _ in procs]
    [p.join() for p in procs]
    return processes * count / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "WEB_BIND": f"127.0.0.1:{port}", "DEBUG": "0", "HTTPS": "0",
           "SECRET_KEY": "bench-" + uuid.uuid4().hex + "-a-long-random-secret-key-for-the-benchmark-only",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "WEB_LOG_LEVEL": "warning"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "servicedesk.wsgi:application"], cwd=ROOT, env=env)
    import http.client

    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def statements_per_receipt(token_user, card_number: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(token_user)
    client.post("/api/v1/receipts/", receipt(f"Q{uuid.uuid4().hex[:10]}", card_number, _now_iso()), format="json")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/receipts/", receipt(f"Q{uuid.uuid4().hex[:10]}", card_number, _now_iso()),
                               format="json")
    assert response.status_code == 201, response.content
    # BEGIN and COMMIT are the transaction's frame (the reference's "3 + commit" counts them apart)
    trips = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    # write-behind sends the trailing writes as one round trip, statements joined by "; " (receipts/sql.py)
    return len(trips), sum(len(sql.split("; ")) for sql in trips)


def year_spend_warm(card_ids: list[int]) -> None:
    """What each card's first receipt of the year does once (R-VIP-4: sum the year's receipts onto the card),
    done up front for the hot cards, so every round measures the steady state the tills see all year."""
    from django.db import connection
    from django.utils import timezone

    year = timezone.localdate().year
    with connection.cursor() as cur:
        cur.execute("""UPDATE members_card c SET year_spend_year = %s, year_spend = COALESCE((
                           SELECT sum(r.total) FROM receipts_receipt r WHERE r.card_number = c.card_number
                           AND r.business_date BETWEEN make_date(%s, 1, 1) AND make_date(%s, 12, 31)), 0)
                       WHERE c.id = ANY(%s) AND (c.year_spend_year IS NULL OR c.year_spend_year < %s)""",
                    [year, year, year, card_ids, year])


def main():
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from members.models import Card
    from tests.factories.servicedesk import StaffUserFactory

    members_common.ensure_data()
    pos = StaffUserFactory(role="pos", username=f"benchpos_{uuid.uuid4().hex[:6]}")
    token = Token.objects.create(user=pos).key
    hot = list(Card.objects.filter(status="active").order_by("-id").values_list("card_number", flat=True)[:HOT_CARDS])
    hot_ids = list(Card.objects.filter(card_number__in=hot).values_list("id", flat=True))
    year_spend_warm(hot_ids)
    statements = statements_per_receipt(pos, hot[0])
    settings = connection.settings_dict
    dsn = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} dbname={settings['NAME']} " \
          f"user={settings['USER']}" + (f" password={settings['PASSWORD']}" if settings["PASSWORD"] else "")
    connection.close()
    port = free_port()
    server = start_server(port)
    feed, batch, ref2, ref1 = [], [], [], []
    try:
        run = uuid.uuid4().hex[:6]
        warm = [[json.dumps(receipt(f"W{run}{c}-{i}", hot[i % len(hot)], _now_iso())).encode() for i in range(100)]
                for c in range(CLIENTS)]
        run_clients(port, token, "/api/v1/receipts/", warm, 201)  # every worker loads its code, token and policy
        for r in range(ROUNDS):
            per_client = [[json.dumps(receipt(f"F{run}{r}{c}-{i}", hot[(c * 7 + i) % len(hot)], _now_iso())).encode()
                           for i in range(PER_CLIENT)] for c in range(CLIENTS)]
            result = run_clients(port, token, "/api/v1/receipts/", per_client, 201)
            result["rate"] = result["requests"] / result["wall"]
            feed.append(result)
            ref2.append(run_sql(dsn, hot_ids, CLIENTS, PER_CLIENT))
            batches = [[json.dumps({"receipts": [receipt(f"B{run}{r}-{b}-{i}", hot[(b * 500 + i) % len(hot)], _now_iso())
                                                 for i in range(500)]}).encode() for b in range(BATCHES)]]
            result = run_clients(port, token, "/api/v1/receipts/batch/", batches, 200)
            result["rate"] = 500 * result["requests"] / result["wall"]
            batch.append(result)
            ref1.append(run_sql(dsn, hot_ids, 1, PER_CLIENT))
            print(f"round {r + 1}: feed {feed[-1]['rate']:.0f}/s (p50 {feed[-1]['p50']:.1f} ms, p95 {feed[-1]['p95']:.1f} ms, "
                  f"errors {feed[-1]['errors']}, on {feed[-1]['workers']} worker(s)) | SQL accrual ×2 {ref2[-1]:.0f}/s "
                  f"| batch {batch[-1]['rate']:.0f}/s "
                  f"(errors {batch[-1]['errors']}) | SQL accrual ×1 {ref1[-1]:.0f}/s | load {os.getloadavg()[0]:.1f}",
                  flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    med = statistics.median
    f_rate, b_rate = med(x["rate"] for x in feed), med(x["rate"] for x in batch)
    split = "; ".join(f"{n} worker{'s' if n > 1 else ''}: {med(x['rate'] for x in feed if x['workers'] == n):.0f}/s "
                      f"({sum(x['workers'] == n for x in feed)} rounds)" for n in sorted({x["workers"] for x in feed}))
    rows = [
        {"workload": "till feed over HTTP, 2 keep-alive clients (receipts/s)",
         "product": f"{f_rate:.0f}/s, p50 {med(x['p50'] for x in feed):.1f} ms, p95 {med(x['p95'] for x in feed):.1f} ms"
                    f" [{split}]",
         "reference": f"raw-SQL accrual, 2 processes: {med(ref2):.0f}/s", "ratio": f"{f_rate / med(ref2):.2f}×",
         "goal": "≥ 300/s", "met": f_rate >= 300},
        {"workload": "SQL statements per carded receipt", "product": f"{statements[1]} in {statements[0]} round trips",
         "reference": "accrual: 3 + commit", "ratio": f"{statements[1] / 3:.2f}×", "goal": "≤ 8",
         "met": statements[1] <= 8},
        {"workload": "batch feed, 1 client, 500 a request (receipts/s)",
         "product": f"{b_rate:.0f}/s, p50 {med(x['p50'] for x in batch):.0f} ms a batch",
         "reference": f"raw-SQL accrual, 1 process: {med(ref1):.0f}/s", "ratio": f"{b_rate / med(ref1):.2f}×",
         "goal": "≥ 2,000/s", "met": b_rate >= 2000},
    ]
    for row in rows:
        print(("BENCH " + json.dumps(row, ensure_ascii=False)) if os.environ.get("BENCH_JSON") else
              f"{row['workload']:56} {row['product']:40} {row['reference']:36} {row['ratio']}", flush=True)


if __name__ == "__main__":
    main()
