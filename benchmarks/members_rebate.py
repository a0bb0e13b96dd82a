"""Benchmark: `run_annual_rebate` (R-RBT-1) over 1,000,000 cards (seconds), then the idempotent re-run,
then `verify_ledgers` over every card. Destructive: run it last. See members_common.py."""

import io
import time

import members_common
from django.core.management import call_command
from django.db import connection

from members.models import RebateRun

members_common.ensure_data()
year = 2026
RebateRun.objects.filter(year=year).delete()
with connection.cursor() as cur:
    cur.execute("SELECT count(*), sum(dept_points) FROM members_card WHERE dept_points > 0")
    cards, points = cur.fetchone()
print(f"cards with dept points: {cards:,} ({points:,} points)")
for label in ("first run", "second run (idempotent)"):
    out = io.StringIO()
    started = time.perf_counter()
    call_command("run_annual_rebate", "--year", str(year), stdout=out)
    print(f"{label:24} {time.perf_counter() - started:7.1f} s  {out.getvalue().strip()}  peak {members_common.peak_mb():.0f} MB",
          flush=True)
started = time.perf_counter()
out = io.StringIO()
call_command("verify_ledgers", stdout=out)
print(f"verify_ledgers           {time.perf_counter() - started:7.1f} s  {out.getvalue().strip()}")
