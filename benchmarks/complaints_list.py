"""Benchmark: the admin complaint list and `escalate_overdue` with 200,000 tickets (ms, query count).

Run by hand against a database of its own (never the shared one):
    createdb -h 127.0.0.1 -U postgres bench_complaints
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_complaints .venv/bin/python benchmarks/complaints_list.py
    dropdb -h 127.0.0.1 -U postgres bench_complaints
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
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

# Plain static storage: the benchmark measures the page, not a collectstatic manifest.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints import services  # noqa: E402
from complaints.models import Complaint, ComplaintEvent, Department  # noqa: E402
from servicedesk.models import Notification  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

N = int(os.environ.get("BENCH_TICKETS", "200000"))
OVERDUE = int(os.environ.get("BENCH_OVERDUE", "1000"))  # capped by the open tickets of the last 3 days (~500)
RUNS = 7


def seed():
    call_command("migrate", verbosity=0)
    if Complaint.objects.count() >= N:
        return
    random.seed(7)
    clerk = StaffUserFactory(role="clerk", username="bench_clerk")
    StaffUserFactory(role="desk_supervisor", username="bench_sup1")
    StaffUserFactory(role="desk_supervisor", username="bench_sup2")
    StaffUserFactory(role="ops_manager", username="bench_gm")
    depts = [Department.objects.get_or_create(code=f"d{i}", defaults={"name": f"部门{i}", "feedback_hours": 48})[0]
             for i in range(12)]
    now = timezone.now()
    batch, per_day = [], 500
    for i in range(N):
        age_days = i // per_day
        received = now - timedelta(days=age_days, minutes=random.randint(0, 600))
        recent = age_days < 3
        dept = random.choice(depts)
        common = dict(number=f"TS-{timezone.localtime(received):%Y%m%d}-{i % per_day + 1:04d}x{age_days}"[:20],
                      channel=random.choice(["visit", "phone", "form", "message"]), received_at=received,
                      customer_name="顾客", phone=f"139{i:08d}",
                      type=random.choice(["service", "quality", "environment", "other"]),
                      cause="商品质量问题，要求退换", recorded_by=clerk, route_by=received + timedelta(hours=24),
                      consumer_association=(i % 97 == 0))
        if recent and i % 3 == 0:
            batch.append(Complaint(status="awaiting_routing", **common))
        elif recent and i % 3 == 1:
            routed = received + timedelta(hours=3)
            batch.append(Complaint(status="awaiting_feedback", department=dept, routed_at=routed, valid=True,
                                   feedback_by=routed + timedelta(hours=48), **common))
        else:
            routed = received + timedelta(hours=random.randint(1, 30))
            batch.append(Complaint(status="closed", department=dept, routed_at=routed, valid=True,
                                   closed_at=routed + timedelta(hours=random.randint(24, 200)), satisfaction="satisfied",
                                   escalation_level=0, **common))
        if len(batch) == 5000:
            Complaint.objects.bulk_create(batch)
            batch = []
    if batch:
        Complaint.objects.bulk_create(batch)
    # exactly OVERDUE tickets not routed for more than 24 hours (the rest of the open ones run on time)
    open_ids = list(Complaint.objects.filter(status="awaiting_routing").order_by("pk").values_list("pk", flat=True))
    Complaint.objects.filter(status="awaiting_routing", route_by__lte=now).update(route_by=now + timedelta(hours=5))
    Complaint.objects.filter(status="awaiting_feedback", feedback_by__lte=now).update(feedback_by=now + timedelta(hours=5))
    Complaint.objects.filter(pk__in=open_ids[:OVERDUE]).update(route_by=now - timedelta(hours=2))
    with connection.cursor() as cur:
        cur.execute("ANALYZE complaints_complaint")


def timed(fn, runs=RUNS):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main():
    t0 = time.perf_counter()
    seed()
    overdue = Complaint.objects.filter(status="awaiting_routing", route_by__lte=timezone.now()).count()
    print(f"tickets={Complaint.objects.count()} seeded_in={time.perf_counter() - t0:.1f}s overdue_unrouted={overdue}")
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_clerk"))
    base = "/complaints/complaint/"
    sample = Complaint.objects.order_by("-pk").values_list("number", "phone").first()
    for label, url in [
        ("list default", base),
        ("list page 50", base + "?p=50"),
        ("list overdue filter", base + "?clock=overdue"),
        ("list awaiting routing", base + "?status=awaiting_routing"),
        ("list consumer association", base + "?consumer_association__exact=1"),
        ("search exact number", base + f"?q={sample[0]}"),
        ("search exact phone", base + f"?q={sample[1]}"),
    ]:
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        ms, q = timed(get)
        print(f"{label:28s} {ms:8.1f} ms  {q:3d} queries")
    Notification.objects.all().delete()
    ComplaintEvent.objects.filter(type="escalated").delete()
    Complaint.objects.filter(escalation_level__gt=0).update(escalation_level=0, escalated_at=None)
    ms, q = timed(lambda: services.complaint_escalate_overdue(), runs=1)
    print(f"escalate_overdue first run   {ms:8.1f} ms  {q:5d} queries  escalated="
          f"{Complaint.objects.filter(escalation_level=1).count()} notifications={Notification.objects.count()}")
    ms, q = timed(lambda: services.complaint_escalate_overdue())
    print(f"escalate_overdue repeat run  {ms:8.1f} ms  {q:5d} queries  (nothing to do)")


if __name__ == "__main__":
    main()
