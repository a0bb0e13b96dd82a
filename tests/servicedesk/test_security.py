import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from servicedesk.demo import demo_users

pytestmark = pytest.mark.django_db


def test_login_is_throttled_after_repeated_failures(client, clerk, settings):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": clerk.username, "password": "wrong"})
    locked = client.post(url, {"username": clerk.username, "password": "pw"})
    assert locked.status_code == 429
    assert not get_user_model().objects.get(pk=clerk.pk).last_login


def test_login_with_the_right_password_works(client, clerk):
    response = client.post(reverse("admin:login"), {"username": clerk.username, "password": "pw", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_each_demo_user_sees_only_what_the_role_allows(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    seen, models = {}, {}
    for username, role, password in demo_users():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password)
        client.force_login(user)
        response = client.get("/")
        if role == "pos":
            assert response.status_code == 302  # a till account has no desk site
            continue
        assert response.status_code == 200
        seen[role] = {app["app_label"] for app in response.context["app_list"]}
        models[role] = {(app["app_label"], m["object_name"]) for app in response.context["app_list"] for m in app["models"]}
    assert "servicedesk" in seen["clerk"] and "auth" not in seen["clerk"]
    assert "auth" in seen["admin"]
    # counter staff read only their own notifications of the desk's records (issue 15), nothing else of it
    assert {m for m in models["counter_staff"] if m[0] == "servicedesk"} == {("servicedesk", "Notification")}
    for role, apps in seen.items():
        user = get_user_model().objects.get(username=role)
        for app in apps:
            assert user.has_module_perms(app), (role, app)


def test_load_demo_twice_is_idempotent():
    devnull = open("/dev/null", "w")
    call_command("load_demo", stdout=devnull)
    count = get_user_model().objects.count()
    call_command("load_demo", stdout=devnull)
    assert get_user_model().objects.count() == count
