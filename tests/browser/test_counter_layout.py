"""Issue 15, item 7: every counter page the clerk works on, and the lists they open most, use the width at
1366×768 and stay usable at 1024×768 — no horizontal scroll on the page, the header scan box and the page's
main button on screen — with phone numbers masked for the clerk (R-VIP-7). A screenshot per page and width.
The flows themselves are tested elsewhere (tests/*/test_browser.py, tests/browser/test_*_flow*.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.members import MemberFactory, card_with_balance
from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory
from tests.factories.returns import ReturnPolicyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (screenshot name, path, elements that must be on screen at both widths)
CLERK_PAGES = (
    ("counter_return", "/returns/returnrequest/counter/?side=dept&number=D20261201-000042",
     ("#id_qty_1", "input[name=create]")),
    ("counter_gift", "/gifts/giftissue/counter/", ("#id_code",)),
    ("counter_invoice", "/invoices/invoice/counter/", ("#id_receipts", "input[name=preview]")),
    ("counter_desk_services", "/desk/enquiry/counter/", ("button[name=do_lost]",)),
    ("counter_handover", "/servicedesk/handoverentry/desk/", ("#id_notes", "input[name=write]")),
    ("counter_pa_raise", "/broadcast/urgentinsert/raise/", ("button[name=raise]",)),
    ("list_cards", "/members/card/", ("#result_list",)),
    ("list_members", "/members/member/", ("#result_list",)),
    ("list_receipts", "/receipts/receipt/", ("#result_list",)),
    ("list_returns", "/returns/returnrequest/", ("#changelist",)),
    ("list_complaints", "/complaints/complaint/", ("#changelist",)),
)


def test_clerk_counter_pages_fit_1366_and_1024(page, live_server, login, layout_check, user_in_role):
    ReturnPolicyFactory()
    local = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0) - timedelta(days=2)
    receipt = ReceiptFactory(number="D20261201-000042", rung_at=local, total=Decimal("536.00"), side="dept")
    for no in (1, 2):
        ReceiptLineFactory(receipt=receipt, line_no=no, category="clothing", unit_price=Decimal("268.00"),
                           list_price=Decimal("268.00"), quantity=1, description="羊毛大衣（驼色，L码）",
                           counter=f"C-2F-0{no}")
    for name, phone in (("王芳", "13800138001"), ("欧阳晓明", "13912345678")):
        card_with_balance(dept=1200, market=300, member=MemberFactory(name=name, phone=phone))
    user_in_role("clerk", username="clerk_layout")
    login("clerk_layout")
    for name, path, visible in CLERK_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        layout_check(f"layout_{name}", visible=("#desk-scan-head", *visible))
