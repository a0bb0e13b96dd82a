"""Benchmark (issue 15, item 8): in real Chromium, a scanner's card number + Enter in the header scan box →
the Member 360 page loaded (its summary visible), for a card with 1,000 ledger rows. Goal < 200 ms.

Through the production server (gunicorn as gunicorn.conf.py configures it, DEBUG off, collected static
files), logged in as a front-desk clerk. Measured in the same run, interleaved round by round:
- `scan → member 360`: type the card number into #desk-scan-head, Enter, until the new card's
  #member-summary is visible. From a plain desk page (the 360 page is one) desk.js's quick open fetches
  the scan's answer — the scan view answers with Member 360 itself, in place, no redirect — and swaps the
  page's main part in: one request, no page teardown (servicedesk/static/servicedesk/desk.js);
- `member 360 direct`: page.goto of the Member 360 URL of that card (a full page load, as before);
- `healthz` (reference): page.goto of /healthz — the browser, server and Playwright round trip with no page.
The scan's parts come from Chromium's resource timing of the quick open's fetch (server: request to first
byte — the lookup and Member 360 rendered; fetch: start to last byte) and, in the page itself, Enter to the
first frame painted after the new summary is in the document (no Playwright in between). Each scan is
checked to be a quick open (the document survives) with the card's address in the address bar. Prints
median and p95 (ms) of 20 scans, and one JSON line with BENCH_JSON=1 (benchmarks/run_all.py).

    createdb -h 127.0.0.1 -U postgres bench_scan
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scan .venv/bin/python benchmarks/scan_chromium.py
    dropdb -h 127.0.0.1 -U postgres bench_scan
DATABASE_URL may also be a sqlite:////tmp/bench_scan.sqlite3 file. Debian's Chromium: /usr/bin/chromium.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
if "bench" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL to a bench_* database of its own (PostgreSQL or a SQLite file).")
os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / "bench_scan_static"))
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the set-up's ORM calls run next to Playwright's loop
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCANS = int(os.environ.get("BENCH_SCANS", "20"))
ROWS = int(os.environ.get("BENCH_LEDGER_ROWS", "1000"))
PASSWORD = "bench-" + uuid.uuid4().hex[:12]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def make_data() -> str:
    """A clerk and a card whose 1,000 ledger rows go through the ledger's own move (balances = the ledger)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from members.choices import EntryKind, Wallet
    from members.models import Card
    from members.services import _ledger_move
    from tests.factories.members import CardFactory, MemberFactory

    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    user = user_model.objects.filter(username="bench_scan_clerk").first()
    if user is None:
        call_command("create_staff", "bench_scan_clerk", role="clerk", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    else:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    card = Card.objects.filter(card_number="8899000001000").first()
    if card is None:
        card = CardFactory(card_number="8899000001000", member=MemberFactory(name="基准会员", phone="13999990000",
                                                                            id_number="E99990000"))
    have = card.entries.count()
    with transaction.atomic():
        for i in range(have, ROWS):
            wallet = Wallet.DEPT if i % 3 else Wallet.MARKET
            _ledger_move(card_id=card.pk, wallet=wallet, kind=EntryKind.ADJUST, delta=10 + i % 7,
                         refuse_code="bench", reason=f"基准数据 {i}")
    return card.card_number


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


PARTS = ("  of which: server (scan+360)", "  of which: fetch", "  in page: Enter → painted")
# In the page: Enter's time, and the first frame after the new #member-summary is in the document.
PAINT_PROBE = """() => { window.__bench = {};
  document.addEventListener("keydown", e => { if (e.key === "Enter") __bench.t0 = performance.now(); },
                            {capture: true});
  const old = document.getElementById("member-summary");
  const seen = new MutationObserver(() => { const now = document.getElementById("member-summary");
    if (now && now !== old) { seen.disconnect();
      requestAnimationFrame(() => setTimeout(() => { __bench.t1 = performance.now(); }, 0)); } });
  seen.observe(document.body, {childList: true, subtree: true}); }"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    from playwright.sync_api import sync_playwright

    card_number = make_data()
    call_command("collectstatic", interactive=False, verbosity=0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    times: dict[str, list[float]] = {"scan → member 360": [], **{label: [] for label in PARTS},
                                     "member 360 direct": [], "healthz (reference)": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
            page.goto(f"{base}/login/")
            page.fill("#id_username", "bench_scan_clerk")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{base}/")
            direct = f"{base}/members/card/360/?card={card_number}"
            for _ in range(3):  # every worker and thread warms up (code, templates, policy rows)
                page.goto(direct)
                page.goto(f"{base}/healthz")
            page.goto(direct)
            assert page.locator("#ledger tr").count() > 1
            for _ in range(SCANS):
                # a scan: the header box, the number typed as a scanner does, Enter; until the new page shows
                page.evaluate("document.body.dataset.before = '1'")
                page.evaluate(PAINT_PROBE)
                performance_marks = page.evaluate("performance.getEntriesByType('resource').length")
                page.focus("#desk-scan-head")
                page.keyboard.type(card_number, delay=0)
                started = time.perf_counter()
                page.keyboard.press("Enter")
                page.wait_for_selector("body:not([data-before]) #member-summary", state="visible")
                times["scan → member 360"].append((time.perf_counter() - started) * 1000)
                # a quick open: the same document (the probe survived), one fetch; where the time went
                page.wait_for_function("window.__bench && __bench.t1 !== undefined")
                parts = page.evaluate("""(before) => { const f = performance.getEntriesByType('resource').slice(before)
                    .filter(e => e.initiatorType === 'fetch');
                    if (f.length !== 1) return null;
                    return [f[0].responseStart - f[0].requestStart, f[0].responseEnd - f[0].startTime,
                            __bench.t1 - __bench.t0]; }""", performance_marks)
                assert parts is not None, "the scan was not a quick open (one fetch, the same document)"
                for label, value in zip(PARTS, parts, strict=True):
                    times[label].append(value)
                assert card_number in page.inner_text("#member-summary h2")
                assert page.url.endswith(f"/members/card/360/?card={card_number}")  # the address, as after a redirect

                started = time.perf_counter()
                page.goto(direct)
                page.wait_for_selector("#member-summary", state="visible")
                times["member 360 direct"].append((time.perf_counter() - started) * 1000)

                started = time.perf_counter()
                response = page.goto(f"{base}/healthz")
                times["healthz (reference)"].append((time.perf_counter() - started) * 1000)
                assert response.status in (200, 503)
                page.goto(direct)  # back on a desk page for the next scan (not timed)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"Chromium scan → Member 360, card with {ROWS:,} ledger rows, {SCANS} scans, gunicorn on 127.0.0.1")
    for label, values in times.items():
        print(f"{label:27}: median {statistics.median(values):6.1f} ms, p95 {p95(values):6.1f} ms")
    if os.environ.get("BENCH_JSON"):
        print(json.dumps({"bench": "scan_chromium", "rows": ROWS, "scans": SCANS,
                          **{label: {"median_ms": round(statistics.median(v), 1), "p95_ms": round(p95(v), 1)}
                             for label, v in times.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
