"""The broadcast grants of the role matrix (servicedesk/roles.py), as the app's custom permissions see them."""

import pytest

from servicedesk.roles import ROLES

pytestmark = pytest.mark.django_db


def test_broadcast_grants_per_role(user_in_role):
    users = {role: user_in_role(role) for role in ROLES}

    def holders(perm):
        return {role for role, user in users.items() if user.has_perm(perm)}

    # R-BC-5: the announcer writes and edits scripts but never approves them
    assert holders("broadcast.approve_script") == {"desk_supervisor", "admin"}
    assert users["announcer"].has_perm("broadcast.change_script") and users["announcer"].has_perm("broadcast.add_script")
    # the plan, the day's hours and promotions are the desk supervisor's
    assert holders("broadcast.edit_plan") == {"desk_supervisor", "admin"}
    # the booth airs; the desk raises inserts
    assert holders("broadcast.air_item") == {"announcer", "desk_supervisor", "admin"}
    assert holders("broadcast.add_urgentinsert") == {"clerk", "announcer", "desk_supervisor", "admin"}
