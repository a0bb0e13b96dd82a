"""The words crawl (issue 15, "Words, not codes"): visit every desk page as one user, take the text a person
reads, and list what a person should never read there.

- `visible_text(html)`: text nodes (no script/style) and the attributes people read (title, placeholder,
  alt, aria-label, a button's value), one string per node;
- `pdf_text(data)`: the text of every page of a PDF (pypdf);
- `Findings` checks a page's strings for: an English word in a Chinese page (`untranslated`), a raw
  stored choice value where its label belongs (`raw_choice`), a JSON / Python literal (`json`), a float
  artefact such as 12882.1000000000 or 4.07e-06 (`float`), a UTC or ISO timestamp (`utc`);
- `crawl(client, ...)`: every changelist, add page, the change page of demo objects of every model, every
  custom admin view without arguments, then every desk link found on those pages (PDFs included), a
  bounded number of URLs per URL name.

What counts as an allowed ASCII token (rule ids, units, document numbers, user names, demo data values) is
built from the database, so a demo brand "Nike" passes and a choice value "alipay" does not.
"""

from __future__ import annotations

import io
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

SKIP_TAGS = {"script", "style", "template", "textarea-ignored"}
# Not `alt`: Django's own icons (search, yes/no) carry fixed English alt texts that no one sees on screen.
READ_ATTRS = {"title", "placeholder", "aria-label", "data-confirm", "data-label"}
BUTTON_INPUTS = {"submit", "button", "reset"}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP_TAGS:
            self._skip += 1
        for name in READ_ATTRS:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUTS and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIP_TAGS:
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.chunks


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [line for page in reader.pages for line in (page.extract_text() or "").splitlines() if line.strip()]


# --- what must not be read ---------------------------------------------------------------------------

# Tokens that are fine in a Chinese page: units, file types, the store's own abbreviations, and the
# abbreviations Chinese staff read as such (VIP卡, POS机, SMS, ID).
ALLOWED_WORDS = {
    "CSV", "XLSX", "PDF", "VIP", "POS", "ID", "SMS", "API", "JSON", "QR", "IP", "URL", "HTTP", "HTTPS",
    "TS", "RR", "OK", "AM", "PM", "No", "kg", "g", "cm", "mm", "m", "km", "ml", "L", "x", "PA", "GM",
    "Excel", "Chrome", "Chromium", "Service", "Desk",
    "English",  # the language switch offers English by its own name
    "Control", "Command", "Mac",  # key names in Django's "按住 Control 键或 Mac 上的 Command 键" hint
    "YYYY-MM",  # a date format shown as a hint (月份（YYYY-MM）)
}
RULE_ID = re.compile(r"\bR-[A-Z]+-\d+[a-z]?\b")
# A word: ASCII letters, possibly joined by _ or - (so `counter_check` and `loss-prevention` are one).
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z_]*(?:-[A-Za-z_]+)*(?![A-Za-z0-9_])")
# A token with a digit in it is a number or code (card, receipt, slip numbers, `T1`, `A4`), never a word.
CODE = re.compile(r"[A-Za-z0-9_\-/.#]*\d[A-Za-z0-9_\-/.#]*")
# A prefixed reference (`dept:D-MBR-…`, `card:8800…`, `birthday:8800…:2026`) is an identifier, like a number.
REFERENCE = re.compile(r"(?<![A-Za-z0-9_])[a-z_][a-z_\-]*(?::[A-Za-z0-9_\-.]+)+")
# An e-mail address (a user's, a supplier's) is data typed as such, not words: it is read as one token.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
JSON_BLOB = re.compile(r"[{\[]\s*[\"'{\[]|\{\s*\}|\[\s*\]")
FLOAT_ARTEFACT = re.compile(r"(?<![\d.])\d+\.\d{5,}(?![\d.])|(?<![\w.])\d+(?:\.\d+)?e[-+]?\d+\b")
UTC_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\+00:?00|Z\b)|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\bUTC\b")


@dataclass
class Vocabulary:
    """What the database makes legitimate (demo values, user names) and what it makes suspect (choices)."""

    allowed: set[str] = field(default_factory=set)
    choices: dict[str, str] = field(default_factory=dict)  # raw value → "app.Model.field"

    @classmethod
    def from_database(cls) -> Vocabulary:
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.db import models

        vocab = cls(allowed=set(ALLOWED_WORDS))
        for model in apps.get_models():
            for f in model._meta.get_fields():
                if getattr(f, "choices", None) and getattr(f, "concrete", False):
                    for value, _label in f.flatchoices:
                        if isinstance(value, str) and len(value) >= 3 and re.fullmatch(r"[a-z][a-z_]*", value):
                            vocab.choices.setdefault(value, f"{model._meta.label}.{f.name}")
        # Stored text the store typed (names, brands, notes, gift names) may be English or pinyin.
        for model in apps.get_models():
            if model._meta.app_label in {"contenttypes", "sessions", "admin", "auth", "authtoken", "axes"}:
                continue
            text_fields = [f.name for f in model._meta.concrete_fields
                           if isinstance(f, models.CharField | models.TextField) and not f.choices]
            if not text_fields:
                continue
            for row in model._default_manager.values_list(*text_fields)[:2000]:
                for value in row:
                    if value:
                        vocab.allowed.update(WORD.findall(str(value)))
        for user in get_user_model().objects.all():
            vocab.allowed.update(WORD.findall(f"{user.username} {user.first_name} {user.last_name}"))
            vocab.allowed.add(user.username)
        # A choice value stays suspect even when some free-text field holds it too (a code copied into a
        # note is still a code); only a user's name ("cashier" is a demo user) passes.
        names = {user.username for user in get_user_model().objects.all()}
        vocab.allowed -= set(vocab.choices) - names
        return vocab


