"""Issue 16: API tokens are resolved once (token, user, permissions cached) and dropped as soon as what
the token may do changes."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

URL = "/api/v1/receipts/"


def get_counted(client, url=URL):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_second_request_authenticates_without_a_query(api_as, user_in_role, db):
    client = api_as(user_in_role("pos"))
    first, cold = get_counted(client)
    second, warm = get_counted(client)
    assert first.status_code == second.status_code == 200
    assert cold - warm == 3


def test_role_removed_is_refused_on_the_next_request(api_as, user_in_role, db):
    user = user_in_role("pos")
    client = api_as(user)
    assert client.get(URL).status_code == 200
    user.groups.clear()
    assert client.get(URL).status_code == 403


def test_role_granted_is_allowed_on_the_next_request(api_as, user_in_role, db):
    user = user_in_role("announcer")
    client = api_as(user)
    assert client.post(URL, {}, format="json").status_code == 403
    user.groups.add(Group.objects.get(name="pos"))
    assert client.post(URL, {}, format="json").status_code == 400  # now allowed: the empty body is refused


def test_group_permission_removed_is_refused_on_the_next_request(api_as, user_in_role, db):
    client = api_as(user_in_role("pos"))
    assert client.get(URL).status_code == 200
    group = Group.objects.get(name="pos")
    group.permissions.remove(*group.permissions.filter(codename="view_receipt"))
    assert client.get(URL).status_code == 403


def test_deactivated_user_and_deleted_token_are_refused(api_as, user_in_role, db):
    user = user_in_role("pos")
    client = api_as(user)
    assert client.get(URL).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(URL).status_code == 401
    other = user_in_role("pos")
    client = api_as(other)
    assert client.get(URL).status_code == 200
    Token.objects.filter(user=other).delete()
    assert client.get(URL).status_code == 401


def test_login_stamp_keeps_the_cache(api_as, user_in_role, db):
    from django.contrib.auth.models import update_last_login

    user = user_in_role("pos")
    client = api_as(user)
    _first, cold = get_counted(client)
    _second, warm = get_counted(client)
    update_last_login(None, user)
    assert get_counted(client)[1] == warm < cold
