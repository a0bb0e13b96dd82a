"""The gifts catalogue (gifts/locale) is complete and compiled: no empty or fuzzy msgstr."""

import re

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "gifts" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_gifts_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty, continued = re.compile(r'^msgstr(\[0\])? ""\n?$', re.M), re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [e for e in entries if empty.search(e) and not continued.search(e)]
    assert not untranslated, untranslated[:5]
    assert "#, fuzzy" not in text


def test_gifts_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Gift counter") == "赠品发放台"
        assert translation.gettext("Not enough %(item)s in stock: %(on_hand)s on hand, %(needed)s needed "
                                   "(stock never goes negative).").startswith("%(item)s 库存不足")


def test_counter_page_speaks_chinese(client, clerk):
    from django.urls import reverse

    client.force_login(clerk)
    page = client.get(reverse("admin:gifts_giftissue_counter")).content.decode()
    assert "扫描购物小票或赠品提货券" in page