@dataclass(frozen=True)
class Finding:
    kind: str  # untranslated | raw_choice | json | float | utc
    token: str
    url: str
    context: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.token!r} on {self.url}: …{self.context}…"


def check_strings(strings: list[str], *, url: str, vocab: Vocabulary, chinese: bool) -> list[Finding]:
    found = []
    for text in strings:
        ctx = text[:120]
        for rx, kind in ((JSON_BLOB, "json"), (FLOAT_ARTEFACT, "float"), (UTC_TIME, "utc")):
            for m in rx.finditer(text):
                found.append(Finding(kind, m.group(), url, ctx))
        stripped = RULE_ID.sub(" ", EMAIL.sub(" ", text))
        stripped = REFERENCE.sub(lambda m: " " if re.search(r"\d", m.group()) else m.group(), stripped)
        stripped = CODE.sub(" ", stripped)
        for word in WORD.findall(stripped):
            if word in vocab.choices and word not in vocab.allowed:
                found.append(Finding("raw_choice", word, url, ctx))
            elif "_" in word and word not in vocab.allowed:
                found.append(Finding("raw_choice", word, url, ctx))  # a snake_case code is never a word
            elif chinese and len(word) >= 2 and word not in vocab.allowed and word.upper() not in vocab.allowed:
                found.append(Finding("untranslated", word, url, ctx))
    return found


# --- the crawl ---------------------------------------------------------------------------------------

SKIP_URL_NAMES = {"logout", "set_language", "jsi18n", "view_on_site", "autocomplete"}
SKIP_URL_SUFFIXES = ("_delete",)  # a delete confirmation is Django's own page; followed once via links below
PER_NAME = 3  # distinct URLs visited per URL name (one changelist filter, one object, …)


@dataclass
class CrawlResult:
    pages: int = 0
    pdfs: int = 0
    findings: list[Finding] = field(default_factory=list)
    visited: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # URL name → 200 responses
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # URL name → time spent


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def seed_urls() -> list[str]:
    """Index, every changelist and add page, the change page of the first and last object of every model,
    every custom admin view that takes no argument."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    urls = [reverse("admin:index"), reverse("admin:index") + "?all=1", reverse("admin:password_change")]
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        manager = model._default_manager
        pks = {pk for pk in (manager.order_by("pk").values_list("pk", flat=True).first(),
                             manager.order_by("-pk").values_list("pk", flat=True).first()) if pk is not None}
        wanted = [("changelist", []), ("add", [])] + [("change", [pk]) for pk in sorted(pks)]
        for view, args in wanted:
            try:  # an admin may drop a view (a report behind a proxy model has no add or change page)
                urls.append(reverse("admin:%s_%s_%s" % (*info, view), args=args))
            except NoReverseMatch:
                continue
    for name in _admin_names_without_args():
        try:
            urls.append(reverse(f"admin:{name}"))
        except NoReverseMatch:
            continue
    return list(dict.fromkeys(urls))


def _admin_names_without_args() -> list[str]:
    from django.contrib import admin
    from django.urls import URLPattern, URLResolver

    def walk(patterns, has_args=False):
        for p in patterns:
            args = has_args or p.pattern.regex.groups > 0
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, args)
            elif isinstance(p, URLPattern) and p.name and not args:
                yield p.name

    return [n for n in dict.fromkeys(walk(admin.site.get_urls()))
            if n not in SKIP_URL_NAMES and not n.endswith(SKIP_URL_SUFFIXES)]


HREF = re.compile(r"""(?:href|src|data-url|action)=["']([^"'#]+)""")


def _links(html: str) -> list[str]:
    return [h for h in HREF.findall(html) if h.startswith("/") and not h.startswith(("/static/", "/media/", "/api/"))]


def crawl(client, *, vocab: Vocabulary, chinese: bool, seeds: list[str] | None = None,
          follow: bool = True, per_name: int = PER_NAME, skip_suffixes: tuple[str, ...] = (),
          keep: frozenset[str] = frozenset()) -> CrawlResult:
    """GET every seed, then (follow=True) every same-site link found, at most `per_name` URLs per URL name;
    a changelist's sort / filter / page links count as its own name, so at most a few of them are read."""
    import html as html_lib

    result = CrawlResult()
    queue = deque(seeds if seeds is not None else seed_urls())
    seen: set[str] = set()
    per: dict[str, int] = defaultdict(int)
    while queue:
        url = html_lib.unescape(queue.popleft())
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        name = _url_name(path)
        if name is None or name.split(":")[-1] in SKIP_URL_NAMES or "/logout" in path or path.startswith("/i18n"):
            continue
        if skip_suffixes and name.endswith(skip_suffixes) and name not in keep:
            continue
        key = name + ("?" if urlsplit(url).query else "")
        if per[key] >= per_name:
            continue
        per[key] += 1
        started = time.monotonic()
        response = client.get(url)
        result.seconds[name] += time.monotonic() - started
        if response.status_code >= 500:
            result.errors.append(f"{response.status_code} on {url}")
            continue
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        if "pdf" in kind:
            result.pdfs += 1
            result.visited[name] += 1
            result.findings += check_strings(pdf_text(b"".join(response) if response.streaming else response.content),
                                             url=url, vocab=vocab, chinese=chinese)
            continue
        if "html" not in kind:
            continue
        result.pages += 1
        result.visited[name] += 1
        html = response.content.decode()
        result.findings += check_strings(visible_text(html), url=url, vocab=vocab, chinese=chinese)
        if follow:
            queue.extend(_links(html))
    return result
