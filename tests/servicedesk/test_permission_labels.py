"""Issue 15: permissions on the user and group pages read in the reader's language, not Django's stored
English ("Can add receipt")."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from servicedesk.permission_labels import permission_label

pytestmark = pytest.mark.django_db


def perm(codename):
    return Permission.objects.select_related("content_type").get(codename=codename)


def test_built_in_and_own_permissions_read_in_chinese():
    with translation.override("zh-hans"):
        add = permission_label(perm("add_receipt"))
        close = permission_label(perm("close_period"))
        history = permission_label(perm("view_historicalcard"))
    assert add.endswith("可以添加" + add.split(" | ")[1]) and "Can" not in add
    assert "Can" not in close and "R-FIN-2" in close
    assert "historical" not in history and "历史记录" in history


def test_english_reads_as_djangos_own_words():
    with translation.override("en"):
        assert permission_label(perm("add_receipt")) == "Till receipts | till receipt | Can add till receipt"


def test_the_group_page_lists_permissions_by_their_labels(admin_client):
    with translation.override("zh-hans"):
        page = admin_client.get("/auth/group/add/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Can add receipt" not in page
    assert "可以添加" in page
