"""Member 360, enrolment, exports and PDFs, and the members API against the role matrix."""

from tests.factories.members import card_with_balance, stock_cards
from tests.factories.servicedesk import StaffUserFactory
from tests.viewcases import ViewCase, view_case_test


def card(user):
    return {"card_number": card_with_balance(dept=100, market=300).card_number}


def redeem(user):
    return {**card(user), "action": "redeem"}


def voucher_pk(user):
    from members.services import voucher_exchange

    issuer = StaffUserFactory(role="desk_supervisor")
    return {"pk": voucher_exchange(card=card_with_balance(market=300), points=250, user=issuer).pk}


def enrol_with_stock(user):
    stock_cards(10)
    return {}


CASES = [
    ViewCase("admin:members_card_360", "members.view_card"),
    ViewCase("admin:members_card_360_action", "members.redeem_points", "post", args=redeem,
             data={"points": 1, "reference": "R1"}),
    ViewCase("admin:members_card_enrol", "members.add_card", args=enrol_with_stock),
    ViewCase("admin:members_card_enrol_check", "members.add_card"),
    ViewCase("admin:members_card_application_pdf", "members.view_card", args=card),
    ViewCase("admin:members_pointsentry_export", "members.view_pointsentry"),
    ViewCase("admin:members_voucher_pdf", "members.view_voucher", args=voucher_pk),
    ViewCase("admin:members_birthdaymailing_export", "members.view_birthdaymailing"),
    ViewCase("members-api:member-list", ("members.add_member", "members.add_card"), "post"),
    ViewCase("members-api:member-detail", "members.view_member", args=card),
    ViewCase("members-api:member-ledger", "members.view_pointsentry", args=card),
    ViewCase("members-api:member-adjust", "members.adjust_points", "post", args=card),
    ViewCase("members-api:member-redeem", "members.redeem_points", "post", args=card),
    ViewCase("members-api:member-vouchers", "members.redeem_points", "post", args=card),
    ViewCase("members-api:member-replace", "members.replace_card", "post", args=card),
    ViewCase("members-api:pricing_quote", "members.quote_price", "post"),
]

test_view_permissions = view_case_test(CASES)
