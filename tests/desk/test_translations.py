"""The desk services ship in Simplified Chinese: every entry of desk's own catalogue is translated and compiled."""

import re

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "desk" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_desk_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text
    assert len(entries) > 300


def test_desk_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Lost property / lost child") == "失物 / 走失儿童"
        assert translation.gettext("Umbrella %(u)s is not out.") % {"u": "U-1"} == "雨伞 U-1 未借出。"


def test_counter_page_speaks_chinese_by_default(client, clerk):
    client.force_login(clerk)
    body = client.get("/desk/enquiry/counter/").content.decode()
    assert "借出雨伞" in body and "失物 / 走失儿童" in body
