"""Issue 16: the policy in force is memoised per process (members.selectors.policy_at) and every committed
change of a policy row or promotion is seen at once; uncommitted or rolled-back changes never leak."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members import selectors
from members.models import CategoryRate, MemberPolicy, PromotionRule


def test_memoised_policy_costs_no_query_after_the_first(db):
    now = timezone.now()
    selectors.policy_at(at=now)
    with CaptureQueriesContext(connection) as ctx:
        policy = selectors.policy_at(at=now)
    assert len(ctx.captured_queries) == 0
    assert policy.category_rates["clothing"][0] == D("1.00")  # R-PTS-1: clothing, 1 yuan a point at full price


def test_r_pts_3_promotion_created_now_applies_to_the_next_receipt(db):
    now = timezone.now()
    selectors.policy_at(at=now)  # memo loaded before the promotion exists
    PromotionRule.objects.create(name="双倍积分", side="dept", multiplier=2, starts_at=now - dt.timedelta(minutes=1),
                                 ends_at=now + dt.timedelta(hours=1))
    assert [p.multiplier for p in selectors.policy_at(at=now).promotions] == [2]


def test_committed_policy_change_drops_the_memo_in_every_process(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    before = selectors.policy_at(at=now)
    generation = selectors.cache.get(selectors.POLICY_GENERATION_KEY)
    row = MemberPolicy.objects.get(pk=before.policy_id)
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        CategoryRate.objects.filter(policy=row, category="clothing").delete()
        CategoryRate.objects.create(policy=row, category="clothing", full_yuan_per_point=D("4"),
                                    special_yuan_per_point=D("8"))
        assert selectors.cache.get(selectors.POLICY_GENERATION_KEY) == generation  # not before the commit
    assert selectors.cache.get(selectors.POLICY_GENERATION_KEY) != generation  # the other processes reload
    assert selectors.policy_at(at=now).category_rates["clothing"] == (D("4.00"), D("8.00"))
    with CaptureQueriesContext(connection) as ctx:
        selectors.policy_at(at=now)
    assert len(ctx.captured_queries) == 0  # memoised again


def test_a_rolled_back_policy_change_is_never_seen(db):
    now = timezone.now()
    policy_id = selectors.policy_at(at=now).policy_id
    with pytest.raises(RuntimeError), transaction.atomic():
        MemberPolicy.objects.create(effective_from=now - dt.timedelta(seconds=5), note="draft")
        assert selectors.policy_at(at=now).policy_id != policy_id  # the writer sees its own write
        raise RuntimeError("rolled back")
    assert selectors.policy_at(at=now).policy_id == policy_id
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.policy_at(at=now).policy_id == policy_id
    assert len(ctx.captured_queries) == 0


def test_receipt_older_than_the_promotion_window_reads_its_promotions(db):
    now = timezone.now()
    then = now - dt.timedelta(days=40)
    PromotionRule.objects.create(name="店庆", side="dept", multiplier=3, starts_at=then - dt.timedelta(days=1),
                                 ends_at=then + dt.timedelta(days=1))
    assert [p.multiplier for p in selectors.policy_at(at=then).promotions] == [3]
    assert selectors.policy_at(at=now).promotions == ()
