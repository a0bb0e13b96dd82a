"""Members services: policy versions. A version in force is never edited; it is copied into a new version
that starts tomorrow (README decision 7), rows and all."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict

from ..models import CategoryRate, CounterRate, MemberPolicy, RebateBracket, VoucherRate


@transaction.atomic
def member_policy_copy_as_new_version(*, policy: MemberPolicy) -> MemberPolicy:
    """A copy of `policy` with its rates, brackets and voucher table, in force from tomorrow (store time)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time()))
    if MemberPolicy.objects.filter(effective_from=starts).exists():
        raise Conflict(_("A version starting tomorrow already exists; edit that one."), code="conflict",
                       fields={"effective_from": [tomorrow.isoformat()]})
    children = [(model, list(model.objects.filter(policy=policy)))
                for model in (CategoryRate, CounterRate, RebateBracket, VoucherRate)]
    copy = MemberPolicy.objects.get(pk=policy.pk)
    copy.pk = copy.id = None
    copy.effective_from = starts
    copy.note = _("Copy — edit before it takes effect")
    copy.save()
    for model, rows in children:
        for row in rows:
            row.pk = None
            row.policy = copy
        model.objects.bulk_create(rows)
    return copy
