"""row_maker builds what the keyword constructor builds (issue 16: the batch's 2,500 new rows)."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import PointsEntry
from receipts.models import Receipt, ReceiptLine
from receipts.rows import row_maker


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_same_row_as_the_keyword_constructor_with_defaults_for_the_rest():
    at = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)
    receipt = Receipt(pk=41, side="dept", number="D-1")
    make = row_maker(PointsEntry, ("card_id", "wallet", "kind", "points", "balance_after", "reference", "receipt", "at"))
    built = make(7, "dept", "earn", 1288, Decimal("1288"), "dept:D-1", receipt, at)
    keyword = PointsEntry(card_id=7, wallet="dept", kind="earn", points=1288, balance_after=Decimal("1288"),
                          reference="dept:D-1", receipt=receipt, at=at)
    assert _values(built) == _values(keyword)
    assert built.amount == Decimal("0.00") and built.meta == {} and built.by_id is None and built.pk is None
    assert built.receipt is receipt  # cached as the keyword constructor caches it: no query to read it back


def test_callable_defaults_are_called_for_each_row():
    make = row_maker(PointsEntry, ("card_id",))
    first, second = make(1), make(2)
    assert first.meta == {} and first.meta is not second.meta


def test_a_relation_given_as_none_stays_empty():
    make = row_maker(PointsEntry, ("card_id", "by"))
    assert make(1, None).by_id is None


def test_lines_keep_their_receipt():
    receipt = Receipt(pk=9, side="market", number="M-1")
    line = row_maker(ReceiptLine, ("receipt", "line_no", "sku"))(receipt, 1, "4711")
    assert (line.receipt_id, line.line_no, line.sku, line.description, line.fresh) == (9, 1, "4711", "", False)


def test_an_unknown_name_is_refused():
    with pytest.raises(ValueError, match="no concrete field colour"):
        row_maker(ReceiptLine, ("receipt", "colour"))
