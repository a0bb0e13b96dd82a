"""The desk services' pages and endpoints (R-DESK-2…4) against the role matrix (tests/viewcases.py)."""

from desk import services
from tests.factories.servicedesk import StaffUserFactory
from tests.viewcases import ViewCase, view_case_test


def _clerk():
    return StaffUserFactory(role="clerk")


def loan_pk(user):
    return {"pk": services.umbrella_lend(user=_clerk(), umbrella="U-VC", customer_name="甲", phone="1").pk}


def lost_pk(user):
    return {"pk": services.lost_property_register(user=_clerk(), description="伞", found_where="一楼", announce=False).pk}


def lost_number(user):
    entry = services.lost_property_register(user=_clerk(), description="伞", found_where="一楼", announce=False)
    return {"number": entry.number}


def delivery_pk(user):
    return {"pk": services.delivery_request(user=_clerk(), customer_name="孙", phone="1", address="地址", goods="冰箱").pk}


def supply_code(user):
    from desk.models import SupplyItem

    item, _ = SupplyItem.objects.get_or_create(code="vc-kit", defaults={"name": "针线包", "kind": "sewing_kit"})
    return {"code": item.code}


WEEK = lambda user: {"kind": "weekly", "period": "2026-W48"}  # noqa: E731
DAY = lambda user: {"date": "2026-12-01"}  # noqa: E731

CASES = [
    ViewCase("admin:desk_enquiry_counter", "desk.view_enquiry"),
    ViewCase("admin:desk_enquiry_counter", "desk.add_enquiry", "post", data={"do_enquiry": "1", "channel": "phone",
                                                                            "topic": "other"}, id="POST counter enquiry"),
    ViewCase("admin:desk_depositentry_day", "desk.view_depositentry"),
    ViewCase("admin:desk_lostproperty_claim", "desk.view_lostproperty", args=lost_pk),
    ViewCase("admin:desk_deskreport_page", "desk.see_desk_reports", args=WEEK),
    ViewCase("admin:desk_deskreport_file", "desk.see_desk_reports",
             args=lambda user: {"kind": "monthly", "period": "2026-11", "ext": "pdf"}),
    ViewCase("desk-api:enquiry-list", "desk.view_enquiry"),
    ViewCase("desk-api:enquiry-list", "desk.add_enquiry", "post", data={"channel": "phone", "topic": "other"},
             id="POST enquiry-list"),
    ViewCase("desk-api:enquiry-stats", "desk.view_enquiry"),
    ViewCase("desk-api:brand-list", "desk.view_brand"),
    ViewCase("desk-api:brand-list", ("desk.add_brand", "desk.change_brand"), "post", data={"brand": "耐克", "floor": "4F"},
             id="POST brand-list"),
    ViewCase("desk-api:umbrellaloan-list", "desk.view_umbrellaloan"),
    ViewCase("desk-api:umbrellaloan-list", "desk.add_umbrellaloan", "post",
             data={"umbrella": "U-1", "customer_name": "甲", "phone": "1"}, id="POST umbrellaloan-list"),
    ViewCase("desk-api:umbrellaloan-return", "desk.change_umbrellaloan", "post", args=loan_pk),
    ViewCase("desk-api:umbrellaloan-forfeit", "desk.forfeit_deposit", "post", args=loan_pk),
    ViewCase("desk-api:deposit-day", "desk.view_depositentry", args=DAY),
    ViewCase("desk-api:deposit-count", "desk.add_depositcashcount", "post", args=DAY, data={"counted": "0.00"}),
    ViewCase("desk-api:supplyitem-list", "desk.view_supplyitem"),
    ViewCase("desk-api:supplyitem-issue", "desk.add_supplyentry", "post", args=supply_code, data={"quantity": 1}),
    ViewCase("desk-api:stocktake", "desk.add_supplystocktake", "post", data={"item": "none", "counted": 1}),
    ViewCase("desk-api:giftwrap-list", "desk.view_giftwrap"),
    ViewCase("desk-api:giftwrap-list", "desk.add_giftwrap", "post", data={"card_number": "0"}, id="POST giftwrap-list"),
    ViewCase("desk-api:deliveryrequest-list", "desk.add_deliveryrequest", "post",
             data={"customer_name": "孙", "phone": "1", "address": "地址", "goods": "冰箱"}, id="POST deliveryrequest-list"),
    ViewCase("desk-api:deliveryrequest-move", "desk.change_deliveryrequest", "post", args=delivery_pk,
             data={"status": "cancelled"}),
    ViewCase("desk-api:lostproperty-list", "desk.view_lostproperty"),
    ViewCase("desk-api:lostproperty-list", "desk.add_lostproperty", "post",
             data={"description": "伞", "found_where": "一楼", "announce": False}, id="POST lostproperty-list"),
    ViewCase("desk-api:lostproperty-detail", "desk.view_lostproperty", args=lost_number),
    ViewCase("desk-api:lostproperty-claim", "desk.claim_lostproperty", "post", args=lost_number,
             data={"claimant_name": "甲", "id_number": "E1234567", "phone": "1"}),
    ViewCase("desk-api:lostproperty-dispose", "desk.dispose_lostproperty", "post", args=lost_number,
             data={"disposal": "捐赠"}),
    ViewCase("desk-api:bagstorage-list", "desk.add_bagstorage", "post", data={"tag": "B-1"}, id="POST bagstorage-list"),
    ViewCase("desk-api:bagstorage-give-back", "desk.change_bagstorage", "post", data={"tag": "B-1"}),
    ViewCase("desk-api:report-weekly", "desk.see_desk_reports"),
    ViewCase("desk-api:report-monthly", "desk.see_desk_reports"),
    ViewCase("desk-api:reports", "desk.see_desk_reports"),
]

test_view_permissions = view_case_test(CASES)
