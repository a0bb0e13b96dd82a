"""The one numbering service: every business number (complaints `TS-YYYYMMDD-NNNN`, return slips, voucher
serials, card numbers, lost property, gift pickup vouchers, invoice books) comes from here.

A number is taken from a row-locked counter per sequence key inside the caller's business transaction:
if that transaction rolls back, the number goes back with it, so numbers never gap and never repeat, and
a number is never handed to a draft or refilled. Two desks taking from one key queue on the row lock.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import NumberSequence


def _locked(key: str, start: int) -> NumberSequence:
    # Create the counter if it is new (a concurrent creator wins quietly), then lock it for this transaction.
    NumberSequence.objects.bulk_create([NumberSequence(key=key, last=start - 1)], ignore_conflicts=True)
    return NumberSequence.objects.select_for_update().get(key=key)


def numbers_take(*, key: str, count: int = 1, start: int = 1) -> range:
    """Take `count` consecutive numbers of the sequence `key` (the first ever is `start`). Must run inside
    the business transaction that uses them."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers_take() must run inside the business transaction")
    if count < 1:
        raise ValueError("count must be at least 1")
    seq = _locked(key, start)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + count)
    return range(seq.last + 1, seq.last + 1 + count)


def number_next(*, key: str, start: int = 1) -> int:
    """The next number of the sequence `key`, inside the business transaction."""
    return numbers_take(key=key, count=1, start=start)[0]


def number_peek(*, key: str, start: int = 1) -> int:
    """The number the next `number_next` would give (for display; never reserve with it)."""
    last = NumberSequence.objects.filter(key=key).values_list("last", flat=True).first()
    return (start if last is None else last + 1)


def sequence_seed(*, key: str, last: int) -> None:
    """Start a sequence after numbers handed out before it existed (data migrations); never moves it back."""
    NumberSequence.objects.bulk_create([NumberSequence(key=key, last=last)], ignore_conflicts=True)
    NumberSequence.objects.filter(key=key, last__lt=last).update(last=last)
