"""Services of invoices, rule by rule (R-INV-1…8), with the issue's numbers: book 04400001–04400050,
face limit 10,000.00."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from invoices import selectors, services
from invoices.choices import BookStatus, InvoiceEventType, InvoiceStatus, LossStatus
from invoices.hooks import InvoiceNumbersCheck
from invoices.models import Invoice, InvoiceBook, InvoicePolicy, InvoiceReport
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.extensions import facts_for_receipts, receipt_facts
from servicedesk.models import Notification
from tests.factories.invoices import InvoiceBookFactory
from tests.invoices.conftest import FakeFacts, local, ref

pytestmark = pytest.mark.django_db


def issue(receipts, *, clerk, now, amount=None, book=None, buyer="北京华联商贸有限公司"):
    return services.invoice_issue(receipts=[ref(r) for r in receipts], buyer=buyer, user=clerk, now=now,
                                  amount=None if amount is None else Decimal(amount), book=book)


# ---------------------------------------------------------------- R-INV-1 books

def test_r_inv_1_book_received_by_a_named_person_with_range_and_face_limit(user_in_role):
    finance, supervisor = user_in_role("finance"), user_in_role("desk_supervisor")
    book = services.invoice_book_receive(code="B-2026-001", first_number="04400001", count=50,
                                         face_limit=Decimal("10000.00"), user=finance, received_by=supervisor)
    assert (book.first_number, book.last_number, book.next_number) == ("04400001", "04400050", "04400001")
    assert (book.used, book.remaining, book.status) == (0, 50, BookStatus.OPEN)
    assert book.received_by == supervisor
    assert book.events.get().type == InvoiceEventType.BOOK_RECEIVED


def test_r_inv_1_overlapping_range_refused(book, user_in_role):
    with pytest.raises(RuleViolation) as exc:
        services.invoice_book_receive(code="B-2026-002", first_number="04400050", count=50,
                                      face_limit=Decimal("10000.00"), user=user_in_role("finance"))
    assert exc.value.code == "R-INV-1"
    assert exc.value.fields == {"first_number": ["B-2026-001"]}
    # the next range that starts after it is fine
    services.invoice_book_receive(code="B-2026-002", first_number="04400051", count=50,
                                  face_limit=Decimal("10000.00"), user=user_in_role("finance"))


def test_r_inv_1_range_locked_once_a_number_is_used(book, make_receipt, clerk, now, supervisor):
    # given: the range may be corrected before use
    book = services.invoice_book_change_range(book=book, first_number="04400001", count=40, user=supervisor)
    assert book.last_number == "04400040"
    issue([make_receipt()], clerk=clerk, now=now)
    # when / then
    with pytest.raises(Conflict) as exc:
        services.invoice_book_change_range(book=book, first_number="04400001", count=50, user=supervisor)
    assert exc.value.code == "R-INV-1"


def test_r_inv_1_counts_always_add_up(book, make_receipt, clerk, now, supervisor):
    receipts = [make_receipt(total="100.00") for _ in range(4)]
    invoices = [issue([r], clerk=clerk, now=now) for r in receipts]
    services.invoice_void(invoice=invoices[1], reason="抬头写错", user=supervisor)
    services.invoice_loss_report(book=book.code, numbers=["04400010", invoices[3].number], reason="遗失", user=clerk)
    book.refresh_from_db()
    # received 50 = used 4 (2 issued + 1 void + 1… no: the lost issued one is lost) + lost 2 + remaining
    assert (book.issued_count, book.voided_count, book.lost_count) == (2, 1, 2)
    assert (book.used, book.remaining) == (3, 45)
    assert book.used + book.lost_count + book.remaining == book.count
    assert InvoiceNumbersCheck().mismatches() == []


@pytest.mark.ledger_mismatch_expected
def test_r_inv_1_number_check_finds_a_broken_counter(book, make_receipt, clerk, now):
    issue([make_receipt()], clerk=clerk, now=now)
    InvoiceBook.objects.filter(pk=book.pk).update(issued_count=0)
    found = InvoiceNumbersCheck().mismatches()
    assert len(found) == 1 and found[0].startswith("B-2026-001: counts issued/voided/lost 0/0/0 ≠ rows 1/0/0")


def test_r_inv_1_verify_ledgers_runs_the_number_check(book, make_receipt, clerk, now):
    issue([make_receipt()], clerk=clerk, now=now)
    call_command("verify_ledgers")  # raises on any mismatch


# ---------------------------------------------------------------- R-INV-2 sequential issue, face limit

def test_r_inv_2_first_issue_is_04400001_then_consecutive(book, make_receipt, clerk, now):
    first = issue([make_receipt()], clerk=clerk, now=now)
    second = issue([make_receipt()], clerk=clerk, now=now)
    assert (first.number, second.number) == ("04400001", "04400002")
    assert first.issued_by == clerk and first.issued_at == now
    book.refresh_from_db()
    assert (book.next_number, book.used, book.remaining) == ("04400003", 2, 48)


def test_r_inv_2_a_12000_receipt_refused_whole_then_10000_plus_2000_on_two_numbers(book, make_receipt, clerk, now):
    receipt = make_receipt(total="12000.00")
    with pytest.raises(RuleViolation) as exc:
        issue([receipt], clerk=clerk, now=now)
    assert exc.value.code == "R-INV-2"
    assert exc.value.fields == {"amount": ["10000.00"]}
    book.refresh_from_db()
    assert book.next_number == "04400001"  # the refusal took no number
    a = issue([receipt], clerk=clerk, now=now, amount="10000.00")
    b = issue([receipt], clerk=clerk, now=now)
    assert [(a.number, a.amount), (b.number, b.amount)] == [("04400001", Decimal("10000.00")),
                                                            ("04400002", Decimal("2000.00"))]


def test_r_inv_2_default_book_is_the_open_one_with_the_lowest_first_number(make_receipt, clerk, now):
    high = InvoiceBookFactory(code="B-HIGH", first_number="04400101", count=2)
    low = InvoiceBookFactory(code="B-LOW", first_number="04400051", count=1)
    assert issue([make_receipt()], clerk=clerk, now=now).book == low
    low.refresh_from_db()
    assert low.status == BookStatus.EXHAUSTED
    assert issue([make_receipt()], clerk=clerk, now=now).number == "04400101"
    assert issue([make_receipt()], clerk=clerk, now=now, book="B-HIGH").number == "04400102"
    with pytest.raises(RuleViolation) as exc:
        issue([make_receipt()], clerk=clerk, now=now)
    assert exc.value.code == "R-INV-1"
    assert high.invoices.count() == 2


def test_r_inv_2_a_named_exhausted_or_unknown_book_is_refused(book, make_receipt, clerk, now):
    for code in ("B-NONE",):
        with pytest.raises(RuleViolation) as exc:
            issue([make_receipt()], clerk=clerk, now=now, book=code)
        assert exc.value.code == "R-INV-1"


def test_r_inv_2_rollback_after_the_number_leaves_no_gap(book, make_receipt, clerk, now):
    receipt = make_receipt()
    with pytest.raises(RuntimeError), transaction.atomic():
        issue([receipt], clerk=clerk, now=now)
        raise RuntimeError("printer on fire")
    assert issue([receipt], clerk=clerk, now=now).number == "04400001"


# ---------------------------------------------------------------- R-INV-3 matches the receipts

def test_r_inv_3_several_receipts_on_one_invoice_and_numbers_written_back(book, make_receipt, clerk, now):
    r1, r2 = make_receipt(total="1200.00"), make_receipt(total="800.00")
    invoice = issue([r1, r2], clerk=clerk, now=now)
    assert invoice.amount == Decimal("2000.00")
    assert [(p.receipt, p.amount) for p in invoice.receipt_parts.order_by("id")] == [(r1, Decimal("1200.00")),
                                                                                   (r2, Decimal("800.00"))]
    facts = facts_for_receipts([r1, r2])
    assert facts[r1.pk]["invoices"] == ["04400001"] and facts[r2.pk]["invoices"] == ["04400001"]


def test_r_inv_3_a_receipt_is_invoiced_once(book, make_receipt, clerk, now):
    receipt = make_receipt(total="1200.00")
    issue([receipt], clerk=clerk, now=now)
    with pytest.raises(Conflict) as exc:
        issue([receipt], clerk=clerk, now=now)
    assert exc.value.code == "R-INV-3" and exc.value.status_code == 409


def test_r_inv_3_asking_more_than_is_left(book, make_receipt, clerk, now):
    receipt = make_receipt(total="1200.00")
    issue([receipt], clerk=clerk, now=now, amount="1000.00")
    with pytest.raises(RuleViolation) as exc:
        issue([receipt], clerk=clerk, now=now, amount="200.01")
    assert exc.value.code == "R-INV-3" and exc.value.fields == {"amount": ["200.00"]}
    assert issue([receipt], clerk=clerk, now=now, amount="200.00").number == "04400002"


def test_r_inv_3_net_of_refunds_from_the_receipt_facts(book, make_receipt, clerk, now):
    receipt = make_receipt(total="1200.00")
    with receipt_facts.extra(FakeFacts({receipt.pk: {"refunded": "300.00"}})):
        assert selectors.receipts_left(receipts=[receipt])[0].left == Decimal("900.00")
        with pytest.raises(RuleViolation) as exc:
            issue([receipt], clerk=clerk, now=now, amount="900.01")
        assert exc.value.code == "R-INV-3"
        assert issue([receipt], clerk=clerk, now=now).amount == Decimal("900.00")


def test_r_inv_3_net_of_a_real_refund_slip(book, make_receipt, clerk, now, user_in_role):
    """returns publishes `refunded` through receipt_facts: a pending refund slip of 200.00 leaves 1,000.00."""
    from django.utils import timezone

    from returns.services import return_create
    from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory

    receipt = ReceiptFactory(rung_at=timezone.now() - dt.timedelta(minutes=5), total=Decimal("1200.00"))
    ReceiptLineFactory(receipt=receipt, line_no=1, unit_price=Decimal("200.00"), list_price=Decimal("200.00"),
                       quantity=6)
    return_create(side=receipt.side, number=receipt.number, lines=[{"line_no": 1, "quantity": 1}],
                  reason="change_of_mind", user=clerk, condition={"tags_intact": True, "unused": True})
    invoice = services.invoice_issue(receipts=[ref(receipt)], buyer="张伟", user=clerk)
    assert invoice.amount == Decimal("1000.00")


def test_r_inv_3_unknown_or_duplicate_receipt(book, make_receipt, clerk, now):
    receipt = make_receipt()
    with pytest.raises(RuleViolation) as exc:
        services.invoice_issue(receipts=[("dept", "NOPE")], buyer="x", user=clerk, now=now)
    assert exc.value.code == "R-INV-3" and exc.value.fields == {"receipts": ["dept:NOPE"]}
    with pytest.raises(RuleViolation):
        services.invoice_issue(receipts=[ref(receipt), ref(receipt)], buyer="x", user=clerk, now=now)


def test_r_inv_3_r_gift_4_remarks_name_gifts_and_vouchers_of_the_receipts(book, make_receipt, clerk, now):
    r1, r2 = make_receipt(), make_receipt()
    facts = FakeFacts({
        r1.pk: {"gifts": [{"campaign": "C-2026-11", "item": "折叠伞", "quantity": 1, "value": "39.00"}]},
        r2.pk: {"vouchers": [{"serial": "GV-000123", "value": "50.00"}]},
    })
    with receipt_facts.extra(facts):
        invoice = issue([r1, r2], clerk=clerk, now=now)
    invoice.refresh_from_db()  # stored at issue time
    assert invoice.remarks == "赠品 Gift: 折叠伞 ×1（C-2026-11，价值 value 39.00）；券 Voucher: GV-000123（价值 value 50.00）"
    assert issue([make_receipt()], clerk=clerk, now=now).remarks == ""


# ---------------------------------------------------------------- R-INV-4 time limit

def test_r_inv_4_more_than_30_days_ago_refused(book, make_receipt, clerk):
    today = dt.date(2026, 12, 31)
    receipt = make_receipt(rung_at=local(dt.date(2026, 11, 30)))  # 31 days, and last month too
    InvoicePolicy.objects.update(within_month=False)
    with pytest.raises(RuleViolation) as exc:
        issue([receipt], clerk=clerk, now=local(today))
    assert exc.value.code == "R-INV-4"
    assert issue([receipt], clerk=clerk, now=local(dt.date(2026, 12, 30))).number == "04400001"  # day 30


def test_r_inv_4_a_receipt_rung_on_the_last_day_of_last_month_refused_today(book, make_receipt, clerk):
    receipt = make_receipt(rung_at=local(dt.date(2026, 11, 30), 21))
    with pytest.raises(RuleViolation) as exc:
        issue([receipt], clerk=clerk, now=local(dt.date(2026, 12, 1), 9))
    assert exc.value.code == "R-INV-4"
    assert "earlier month" in exc.value.detail
    book.refresh_from_db()
    assert book.next_number == "04400001"


def test_r_inv_4_the_limits_are_policy_rows(book, make_receipt, clerk):
    InvoicePolicy.objects.create(effective_from=dt.date(2026, 12, 1), time_limit_days=10, within_month=False)
    receipt = make_receipt(rung_at=local(dt.date(2026, 11, 30), 21))
    assert issue([receipt], clerk=clerk, now=local(dt.date(2026, 12, 1), 9)).number == "04400001"
    old = make_receipt(rung_at=local(dt.date(2026, 11, 20)))
    with pytest.raises(RuleViolation) as exc:
        issue([old], clerk=clerk, now=local(dt.date(2026, 12, 1), 9))
    assert exc.value.code == "R-INV-4"


# ---------------------------------------------------------------- R-INV-5 voids, R-INV-6 stubs

def test_r_inv_5_void_keeps_the_record_and_number_and_frees_the_amount(book, make_receipt, clerk, now, supervisor):
    receipt = make_receipt(total="1200.00")
    first = issue([receipt], clerk=clerk, now=now)
    voided = services.invoice_void(invoice=first, reason="抬头写错", user=supervisor)
    assert (voided.status, voided.voided_by, voided.void_reason) == (InvoiceStatus.VOID, supervisor, "抬头写错")
    again = issue([receipt], clerk=clerk, now=now)
    assert (again.number, again.amount) == ("04400002", Decimal("1200.00"))
    assert Invoice.objects.filter(number="04400001", status=InvoiceStatus.VOID).exists()
    book.refresh_from_db()
    assert (book.used, book.voided_count, book.remaining) == (2, 1, 48)
    assert facts_for_receipts([receipt])[receipt.pk]["invoices"] == ["04400002"]
    with pytest.raises(Conflict) as exc:
        services.invoice_void(invoice=first, reason="again", user=supervisor)
    assert exc.value.code == "R-INV-5"


def test_r_inv_5_void_needs_a_reason(book, make_receipt, clerk, now, supervisor):
    invoice = issue([make_receipt()], clerk=clerk, now=now)
    with pytest.raises(RuleViolation) as exc:
        services.invoice_void(invoice=invoice, reason="  ", user=supervisor)
    assert exc.value.fields == {"reason": ["required"]}


def test_r_inv_6_stubs_handed_to_finance_once(book, make_receipt, clerk, now, user_in_role):
    finance = user_in_role("finance")
    invoices = [issue([make_receipt()], clerk=clerk, now=now) for _ in range(3)]
    assert services.invoice_stubs_hand_over(invoices=invoices[:2], user=finance) == 2
    assert services.invoice_stubs_hand_over(invoices=invoices, user=finance) == 1
    assert Invoice.objects.filter(stub_handed_by=finance).count() == 3


# ---------------------------------------------------------------- R-INV-7 losses

def test_r_inv_7_lost_blank_numbers_are_never_issued(book, make_receipt, clerk, now):
    issue([make_receipt()], clerk=clerk, now=now)  # 04400001
    loss = services.invoice_loss_report(book=book.code, numbers=["04400002", "04400003", "04400005"],
                                        reason="空白发票遗失", user=clerk)
    assert (loss.blank, loss.amount, loss.face_limit) == (True, Decimal("0.00"), Decimal("10000.00"))
    assert loss.status == LossStatus.AWAITING_SIGNATURE
    numbers = [issue([make_receipt()], clerk=clerk, now=now).number for _ in range(3)]
    assert numbers == ["04400004", "04400006", "04400007"]
    book.refresh_from_db()
    assert (book.lost_count, book.used, book.remaining) == (3, 4, 43)


def test_r_inv_7_issued_invoice_lost_keeps_covering_its_receipt(book, make_receipt, clerk, now):
    receipt = make_receipt(total="800.00")
    invoice = issue([receipt], clerk=clerk, now=now)
    loss = services.invoice_loss_report(book=book.code, numbers=[invoice.number], reason="顾客发票遗失", user=clerk)
    invoice.refresh_from_db()
    assert (loss.blank, loss.amount, invoice.status) == (False, Decimal("800.00"), InvoiceStatus.LOST)
    with pytest.raises(Conflict):
        issue([receipt], clerk=clerk, now=now)  # still invoiced: the notice voids the lost paper, not the sale
    assert facts_for_receipts([receipt])[receipt.pk]["invoices"] == [invoice.number]


def test_r_inv_7_losing_the_last_numbers_exhausts_the_book(make_receipt, clerk, now):
    book = InvoiceBookFactory(code="B-SMALL", first_number="04400201", count=3)
    issue([make_receipt()], clerk=clerk, now=now)
    services.invoice_loss_report(book="B-SMALL", numbers=["04400202", "04400203"], reason="遗失", user=clerk)
    book.refresh_from_db()
    assert (book.status, book.next_number, book.remaining) == (BookStatus.EXHAUSTED, None, 0)


def test_r_inv_7_refusals(book, make_receipt, clerk, now, supervisor):
    invoice = issue([make_receipt()], clerk=clerk, now=now)
    services.invoice_void(invoice=invoice, reason="写错", user=supervisor)
    with pytest.raises(RuleViolation) as exc:
        services.invoice_loss_report(book=book.code, numbers=["04400001"], reason="遗失", user=clerk)
    assert exc.value.code == "R-INV-7"  # a void invoice keeps all its copies
    with pytest.raises(RuleViolation) as exc:
        services.invoice_loss_report(book=book.code, numbers=["04400051"], reason="遗失", user=clerk)
    assert exc.value.fields == {"numbers": ["04400051"]}
    services.invoice_loss_report(book=book.code, numbers=["04400009"], reason="遗失", user=clerk)
    with pytest.raises(Conflict):
        services.invoice_loss_report(book=book.code, numbers=["04400009"], reason="遗失", user=clerk)


def test_r_inv_7_sign_routes_to_branch_head_security_and_finance(book, clerk, user_in_role, supervisor):
    ops, lp, finance = user_in_role("ops_manager"), user_in_role("loss_prevention"), user_in_role("finance")
    loss = services.invoice_loss_report(book=book.code, numbers=["04400007"], reason="遗失", user=clerk)
    assert Notification.objects.filter(recipient=supervisor, key=f"invoice-loss-{loss.pk}-sign").exists()
    with pytest.raises(NotAllowed):
        services.invoice_loss_sign(loss=loss, user=clerk)
    loss = services.invoice_loss_sign(loss=loss, user=supervisor)
    assert (loss.status, loss.signed_by) == (LossStatus.AWAITING_NOTICE, supervisor)
    routed = set(Notification.objects.filter(key=f"invoice-loss-{loss.pk}-routed").values_list("recipient", flat=True))
    assert {ops.pk, lp.pk, finance.pk} <= routed
    assert clerk.pk not in routed
    with pytest.raises(Conflict):
        services.invoice_loss_sign(loss=loss, user=supervisor)


def test_r_inv_7_notice_closes_the_case(book, clerk, supervisor):
    loss = services.invoice_loss_report(book=book.code, numbers=["04400007"], reason="遗失", user=clerk)
    with pytest.raises(Conflict):  # signed first
        services.invoice_loss_notice(loss=loss, published_on=dt.date(2026, 12, 1), publication="北京晚报",
                                     user=supervisor)
    services.invoice_loss_sign(loss=loss, user=supervisor)
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(RuleViolation):
        services.invoice_loss_notice(loss=loss, published_on=today + dt.timedelta(days=1), publication="北京晚报",
                                     user=supervisor)
    loss = services.invoice_loss_notice(loss=loss, published_on=today, publication="北京晚报 第12版", user=supervisor)
    assert (loss.status, loss.published_on) == (LossStatus.CLOSED, today)


def test_r_inv_7_notice_due_is_report_date_plus_7_and_escalates_once_when_passed(book, clerk, supervisor,
                                                                                  user_in_role):
    finance = user_in_role("finance")
    reported = local(dt.date(2026, 11, 28), 10)
    loss = services.invoice_loss_report(book=book.code, numbers=["04400007"], reason="遗失", user=clerk, now=reported)
    assert loss.notice_due == dt.date(2026, 12, 5)
    assert services.invoice_loss_escalate_overdue(now=local(dt.date(2026, 12, 5), 23)) == 0  # due today: not late
    assert services.invoice_loss_escalate_overdue(now=local(dt.date(2026, 12, 6), 0)) == 1
    assert services.invoice_loss_escalate_overdue(now=local(dt.date(2026, 12, 6), 1)) == 0
    assert Notification.objects.filter(key=f"invoice-loss-{loss.pk}-overdue", recipient__in=[finance, supervisor]).count() == 2
    assert list(selectors.losses_overdue(today=dt.date(2026, 12, 6))) == [loss]


# ---------------------------------------------------------------- R-INV-8 monthly report

def test_r_inv_8_report_by_book_and_number_with_totals(book, make_receipt, clerk, now, supervisor):
    invoices = [issue([make_receipt(total=t)], clerk=clerk, now=now) for t in ("1000.00", "2000.00", "3000.00")]
    services.invoice_void(invoice=invoices[1], reason="写错", user=supervisor, now=now)
    services.invoice_loss_report(book=book.code, numbers=["04400010"], reason="遗失", user=clerk, now=now)
    issue([make_receipt(total="500.00", rung_at=local(dt.date(2026, 12, 1)))], clerk=clerk,
          now=local(dt.date(2026, 12, 1), 12))  # next month: not in November's report
    report = selectors.monthly_report(month="2026-11").as_dict()
    assert report["issued"] == {"count": 3, "amount": "6000.00"}
    assert report["voided"] == {"count": 1, "amount": "2000.00"}
    assert report["lost"] == {"count": 1, "amount": "0.00"}
    assert report["net_amount"] == "4000.00"
    line = report["books"][0]
    assert (line["code"], line["first_number"], line["last_number"], line["used"], line["remaining"]) == (
        "B-2026-001", "04400001", "04400050", 4, 45)
    assert line["month"]["issued_numbers"] == [["04400001", "04400003"]]
    assert line["month"]["voided_numbers"] == ["04400002"]
    assert line["month"]["lost_numbers"] == ["04400010"]


def test_r_inv_8_prepared_on_the_third_and_finance_notified_once(book, make_receipt, clerk, now, user_in_role):
    finance = user_in_role("finance")
    issue([make_receipt(total="1000.00")], clerk=clerk, now=now)
    assert services.invoice_report_due(now=local(dt.date(2026, 12, 2), 23)) is None
    assert services.invoice_report_due(now=local(dt.date(2026, 12, 3), 1)) == "2026-11"
    assert services.invoice_report_due(now=local(dt.date(2026, 12, 3), 2)) is None
    report = InvoiceReport.objects.get(month="2026-11")
    assert report.totals["issued"] == {"count": 1, "amount": "1000.00"}
    assert Notification.objects.filter(recipient=finance, key="invoice-report-2026-11").count() == 1


def test_r_inv_8_report_day_is_a_policy_row(book, user_in_role):
    user_in_role("finance")
    InvoicePolicy.objects.create(effective_from=dt.date(2026, 12, 1), report_day=5)
    assert services.invoice_report_due(now=local(dt.date(2026, 12, 3), 9)) is None
    assert services.invoice_report_due(now=local(dt.date(2026, 12, 5), 9)) == "2026-11"


def test_tasks_call_the_services(book, clerk):
    from django.utils import timezone

    from invoices import tasks

    assert tasks.invoice_loss_escalate_overdue() == 0
    assert tasks.invoice_report_due() in (None, selectors.month_label(timezone.localdate()))


def test_issue_runs_a_bounded_number_of_queries_whatever_the_receipts(book, make_receipt, clerk, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = [make_receipt()]
    five = [make_receipt(total="100.00") for _ in range(5)]
    with CaptureQueriesContext(connection) as q1:
        issue(one, clerk=clerk, now=now)
    with CaptureQueriesContext(connection) as q5:
        issue(five, clerk=clerk, now=now)
    assert len(q5) == len(q1) <= 30
