"""Issue 15: Django's user and group pages, django-axes' sign-in records and a history version page read in
Chinese words — no masked password salt, no "User_groups object (5)", no "Access Log for … +00:00",
no "Axes", no "Historical …"."""

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation

from servicedesk.models import HandoverItem
from tests.factories.servicedesk import HandoverItemFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def member_of_a_group():
    user = get_user_model().objects.create_user("temp", "temp@store.example", "a-long-password-2026")
    user.groups.add(Group.objects.get(name="clerk"))
    user.user_permissions.add(Permission.objects.get(codename="view_receipt"))
    return user


def test_the_user_page_names_the_password_in_words(admin_client, member_of_a_group):
    page = admin_client.get(f"/auth/user/{member_of_a_group.pk}/change/", **ZH).content.decode()
    assert "已设置密码（" in page and "重置密码" in page
    assert "盐" not in page and "*****" not in page  # Django's summary: algorithm, iterations, masked salt, hash


def test_password_switches_read_in_the_desks_words(admin_client, member_of_a_group):
    add = admin_client.get("/auth/user/add/", **ZH).content.decode()
    change = admin_client.get(f"/auth/user/{member_of_a_group.pk}/password/", **ZH).content.decode()
    assert "该用户能否用密码登录服务台。" in add and "LDAP" not in add
    assert "禁用后，该用户现有的密码将失效。" in change and "LDAP" not in change and "If disabled" not in change


def test_delete_pages_list_no_link_rows(admin_client, member_of_a_group):
    user_page = admin_client.get(f"/auth/user/{member_of_a_group.pk}/delete/", **ZH).content.decode()
    group = Group.objects.get(name="clerk")
    group_page = admin_client.get(f"/auth/group/{group.pk}/delete/", **ZH).content.decode()
    for page in (user_page, group_page):
        assert "object (" not in page and "关系" not in page
    assert "是的，我确定" in user_page and "temp" in user_page  # still a delete confirmation, the user listed
    assert "是的，我确定" in group_page


def test_delete_keeps_djangos_permission_check(client, member_of_a_group):
    staff = StaffUserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(staff)
    page = client.get(f"/auth/user/{member_of_a_group.pk}/delete/", **ZH)
    assert page.status_code == 200 and "是的，我确定" in page.content.decode()


def test_axes_records_read_in_store_time_and_chinese(admin_client):
    log = AccessLog.objects.create(username="clerk", attempt_time=timezone.now(), user_agent="<unknown>",
                                   path_info="<unknown>", http_accept="<unknown>")
    with translation.override("zh-hans"):
        name = str(log)
    assert name == f"clerk 于 {timezone.localtime(log.attempt_time):%Y-%m-%d %H:%M} 登录"
    listing = admin_client.get("/axes/accesslog/", **ZH).content.decode()
    detail = admin_client.get(f"/axes/accesslog/{log.pk}/change/", **ZH).content.decode()
    index = admin_client.get("/axes/", **ZH).content.decode()
    for page in (listing, detail):
        assert name in page and "未知" in page
        assert "Access Log" not in page and "+00:00" not in page and "&lt;unknown&gt;" not in page
    assert "登录安全" in index and "Axes" not in index


def test_a_past_version_page_is_titled_by_the_models_own_name(admin_client):
    item = HandoverItemFactory()
    version = item.history.first()
    page = admin_client.get(f"/servicedesk/handoveritem/{item.pk}/history/{version.history_id}/", **ZH)
    text = page.content.decode()
    assert page.status_code == 200 and "Historical" not in text
    with translation.override("zh-hans"):
        assert str(HandoverItem._meta.verbose_name_plural) in text


def test_a_failed_attempts_pages_have_no_english(admin_client):
    from axes.models import AccessAttempt

    from tests.crawl import ALLOWED_WORDS, Vocabulary, check_strings, visible_text

    attempt = AccessAttempt.objects.create(username="clerk", ip_address="10.0.0.8", user_agent="<unknown>",
                                           http_accept="<unknown>", path_info="<unknown>", attempt_time=timezone.now(),
                                           get_data="", post_data="", failures_since_start=2)
    vocab = Vocabulary(allowed=ALLOWED_WORDS | {"admin", "clerk"})
    for url in ("/axes/accessattempt/", f"/axes/accessattempt/{attempt.pk}/change/"):
        page = admin_client.get(url, **ZH).content.decode()
        found = check_strings(visible_text(page), url=url, vocab=vocab, chinese=True)
        assert not found, found
    assert "清理已过期的登录尝试" in admin_client.get("/axes/accessattempt/", **ZH).content.decode()
