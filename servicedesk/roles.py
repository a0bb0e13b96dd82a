"""The role matrix: which role may do what. This is the one place it is written down.

Roles are Django groups (named as in the API contract). A role is granted permissions by pattern:
  "app_label.*"                 every permission of the app
  "app_label.view_*"            every `view_` permission of the app (likewise add_/change_/delete_)
  "app_label.codename"          one permission, model or custom (custom ones are declared in the
                                owning model's Meta.permissions with exactly that codename)
  "-app_label.codename"         taken away again (patterns apply in order, a later one wins)
Patterns that match nothing yet (an app whose models land later) are skipped, and the groups are
re-synced after every `migrate`, so a new model's permissions reach its roles without another step.
README.md prints this matrix (`python manage.py roles_matrix` writes it).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DESK_APPS = tuple(settings.DESK_APPS)  # the one list lives in settings.py


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    is_staff: bool  # may use the admin site (the desk); `pos` is an API-only till account
    grants: tuple[str, ...]
    is_superuser: bool = False


# Everyone at the desk reads the desk's records, with members' phone and ID numbers and complainants'
# phone numbers masked: only the desk supervisor (and admin) sees them in full, and every such view is
# logged (R-VIP-7). The desk supervisor gets complaints.view_unmasked back through "complaints.*".
# Finance's month pages are finance's own (the desk supervisor reads them through finance.view_*).
_DESK_READ = tuple(f"{app}.view_*" for app in DESK_APPS) + ("-members.view_unmasked", "-complaints.view_unmasked",
                                                             "-finance.view_*")

# Every desk role reads its own notifications (the list shows only the user's own): a role without a
# desk-wide read grant gets this one, or its escalations and sign requests would reach nobody.
_OWN_NOTIFICATIONS = ("servicedesk.view_notification",)

ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            "clerk",
            _("Front-desk clerk"),
            True,
            _DESK_READ
            + (
                "servicedesk.add_handoverentry",
                "servicedesk.change_handoverentry",
                "servicedesk.add_handoveritem",
                "servicedesk.change_handoveritem",
                # Counter work only: never the policy rows (rates, windows, clocks, phrases).
                "members.add_member",
                "members.add_card",
                "members.change_member",
                "members.redeem_points",
                "members.replace_card",
                "complaints.add_complaint",
                "complaints.add_suppliercontact",
                "complaints.add_followup",
                "complaints.change_complaint",
                "complaints.route_complaint",
                "complaints.record_followup",
                "returns.add_returnrequest",
                "gifts.issue_gift",  # R-GIFT-3, R-GIFT-5
                "gifts.add_giftdelivery",  # R-GIFT-1: the clerk counts deliveries in
                "gifts.add_stocktake",  # R-GIFT-7: the clerk counts; a supervisor explains (gifts.explain_variance)
                "invoices.issue_invoice",
                "invoices.add_invoiceloss",  # R-INV-7: a loss is reported at once, by whoever finds it
                "broadcast.add_urgentinsert",
                # Desk services (R-DESK-2, R-DESK-3): counter work; reports, policy and the directory are the supervisor's.
                "desk.add_enquiry",
                "desk.add_umbrellaloan",
                "desk.change_umbrellaloan",
                "desk.add_depositcashcount",
                "desk.add_supplyentry",
                "desk.add_supplystocktake",
                "desk.add_giftwrap",
                "desk.add_deliveryrequest",
                "desk.change_deliveryrequest",
                "desk.add_lostproperty",
                "desk.claim_lostproperty",
                "desk.add_bagstorage",
                "desk.change_bagstorage",
            ),
        ),
        Role(
            "desk_supervisor",
            _("Desk supervisor"),
            True,
            _DESK_READ
            + (
                "servicedesk.*",
                "receipts.add_receipt",
                "receipts.import_receipts",
                "members.*",
                "members.view_unmasked",  # R-VIP-7: the supervisor may see full phone and ID numbers
                "complaints.*",
                "-complaints.approve_serious",  # R-CMP-4: serious and level-2 cases are the GM's
                "returns.add_returnrequest",
                "gifts.*",
                "invoices.*",
                "broadcast.*",
                "finance.view_*",  # R-FIN: the desk supervisor reads the month page; only finance closes
                "desk.*",  # R-DESK-2…4: directory, policy, forfeits, disposal, the weekly and monthly reports
            ),
        ),
        Role(
            "dept_supervisor",
            _("Department supervisor"),
            True,
            (
                "receipts.view_*",
                "returns.view_*",
                "returns.approve_return",  # R-RET-11: refunds up to the supervisor limit
                "complaints.view_complaint",
                "complaints.answer_feedback",  # only for the departments the user answers for
                "servicedesk.view_notification",
                "servicedesk.change_notification",
            ),
        ),
        Role(
            "ops_manager",
            _("Operations manager / GM"),
            True,
            _DESK_READ
            + (
                "returns.approve_return",
                "returns.approve_over_limit",  # R-RET-11: above the supervisor limit
                # The manual: the responsible department analyses and proposes (责任部门…提出处理方案), the
                # GM instructs (总经理批示). So the manager approves handling but never writes a department's
                # feedback (role review, issue 9).
                "complaints.approve_handling",
                "complaints.approve_serious",  # R-CMP-4: serious and level-2 cases
                "servicedesk.change_notification",
                "invoices.receive_loss_reports",  # R-INV-7: the branch head (分管领导) gets lost-invoice reports
                "desk.see_desk_reports",  # R-DESK-4
                "members.see_member_statistics",  # enrolment and points issued by month (issue 15)
            ),
        ),
        Role(
            "counter_staff",
            _("Counter staff"),
            True,
            ("receipts.view_*", "returns.view_*", "returns.counter_check", *_OWN_NOTIFICATIONS),
        ),
        Role(
            "loss_prevention",
            _("Loss prevention"),
            True,
            ("receipts.view_*", "returns.view_*", "returns.sign_loss_prevention",
             # R-INV-7: security (保卫部门) gets lost-invoice reports and reads the case file.
             "invoices.view_invoiceloss", "invoices.view_invoicebook", "invoices.receive_loss_reports",
             *_OWN_NOTIFICATIONS),
        ),
        Role(
            "cashier",
            _("Cashier"),
            True,
            ("receipts.view_*", "returns.view_*", "returns.refund_return", "members.view_member", *_OWN_NOTIFICATIONS),
        ),
        Role(
            "finance",
            _("Finance"),
            True,
            _DESK_READ
            + (
                "receipts.import_receipts",
                "receipts.add_receipt",
                # Invoices: finance receives the books, voids, takes the stubs, gets the monthly report and
                # the lost-invoice reports, and records the public notice (R-INV-1, 5, 6, 7, 8).
                "invoices.add_invoicebook",
                "invoices.void_invoice",
                "invoices.hand_over_stubs",
                "invoices.report_invoices",
                "invoices.receive_loss_reports",
                "invoices.record_loss_notice",
                "finance.view_*",  # R-FIN-1, R-FIN-2: the month page, exports and the close
                "finance.add_exportjob",
                "finance.close_period",
                "members.see_member_statistics",  # points issued by month (issue 15)
            ),
        ),
        Role(
            "announcer",
            _("Announcer"),
            True,
            (
                "broadcast.view_*",
                "broadcast.add_*",
                "broadcast.change_*",
                "broadcast.air_item",
                # The manual: the announcer reads the handover book (看交接班本) and records the PA's own
                # handover (做好上下班的交接工作并做好记录); acknowledging the desk's entries and closing its
                # items is the desk's next shift (role review, issue 9).
                "servicedesk.view_handoverentry",
                "servicedesk.view_handoveritem",
                "servicedesk.add_handoverentry",
                "servicedesk.add_handoveritem",
                *_OWN_NOTIFICATIONS,
            ),
        ),
        Role("admin", _("Administrator"), True, ("*",), is_superuser=True),
        Role(
            "pos",
            _("Till (POS) account"),
            False,
            ("receipts.add_receipt", "receipts.view_receipt", "members.view_member", "members.quote_price"),
        ),
    )
}


def role_names() -> list[str]:
    return list(ROLES)


def resolve_grants(grants: tuple[str, ...], available: list[str]) -> set[str]:
    """The `app_label.codename` strings out of `available` that the grant patterns cover."""
    chosen: set[str] = set()
    for pattern in grants:  # in order: a later pattern overrides an earlier one
        if pattern.startswith("-"):
            chosen.difference_update(fnmatch.filter(available, pattern[1:]))
        else:
            chosen.update(available if pattern == "*" else fnmatch.filter(available, pattern))
    return chosen


def sync_roles(*, using: str = "default") -> None:
    """Create every role group and set its permissions to exactly what the matrix grants."""
    from django.contrib.auth.models import Group, Permission

    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    available = sorted(perms)
    for role in ROLES.values():
        group, _created = Group.objects.using(using).get_or_create(name=role.name)
        wanted = [perms[key] for key in sorted(resolve_grants(role.grants, available))]
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    # Runs once per app after migrate; only the last app's run matters, the earlier ones are cheap.
    if sender.name == "servicedesk" or sender.name in DESK_APPS:
        sync_roles(using=using)


def user_has_role(user, *names: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=names).exists()


def matrix_rows() -> list[tuple[str, str, str]]:
    """(role, may use the desk site, grants) for the README."""
    return [(r.name, "yes" if r.is_staff else "API only", ", ".join(r.grants)) for r in ROLES.values()]
