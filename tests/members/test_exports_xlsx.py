"""Issue 16: the finance XLSX export (XlsxWriter constant-memory) holds exactly the CSV's rows and values."""

import csv
import io
from decimal import Decimal as D

from django.utils import timezone
from openpyxl import load_workbook

from members import exports
from tests.factories.members import card_with_balance


def test_xlsx_has_the_csv_rows_with_typed_values(db):
    card = card_with_balance(dept=100, market=7)
    other = card_with_balance(stored=D("12.34"))
    month = timezone.localdate().strftime("%Y-%m")
    book = load_workbook(exports.ledger_xlsx_file(month=month, wallets=exports.POINT_WALLETS), read_only=True)
    rows = list(book["ledger"].iter_rows(values_only=True))
    assert list(rows[0]) == exports.COLUMNS
    assert [(r[2], r[3], r[5], r[7]) for r in rows[1:]] == [(card.card_number, "dept", 100, 100),
                                                            (card.card_number, "market", 7, 7)]
    local_at = timezone.localtime(card.entries.get(wallet="dept").at).replace(tzinfo=None)
    assert abs((rows[1][1] - local_at).total_seconds()) < 1  # store-local time (Excel keeps milliseconds)
    money = load_workbook(exports.ledger_xlsx_file(month=month, wallets=exports.MONEY_WALLETS), read_only=True)
    [header, row] = list(money["ledger"].iter_rows(values_only=True))
    assert row[2] == other.card_number and D(str(row[6])) == D("12.34")
    csv_rows = list(csv.reader(io.StringIO(exports.ledger_csv_bytes(month=month, wallets=exports.POINT_WALLETS).decode())))
    assert len(csv_rows) == len(rows)
