"""The booth's own catalogue (broadcast/locale) is complete, compiled and used."""

import re

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "broadcast" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_broadcast_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text
    assert PO.with_suffix(".mo").exists()


def test_broadcast_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Urgent inserts waiting") == "待播紧急插播"
        assert translation.gettext("Lost child") == "寻人（儿童）"
        assert translation.gettext("PA booth") == "播音室"
