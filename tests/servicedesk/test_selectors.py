"""users_with_perm: the one way to find people for a job (by permission, never by group name)."""

import pytest
from django.contrib.auth.models import Permission

from servicedesk.selectors import users_with_perm
from tests.factories.servicedesk import StaffUserFactory


def _grant(user, perm: str) -> None:
    app_label, codename = perm.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.mark.django_db
def test_users_with_perm_through_groups_and_directly_ordered_by_pk(user_in_role):
    supervisor = user_in_role("desk_supervisor")
    ops = user_in_role("ops_manager")
    clerk = user_in_role("clerk")
    assert list(users_with_perm("complaints.approve_handling")) == [supervisor, ops]
    _grant(clerk, "complaints.approve_handling")  # directly, outside any role
    assert list(users_with_perm("complaints.approve_handling")) == [supervisor, ops, clerk]
    # held twice (group and directly): still listed once
    _grant(supervisor, "complaints.approve_handling")
    assert list(users_with_perm("complaints.approve_handling")) == [supervisor, ops, clerk]


@pytest.mark.django_db
def test_users_with_perm_leaves_out_superusers_and_inactive_unless_asked(user_in_role):
    admin = user_in_role("admin")  # the admin group holds every permission, and is_superuser
    supervisor = user_in_role("desk_supervisor")
    gone = user_in_role("desk_supervisor", is_active=False)
    assert list(users_with_perm("complaints.supervise_complaints")) == [supervisor]
    assert list(users_with_perm("complaints.supervise_complaints", include_superusers=True)) == [admin, supervisor]
    assert list(users_with_perm("complaints.supervise_complaints", active=False)) == [supervisor, gone]
    bare_superuser = StaffUserFactory(role="clerk", is_superuser=True)
    bare_superuser.is_superuser = True
    bare_superuser.save()
    assert bare_superuser in users_with_perm("complaints.supervise_complaints", include_superusers=True)


@pytest.mark.django_db
def test_users_with_perm_refuses_a_group_name():
    with pytest.raises(ValueError):
        users_with_perm("desk_supervisor")
