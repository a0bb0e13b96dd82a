import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from servicedesk.roles import ROLES, resolve_grants

pytestmark = pytest.mark.django_db


def test_every_contract_role_exists_after_migrate():
    contract = {"clerk", "desk_supervisor", "dept_supervisor", "ops_manager", "counter_staff", "loss_prevention",
                "cashier", "finance", "announcer", "admin", "pos"}
    assert contract == set(ROLES)
    assert contract <= set(Group.objects.values_list("name", flat=True))


def test_groups_carry_the_matrix_permissions_after_migrate():
    clerk = Group.objects.get(name="clerk")
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in clerk.permissions.select_related("content_type")}
    assert "servicedesk.add_handoverentry" in codes
    assert "servicedesk.delete_handoverentry" not in codes


def test_resolve_grants_patterns():
    available = ["a.view_x", "a.add_x", "a.custom", "b.view_y"]
    assert resolve_grants(("a.view_*", "a.custom"), available) == {"a.view_x", "a.custom"}
    assert resolve_grants(("*",), available) == set(available)
    assert resolve_grants(("c.*",), available) == set()
    assert resolve_grants(("a.*", "-a.custom"), available) == {"a.view_x", "a.add_x"}
    assert resolve_grants(("a.*", "-a.custom", "a.custom"), available) == {"a.view_x", "a.add_x", "a.custom"}


def test_r_vip_7_only_the_desk_supervisor_sees_unmasked_member_data(user_in_role):
    allowed = {role for role in ROLES if user_in_role(role).has_perm("members.view_unmasked")}
    assert allowed == {"desk_supervisor", "admin"}


def test_create_staff_puts_user_in_exactly_that_role():
    call_command("create_staff", "lily", role="clerk", password="s3cret-pass")
    call_command("create_staff", "lily", role="cashier", password="s3cret-pass")
    user = get_user_model().objects.get(username="lily")
    assert list(user.groups.values_list("name", flat=True)) == ["cashier"]
    assert user.is_staff and not user.is_superuser and user.check_password("s3cret-pass")
    call_command("create_staff", "till1", role="pos", password="pos-pass-123")
    till = get_user_model().objects.get(username="till1")
    assert not till.is_staff and till.has_perm("receipts.add_receipt")


def test_create_staff_refuses_unknown_role():
    with pytest.raises(CommandError):
        call_command("create_staff", "x", role="janitor", password="p")


def test_readme_prints_the_current_role_matrix():
    from django.conf import settings

    from servicedesk.management.commands.roles_matrix import matrix_markdown

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert matrix_markdown() in readme, "run: python manage.py roles_matrix --readme"


def test_a_clerk_does_counter_work_but_never_edits_policy(user_in_role):
    clerk = user_in_role("clerk")
    for perm in ("members.add_card", "complaints.add_complaint", "returns.add_returnrequest", "members.redeem_points"):
        assert clerk.has_perm(perm), perm
    for perm in ("members.add_memberpolicy", "members.add_promotionrule", "returns.add_returnpolicy",
                 "complaints.add_complaintpolicy", "complaints.add_replyphrase", "members.adjust_points",
                 "returns.approve_return", "complaints.approve_handling"):
        assert not clerk.has_perm(perm), perm


def test_app_modules_finds_each_apps_plugins_in_order():
    from servicedesk.plugins import app_modules

    assert [label for label, _m in app_modules("demo")][:3] == ["servicedesk", "receipts", "members"]
    assert {label for label, _m in app_modules("schedule")} >= {"servicedesk", "members", "complaints"}
    assert list(app_modules("no_such_module")) == []
