"""Issue 9, items 5, 6 and 9: login throttling against spraying, the Content-Security-Policy, the refusal
to start on the development key, and the role review."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories.servicedesk import HandoverEntryFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- 5. login throttling

def test_one_username_from_one_ip_is_locked_after_five_failures(client, clerk, settings):
    url = reverse("admin:login")
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert client.post(url, {"username": clerk.username, "password": "wrong"}).status_code == 200
    assert client.post(url, {"username": clerk.username, "password": "wrong"}).status_code == 429  # the fifth
    assert client.post(url, {"username": clerk.username, "password": "pw"}).status_code == 429


def test_spraying_many_usernames_from_one_ip_is_throttled(client, user_in_role, settings):
    """Four failures each on many accounts never lock one account, but 20 failures from one IP lock the IP."""
    url = reverse("admin:login")
    assert settings.AXES_IP_FAILURE_LIMIT == 20
    users = [user_in_role("clerk") for _ in range(6)]
    for n in range(19):
        response = client.post(url, {"username": f"nobody-{n}", "password": "Spring2026"})
        assert response.status_code == 200, n  # the login page again, not locked yet
    assert client.post(url, {"username": "nobody-19", "password": "Spring2026"}).status_code == 429
    # Now even a real user with the right password is refused from that IP …
    assert client.post(url, {"username": users[0].username, "password": "pw"}).status_code == 429
    # … while the same user from another IP still logs in.
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    response = other.post(url, {"username": users[0].username, "password": "pw", "next": "/"})
    assert response.status_code == 302


def test_failures_below_both_limits_lock_nothing(client, clerk):
    url = reverse("admin:login")
    for n in range(4):
        client.post(url, {"username": clerk.username, "password": "wrong"})
        client.post(url, {"username": f"other-{n}", "password": "wrong"})
    response = client.post(url, {"username": clerk.username, "password": "pw", "next": "/"})
    assert response.status_code == 302


# ---------------------------------------------------------------- 6. CSP and the secret key

def test_every_page_carries_a_strict_csp(client, clerk):
    client.force_login(clerk)
    for path in ("/", "/login/", "/api/v1/complaints/"):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"].split()[0] == "'self'"  # + the request's nonce when a page uses it
        assert "unsafe-inline" not in directives["script-src"] and "http" not in directives["script-src"]
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_counter_pages_load_no_third_party_script_and_inline_scripts_carry_the_nonce(client, user_in_role):
    import re

    client.force_login(user_in_role("admin"))
    for path in ("/members/card/enrol/", "/returns/returnrequest/counter/", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        found = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        nonce = found.group(1) if found else None
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" in tag:
                assert 'src="/' in tag or "src='/" in tag, (path, tag)  # our own static files only
            elif 'type="application/json"' not in tag:
                assert f'nonce="{nonce}"' in tag, (path, tag)
        assert not re.search(r"\son(click|change|submit|load|input)=", html), path


def test_api_docs_may_load_the_swagger_ui_from_its_cdn_only_there(client, clerk):
    client.force_login(clerk)
    docs = client.get("/api/v1/docs/")["Content-Security-Policy"]
    assert django_settings.SWAGGER_UI_CDN in docs
    assert django_settings.SWAGGER_UI_CDN not in client.get("/")["Content-Security-Policy"]


def _start(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "servicedesk.settings", "HTTPS": "0"}, **env_overrides)
    return subprocess.run([sys.executable, "-c", "import servicedesk.wsgi"], env=env, capture_output=True, text=True,
                          cwd=django_settings.BASE_DIR, timeout=120)


def test_the_site_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _start({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_the_site_starts_with_a_secret_key_or_in_debug():
    assert _start({"DEBUG": "0", "SECRET_KEY": "a-real-production-key-" + "x" * 40}).returncode == 0
    assert _start({"DEBUG": "1"}).returncode == 0


# ---------------------------------------------------------------- 9. role review

def test_announcer_reads_the_handover_book_but_does_not_acknowledge_it(api_as, user_in_role, clerk):
    entry = HandoverEntryFactory(written_by=clerk)
    announcer = api_as(user_in_role("announcer"))
    assert announcer.get(f"/api/v1/handover/entries/{entry.pk}/").status_code == 200
    assert announcer.post(f"/api/v1/handover/entries/{entry.pk}/acknowledge/").status_code == 403
    assert api_as(user_in_role("clerk")).post(f"/api/v1/handover/entries/{entry.pk}/acknowledge/").status_code == 200


def test_role_review_grants(user_in_role):
    assert not user_in_role("ops_manager").has_perm("complaints.answer_feedback")
    assert user_in_role("ops_manager").has_perm("complaints.approve_handling")
    assert user_in_role("dept_supervisor").has_perm("complaints.answer_feedback")
    announcer = user_in_role("announcer")
    assert announcer.has_perm("servicedesk.add_handoverentry")
    assert not announcer.has_perm("servicedesk.change_handoverentry")
    assert not announcer.has_perm("servicedesk.change_handoveritem")
