"""The one "policy in force" lookup: every app keeps its business numbers in effective-dated policy rows
(a version applies from its `effective_from` until the next version starts) and finds the one in force
here, with the same fallback everywhere:

- the version with the latest `effective_from` at or before the moment asked about;
- before the first version: the oldest version (a receipt or a complaint older than the store's first
  policy row is still judged by a real row, never by numbers written in code);
- no version at all: `PolicyMissing` (code `no_policy`, HTTP 400). Each app's data migration seeds a first
  version, so this only happens on a database that was never migrated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from .errors import RuleViolation


class PolicyMissing(RuleViolation):
    default_code = "no_policy"


def policy_in_force(model: type[models.Model], *, at, queryset: models.QuerySet | None = None,
                    field: str = "effective_from"):
    """The `model` version in force at `at` (a date or a datetime, whichever the model's field holds)."""
    qs = queryset if queryset is not None else model._default_manager.all()
    row = qs.filter(**{f"{field}__lte": at}).order_by(f"-{field}", "-pk").first()
    if row is None:
        row = qs.order_by(field, "pk").first()
    if row is None:
        raise PolicyMissing(_("No %(policy)s is set up: run migrate.") % {"policy": model._meta.verbose_name},
                            code="no_policy")
    return row
