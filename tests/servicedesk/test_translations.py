"""The interface ships in Simplified Chinese: every string in the catalogue is translated and compiled."""

import re

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text


def test_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Shift handover book") == "交接班本"
        assert translation.gettext("Service Desk") == "服务台"


HARDENING_PO = settings.BASE_DIR / "servicedesk" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_servicedesk_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = HARDENING_PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text
    assert len(entries) >= 20


def test_servicedesk_catalogue_is_compiled_and_used():
    with translation.override("zh-hans"):
        assert translation.gettext("No API endpoint at this address.") == "此地址没有 API 接口。"
        assert translation.gettext("A birthday cannot be in the future.") == "生日不能是将来的日期。"
