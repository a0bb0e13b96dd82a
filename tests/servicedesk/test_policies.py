"""The one "policy in force" lookup (servicedesk/policies.py): same shape and fallback for every app."""

import datetime as dt

import pytest

from returns.models import ReturnPolicy
from servicedesk.policies import PolicyMissing, policy_in_force

pytestmark = pytest.mark.django_db


def _version(first: ReturnPolicy, day: dt.date) -> ReturnPolicy:
    first.pk, first.id, first.effective_from = None, None, day
    first.save()
    return first


def test_latest_version_at_or_before_the_moment_then_the_oldest_before_any():
    seeded = ReturnPolicy.objects.order_by("effective_from").first()
    start = seeded.effective_from
    winter = _version(ReturnPolicy.objects.get(pk=seeded.pk), start + dt.timedelta(days=300))
    assert policy_in_force(ReturnPolicy, at=start + dt.timedelta(days=299)).pk == seeded.pk
    assert policy_in_force(ReturnPolicy, at=start + dt.timedelta(days=300)).pk == winter.pk  # from its first day
    assert policy_in_force(ReturnPolicy, at=start - dt.timedelta(days=1)).pk == seeded.pk  # before the first: the oldest


def test_no_version_at_all_is_a_clear_400():
    ReturnPolicy.objects.all().delete()
    with pytest.raises(PolicyMissing) as exc:
        policy_in_force(ReturnPolicy, at=dt.date(2026, 12, 1))
    assert exc.value.code == "no_policy" and exc.value.status_code == 400
