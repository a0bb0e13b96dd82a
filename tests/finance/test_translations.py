"""Finance ships in Simplified Chinese: its own catalogue (finance/locale) has every entry translated and compiled."""

import re

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "finance" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_finance_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text


def test_finance_catalogue_is_compiled_and_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Opening balance") == "期初余额"
        assert translation.gettext("Can close a month (R-FIN-2)") == "可以月结（R-FIN-2）"
        assert translation.gettext("accounting period") == "会计期间"
