"""Benchmark: the Member 360 admin page with 1,000,000 members and 10,000,000 ledger rows (ms, queries),
found by card scan, phone and name. See members_common.py for how to run."""

import statistics
import time

import members_common  # noqa: F401  (sets Django up)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Card
from tests.factories.servicedesk import StaffUserFactory

members_common.ensure_data()
user = StaffUserFactory(role="desk_supervisor", username=f"bench360_{int(time.time())}")
client = Client()
client.force_login(user)
url = reverse("admin:members_card_360")
card = Card.objects.select_related("member").order_by("-id")[:1].get()  # among the last, so nothing is cached
probes = {"card scan": card.card_number, "phone": card.member.phone, "name": card.member.name}
print(f"cards={Card.objects.count():,} ledger≈{members_common.CARDS * members_common.PER_CARD:,}")
for label, term in probes.items():
    client.get(url, {"q": term})
    times = []
    for _ in range(7):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, {"q": term})
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"member-summary" in response.content, label
    print(f"member 360 by {label:9}: median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms, "
          f"{len(ctx.captured_queries)} queries")
