"""The members strings added by issue 16 (throughput) ship translated in members/locale (per-app catalogue)."""

import re

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "members" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_members_throughput_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text


def test_year_spend_field_is_translated():
    from members.models import Card

    with translation.override("zh-hans"):
        assert str(Card._meta.get_field("year_spend").verbose_name) == "年度消费"
