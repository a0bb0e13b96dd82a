"""One ingest path (architecture issue, item 2): the import of a day's till export stores each receipt
through the same service as the feed, so stored-value spend (R-RBT-4), its refusal without a card and the
gold → platinum upgrade (R-VIP-4) happen on the import path too."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
import tablib
from django.utils import timezone

from members.choices import EntryKind, Wallet
from members.models import Card, PointsEntry
from receipts.models import Receipt
from receipts.resources import TillExportResource
from tests.factories.members import CardFactory, MemberFactory, card_with_balance
from tests.factories.receipts import ReceiptFactory

pytestmark = pytest.mark.django_db
HEADER = ["side", "number", "rung_at", "card_number", "payment_method", "total", "line_no", "sku", "description",
          "counter", "category", "list_price", "unit_price", "quantity", "bulk_discount", "fresh"]


def _dataset(*rows) -> tablib.Dataset:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return tablib.Dataset().load(buf.getvalue(), format="csv")


def _row(number, card, total, *, method="cash", when=None, line_no=1, price=None):
    when = (when or timezone.localtime()).strftime("%Y-%m-%d %H:%M:%S")
    price = price or total
    return ["dept", number, when, card, method, total, line_no, str(line_no), "大衣", "C-2F-07", "clothing", price, price, 1,
            "", ""]


def test_r_rbt_4_import_spends_stored_value_like_the_feed():
    card = card_with_balance(stored=D("100.00"), member=MemberFactory(birthday=None))
    result = TillExportResource().import_data(_dataset(_row("D-SV-1", card.card_number, "80.00", method="stored_value")),
                                              dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    card.refresh_from_db()
    assert card.stored_value == D("20.00")
    spend = PointsEntry.objects.get(card=card, wallet=Wallet.STORED_VALUE, kind=EntryKind.REDEEM)
    assert spend.amount == D("-80.00") and spend.receipt.number == "D-SV-1" and spend.receipt.source == "import"


def test_r_rbt_4_import_refuses_stored_value_without_a_card_and_stores_nothing():
    result = TillExportResource().import_data(_dataset(_row("D-SV-2", "", "80.00", method="stored_value")), dry_run=False)
    assert result.has_errors()
    assert "D-SV-2" in str(result.row_errors()[0][1][0].error)
    assert not Receipt.objects.filter(number="D-SV-2").exists()


def test_r_rbt_4_import_refuses_more_than_the_stored_value():
    card = card_with_balance(stored=D("50.00"), member=MemberFactory(birthday=None))
    result = TillExportResource().import_data(_dataset(_row("D-SV-3", card.card_number, "80.00", method="stored_value")),
                                              dry_run=False)
    assert result.has_errors()
    assert not Receipt.objects.filter(number="D-SV-3").exists()
    assert Card.objects.get(pk=card.pk).stored_value == D("50.00")


def test_r_vip_4_import_upgrades_gold_to_platinum_when_year_spend_reaches_30000():
    card = CardFactory(tier="gold", member=MemberFactory(birthday=None))
    earlier = timezone.localtime() - dt.timedelta(hours=1)
    ReceiptFactory(card_number=card.card_number, total=D("29000.00"), rung_at=earlier)  # this year's spend so far
    result = TillExportResource().import_data(_dataset(_row("D-UP-1", card.card_number, "1000.00")), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    card.refresh_from_db()
    assert card.tier == "platinum"  # 29,000.00 + 1,000.00 = 30,000.00, the policy's threshold


def test_import_dry_run_leaves_nothing_even_after_the_hooks_ran():
    card = card_with_balance(stored=D("100.00"), member=MemberFactory(birthday=None))
    result = TillExportResource().import_data(_dataset(_row("D-SV-4", card.card_number, "80.00", method="stored_value")),
                                              dry_run=True)
    assert not result.has_errors()
    assert not Receipt.objects.filter(number="D-SV-4").exists()
    assert Card.objects.get(pk=card.pk).stored_value == D("100.00")
