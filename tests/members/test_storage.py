"""How the members tables are stored on PostgreSQL (issue 16): the ledger and the cards write only the indexes
they are read through, and the cards table keeps room on each page for balance updates (HOT updates)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cur.fetchall())


def test_the_ledger_has_no_index_its_composite_or_plain_reference_index_already_serves():
    ledger = indexes("members_pointsentry")
    assert "entry_card_recent" in ledger  # (card_id, id DESC): every card lookup and the foreign-key checks
    assert not [name for name, sql in ledger.items() if sql.endswith("(card_id)")]
    reference = [sql for sql in ledger.values() if "(reference" in sql]
    assert len(reference) == 1 and "pattern_ops" not in reference[0]


def test_the_ledgers_receipt_and_user_indexes_hold_only_lines_that_have_one():
    ledger = indexes("members_pointsentry")
    assert "WHERE (receipt_id IS NOT NULL)" in ledger["entry_receipt_set"]
    assert "WHERE (by_id IS NOT NULL)" in ledger["entry_by_set"]
    assert not [name for name, sql in ledger.items() if sql.endswith("(receipt_id)") or sql.endswith("(by_id)")]


def test_cards_have_no_prefix_search_copies_of_number_and_status():
    cards = indexes("members_card")
    assert not [name for name, sql in cards.items() if "pattern_ops" in sql]
    assert "members_card_card_number_key" in cards  # the unique number itself stays


def test_the_cards_table_keeps_half_of_each_page_for_balance_updates():
    with connection.cursor() as cur:
        cur.execute("SELECT reloptions FROM pg_class WHERE relname = 'members_card'")
        assert "fillfactor=50" in (cur.fetchone()[0] or [])


def _pages(card_ids) -> dict[int, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT id, (ctid::text::point)[0] FROM members_card WHERE id = ANY(%s)", [list(card_ids)])
        return dict(cur.fetchall())


def test_the_rebate_updates_every_card_of_a_page_on_that_page():
    """R-RBT-1's chunk updates all the rows of a page in one statement: at fillfactor 50 each new version fits
    beside its row (HOT, no index entries); at 80 three in four moved to another page (issue 16)."""
    from django.utils import timezone

    from members.choices import EntryKind, Wallet
    from members.models import PointsEntry
    from members.services import annual_rebate_run
    from tests.factories.members import CardFactory

    cards = CardFactory.create_batch(200, dept_points=3500)  # their balance from one ledger line each, below
    PointsEntry.objects.bulk_create(PointsEntry(card=card, wallet=Wallet.DEPT, kind=EntryKind.ADJUST, points=3500,
                                                balance_after=3500, reason="fillfactor") for card in cards)
    before = _pages(card.pk for card in cards)
    counts: dict = {}
    for page in before.values():
        counts[page] = counts.get(page, 0) + 1
    assert max(counts.values()) > 20  # filled pages
    run = annual_rebate_run(year=timezone.localdate().year, chunk_size=1000)
    assert run.rebated >= 200  # 3,500 points → 70.00 each (R-RBT-1's 2% bracket)
    assert PointsEntry.objects.filter(card__in=cards, kind=EntryKind.REBATE, amount="70.00").count() == 200
    assert _pages(before) == before


def test_a_balance_update_on_a_filled_page_stays_on_its_page():
    """With the page filled as far as the table lets it (200 cards fill several pages), a balance update
    still finds room beside the row — at fillfactor 100 it would move to another page, through every index."""
    from members.choices import EntryKind, Wallet
    from members.services import _ledger_move
    from tests.factories.members import CardFactory

    CardFactory.create_batch(200)
    with connection.cursor() as cur:
        # the fullest page (not the first: rows an earlier test rolled back may have left it part-used)
        cur.execute("SELECT (ctid::text::point)[0] AS page, count(*) FROM members_card GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        page, on_page = cur.fetchone()
        assert on_page > 10  # a filled page
        cur.execute("SELECT id, ctid FROM members_card WHERE (ctid::text::point)[0] = %s ORDER BY ctid LIMIT 1", [page])
        card_id, ctid = cur.fetchone()
        _ledger_move(card_id=card_id, wallet=Wallet.DEPT, kind=EntryKind.ADJUST, delta=10, refuse_code="test",
                     reason="fillfactor")  # the balance update every receipt makes, with its ledger line
        cur.execute("SELECT ctid FROM members_card WHERE id = %s", [card_id])
        moved_to = cur.fetchone()[0]
    assert moved_to.strip("()").split(",")[0] == ctid.strip("()").split(",")[0]
