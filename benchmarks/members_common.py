"""Shared set-up of the members benchmarks: Django on a bench_* database, and bulk data made in SQL.

    createdb -h 127.0.0.1 -U postgres bench_members
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_members
    .venv/bin/python benchmarks/members_360.py        # populates 1M members / 10M ledger rows on first use
    .venv/bin/python benchmarks/members_export.py
    .venv/bin/python benchmarks/members_ingest.py
    .venv/bin/python benchmarks/members_rebate.py     # last: it settles (clears) every card
    dropdb -h 127.0.0.1 -U postgres bench_members
Sizes: BENCH_CARDS (default 1,000,000) and BENCH_ENTRIES_PER_CARD (default 10).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if "bench" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL to a bench_* database of its own.")

import django  # noqa: E402

django.setup()

from django.test.utils import override_settings  # noqa: E402

override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

CARDS = int(os.environ.get("BENCH_CARDS", "1000000"))
PER_CARD = int(os.environ.get("BENCH_ENTRIES_PER_CARD", "10"))


def ensure_data() -> None:
    """Migrate, then (once) make CARDS members and cards and CARDS × PER_CARD earn entries, one month apart."""
    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM members_card")
        if cur.fetchone()[0] >= CARDS:
            return
        started = time.perf_counter()
        print(f"populating {CARDS:,} members/cards and {CARDS * PER_CARD:,} ledger rows ...", flush=True)
        cur.execute("""
            INSERT INTO members_member (created_at, updated_at, name, phone, address, id_type, id_number, birthday)
            SELECT now(), now(), '会员' || g, '139' || lpad(g::text, 8, '0'), '北京市朝阳区建国路' || (g %% 500) || '号',
                   'passport', 'P' || lpad(g::text, 9, '0'), date '1960-01-01' + (g %% 15000)
            FROM generate_series(1, %s) g""", [CARDS])
        cur.execute("""
            INSERT INTO members_card (created_at, updated_at, card_number, member_id, tier, status, issued_at,
                                      qualification_kind, legacy_card_number, dept_points, market_points, stored_value)
            SELECT now(), now(), '87' || lpad(m.id::text, 11, '0'), m.id,
                   CASE WHEN m.id %% 10 = 0 THEN 'platinum' ELSE 'gold' END, 'active', now(), 'daily_spend', '',
                   ((m.id %% 1500) + 1) * %s, 0, 0
            FROM members_member m ORDER BY m.id""", [PER_CARD])
        cur.execute("""
            INSERT INTO members_pointsentry (card_id, wallet, kind, points, amount, balance_after, reference, reason, meta, at)
            SELECT c.id, 'dept', 'earn', c.dept_points / %s, 0, c.dept_points / %s * g, 'dept:D' || c.id || '-' || g, '',
                   '{}'::jsonb, now() - make_interval(days => 31 * (%s - g))
            FROM members_card c CROSS JOIN generate_series(1, %s) g
            ORDER BY c.id, g""", [PER_CARD, PER_CARD, PER_CARD, PER_CARD])
        cur.execute("VACUUM ANALYZE members_member")
        cur.execute("VACUUM ANALYZE members_card")
        cur.execute("VACUUM ANALYZE members_pointsentry")
        print(f"populated in {time.perf_counter() - started:.0f} s", flush=True)


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
