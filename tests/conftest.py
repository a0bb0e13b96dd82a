"""Shared fixtures. Users come in roles (servicedesk/roles.py): `user_in_role("clerk")`."""

import os
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories.servicedesk import StaffUserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` or `integration` need PostgreSQL; on SQLite they are skipped with a reason."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        # A transactional test ends with a flush, which also empties the rows seeded by data migrations
        # (policies, reply phrases, role groups); serialized rollback puts them back for the next test.
        marker = item.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
        if not on_postgres and ({"postgres", "integration"} & {m.name for m in item.iter_markers()}):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: run `make test-pg`"))
        if "integration" in {m.name for m in item.iter_markers()} and not settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis (REDIS_URL): run `make test-pg`"))


@pytest.fixture(autouse=True)
def fresh_process_memos():
    """Start every test without the per-process memos (members' policy memo, the API token cache): a test's
    rows vanish by rollback or flush, which sends none of the signals that drop them, so a memo built in one
    test would otherwise answer the next one with rows that no longer exist."""
    from members import selectors as member_selectors
    from servicedesk.api import authentication

    member_selectors._MEMO = None
    authentication._state = None
    yield


@pytest.fixture(autouse=True)
def ledgers_still_balance(request):
    """R-PTS-6 after every test's data: every balance equals the sum of its ledger — points and stored
    value, and every ledger another app registers (servicedesk.extensions.ledger_checks, what
    `verify_ledgers` checks). A test that breaks a balance on purpose is marked `ledger_mismatch_expected`."""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up first, so the check below runs before the rollback
    yield
    if request.node.get_closest_marker("ledger_mismatch_expected") is None:
        from servicedesk.extensions import ledger_mismatches

        assert ledger_mismatches() == {}, "a balance no longer equals its ledger (R-PTS-6, verify_ledgers)"


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called directly from a test (services, PDFs, tiles) runs in English, so assertions on messages
    do not depend on the translations; pages fetched through the client still negotiate the language
    (Chinese by default), which the language tests check."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def user_in_role(db):
    def make(role: str, **kwargs):
        return StaffUserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def clerk(user_in_role):
    return user_in_role("clerk")


@pytest.fixture
def supervisor(user_in_role):
    return user_in_role("desk_supervisor")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """`api_as(user)` → an APIClient authenticated with the user's token (as the tills do)."""
    from rest_framework.authtoken.models import Token

    def make(user):
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


# Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium), never a downloaded
# browser; skipped with a reason when Chromium is not installed (.ci/run installs it). The fixtures live
# here, once, so every test module shares one Playwright per test process.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Playwright's sync API runs an event loop in this thread; the test server's ORM calls are in others.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page under the site's real Content-Security-Policy: any violation the browser reports (an inline
    script without the nonce, a third-party script, an inline handler) fails the test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def login(page, live_server):
    def do(username: str, password: str = "pw"):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return do


@pytest.fixture
def logout(page):
    def do():
        page.click("#logout-form button")
        page.wait_for_load_state()

    return do


@pytest.fixture
def screenshot(page):
    """Saves the page as it looks under tests/artifacts/ and reads it as a person would (issue 15): the live
    page — text JavaScript drew and the messages a POST left included, which the words crawl of server pages
    cannot see — is held to the crawl's checks (no English in a Chinese page, no raw code, JSON or UTC time)."""
    vocabulary = []

    def do(name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        if not vocabulary:
            from tests.crawl import Vocabulary

            vocabulary.append(Vocabulary.from_database())  # once a test: the rows the flow made are words too
        findings = words_on_page(page, vocabulary[0])
        assert not findings, f"{name} ({page.url}): " + "; ".join(findings)

    return do


def words_on_page(page, vocabulary) -> list[str]:
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from tests.crawl import check_strings, visible_text
    from tests.test_zh_crawl import _known

    chinese = (page.evaluate("document.documentElement.lang") or "").lower().startswith("zh")
    try:
        name = resolve(urlsplit(page.url).path).view_name
    except Resolver404:
        name = ""
    found = check_strings(visible_text(page.content()), url=page.url, vocab=vocabulary, chinese=chinese)
    return [f"{f.kind} {f.token!r} in {f.context!r}" for f in found if not _known(f.kind, f.token, name)]
