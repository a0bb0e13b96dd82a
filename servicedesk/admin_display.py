"""Read-only values in the admin read as words (issue 15, "Words, not codes"): a JSON field (an event's
details, a receipt's explanation) is shown as `label: value · label: value`, never as `{"status": "queued"}`;
a stored choice code inside it shows its label; yes/no instead of true/false.

Installed once from ServicedeskConfig.ready() in place of the admin's `display_for_field` (the read-only
field of a change page and a changelist cell both call it), so every app's JSON fields read the same way."""

from functools import cache

from django.contrib.admin import helpers
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# Keys of the apps' event details and explanations (context "event details": "count", "item" mean other
# things elsewhere); any other key is looked up as its own words.
KEY_LABELS = {
    "carried_items": pgettext_lazy("event details", "items carried over"),
    "closed_items": pgettext_lazy("event details", "items closed"),
    "new_items": pgettext_lazy("event details", "new items"),
    "count": pgettext_lazy("event details", "count"),
    "first": pgettext_lazy("event details", "first"),
    "last": pgettext_lazy("event details", "last"),
    "expected": pgettext_lazy("event details", "expected"),
    "counted": pgettext_lazy("event details", "counted"),
    "variance": pgettext_lazy("event details", "variance"),
    "first_number": pgettext_lazy("event details", "first number"),
    "last_number": pgettext_lazy("event details", "last number"),
    "face_limit": pgettext_lazy("event details", "face limit"),
    "received_by": pgettext_lazy("event details", "received by"),
    "numbers": pgettext_lazy("event details", "numbers"),
    "blank": pgettext_lazy("event details", "blank"),
    "notice_due": pgettext_lazy("event details", "notice due"),
    "qualifies": pgettext_lazy("event details", "qualifies"),
    "spend": pgettext_lazy("event details", "spend"),
    "min_spend": pgettext_lazy("event details", "minimum spend"),
    "shortfall": pgettext_lazy("event details", "shortfall"),
    "counted_lines": pgettext_lazy("event details", "lines counted"),
    "ignored_lines": pgettext_lazy("event details", "lines not counted"),
    "line_no": pgettext_lazy("event details", "line"),
    "priority": pgettext_lazy("event details", "priority"),
    "source_ref": pgettext_lazy("event details", "source"),
    "notified": pgettext_lazy("event details", "notified"),
    "item": pgettext_lazy("event details", "item"),
    "ok": pgettext_lazy("event details", "ok"),
}

_base_display_for_field = admin_utils.display_for_field


@cache
def _choice_labels() -> dict[str, object]:
    """Every stored choice code of the desk's models → its (lazy) label; the first model to define a code wins."""
    from django.apps import apps

    labels: dict[str, object] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            for value, label in field.flatchoices if field.choices else ():
                if isinstance(value, str) and value:
                    labels.setdefault(value, label)
    return labels


def _key(key) -> str:
    label = KEY_LABELS.get(key) or _choice_labels().get(key)  # a dict keyed by categories: their labels
    return str(label or _(str(key).replace("_", " ")))


def readable(value) -> str:
    """A JSON value as words: dicts as `label: value`, lists joined, codes as their labels."""
    if isinstance(value, dict):
        return " · ".join(f"{_key(key)}: {readable(item)}" for key, item in value.items()) or "—"
    if isinstance(value, list | tuple):
        return "、".join(readable(item) for item in value) or "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        side, sep, rest = value.partition(":")  # "dept:D-…" receipt keys, "card:8800…" references
        if sep and side in _choice_labels() and rest:
            return f"{_choice_labels()[side]} {rest}"
        return str(_choice_labels().get(value, value))
    return str(value)


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if isinstance(field, models.JSONField) and value not in (None, ""):
        return readable(value)
    return _base_display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def install() -> None:
    helpers.display_for_field = display_for_field
    admin_list.display_for_field = display_for_field


def _history_helper_class():
    from simple_history.models import DeletedObject
    from simple_history.template_utils import HistoricalRecordContextHelper

    class WordsHistoryHelper(HistoricalRecordContextHelper):
        """A record's history page names what changed in words (issue 15): each old and new value as the admin
        shows it — a choice's label, a time in store time, yes/no, JSON as words — never the stored code,
        `None` or a UTC timestamp (django-simple-history prints the raw values)."""

        def prepare_delta_change_value(self, change, value):
            value = super().prepare_delta_change_value(change, value)
            field = self.model._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey | models.ManyToManyField):
                # the related objects, named as they print; no object (simple-history's pk=None) → "—"
                return "—" if value is None or isinstance(value, DeletedObject) and value.pk is None else value
            return display_for_field(value, field, "—")

    return WordsHistoryHelper


def install_history_words() -> None:
    from simple_history.admin import SimpleHistoryAdmin

    helper = _history_helper_class()
    SimpleHistoryAdmin.get_historical_record_context_helper = (
        lambda self, request, historical_record: helper(self.model, historical_record))
