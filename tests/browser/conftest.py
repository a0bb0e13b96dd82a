"""Stricter browser fixtures for the role flows in tests/browser/ (issue 15, items 7 and 8).

`page` here replaces the one in tests/conftest.py for this folder: besides a CSP violation it fails the test
on a console error, an uncaught script error or any 5xx response. `layout_check(name)` asserts the page has
no horizontal scroll at the desk's two screen widths (1366×768 and 1024×768), that no full mobile number is
shown to a role that sees masked ones (R-VIP-7), and saves a screenshot at each width.
"""

import re

import pytest

from tests.conftest import ARTIFACTS, words_on_page
from tests.crawl import Vocabulary

WIDTHS = (1366, 1024)
HEIGHT = 768
# An 11-digit mainland mobile number standing alone (card numbers are 13 digits, receipt numbers have a letter).
FULL_PHONE = re.compile(r"(?<![\d*])1[3-9]\d{9}(?![\d*])")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[0], "height": HEIGHT})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def on_console(msg):
        if "favicon.ico" in (msg.location or {}).get("url", ""):
            return  # the browser asks for /favicon.ico on its own; the desk has none (not a page's fault)
        if "Content Security Policy" in msg.text or msg.type == "error":
            problems.append(f"console {msg.type}: {msg.text} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc} ({page.url})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None)
    page.problems = problems  # a test that provokes an error on purpose may look at and clear it
    yield page
    context.close()
    assert not problems, problems


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def overflowing_elements(page) -> list[str]:
    """What sticks out on the right, for the assertion message."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                          (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                          + ' right=' + Math.round(e.getBoundingClientRect().right))""")


@pytest.fixture
def layout_check(page):
    """`layout_check(name, visible=(selectors…), phones_masked=True)`: at 1366 and 1024 wide, no horizontal scroll,
    the given elements visible (and inside the screen's width), full phone numbers absent; a screenshot per width.
    Leaves the page at 1366 wide."""

    def check(name: str, *, visible: tuple[str, ...] = (), phones_masked: bool = True):
        ARTIFACTS.mkdir(exist_ok=True)
        for width in (WIDTHS[1], WIDTHS[0]):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            page.wait_for_timeout(50)  # let the layout settle after the resize
            assert no_horizontal_overflow(page), (name, width, overflowing_elements(page))
            for selector in visible:
                box = page.locator(selector).first
                assert box.is_visible(), (name, width, selector)
                rect = box.bounding_box()
                assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width + 1, (name, width, selector, rect)
            page.screenshot(path=str(ARTIFACTS / f"{name}_{width}.png"), full_page=True)
        if phones_masked:
            text = page.inner_text("body")
            assert not FULL_PHONE.search(text), (name, FULL_PHONE.findall(text))
        if not vocabulary:
            vocabulary.append(Vocabulary.from_database())
        findings = words_on_page(page, vocabulary[0])  # read as a person would (tests/conftest.py screenshot)
        assert not findings, f"{name} ({page.url}): " + "; ".join(findings)

    vocabulary = []
    return check
