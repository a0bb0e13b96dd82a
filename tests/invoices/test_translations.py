"""The invoices app ships its own Simplified Chinese catalogue: every entry translated, none fuzzy, compiled."""

import re
from pathlib import Path

from django.utils import translation

import invoices

PO = Path(invoices.__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_invoices_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1


def test_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Write an invoice") == "开具发票"
        assert translation.gettext("Awaiting the public notice") == "待登报声明"
        assert translation.ngettext("%(n)d day left", "%(n)d days left", 3) % {"n": 3} == "还剩 3 天"
