"""The complaints desk's own catalogue (complaints/locale) is complete and compiled."""

import re
from pathlib import Path

from django.utils import translation

import complaints

PO = Path(complaints.__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_complaints_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = [e for e in text.split("\n\n")[1:] if not e.startswith("#~")]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text
    assert PO.with_suffix(".mo").exists()


def test_complaints_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Can see complainants' full phone numbers") == "可查看投诉人完整电话号码"
        assert translation.gettext("You may not take this step.") == "您无权执行此步骤。"
