from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Shift


def current_shift(now=None) -> str:
    """The shift a clerk is on: early until 14:00 store time, late after (a default they can change)."""
    local = timezone.localtime(now)
    return Shift.EARLY if local.hour < 14 else Shift.LATE


class HandoverWriteForm(forms.Form):
    shift_date = forms.DateField(label=_("Shift date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices)
    notes = forms.CharField(label=_("Notes for the next shift"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    new_items = forms.CharField(
        label=_("New open items"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item per line. Open items carry over until someone closes them."),
    )
    close_items = forms.MultipleChoiceField(
        label=_("Close these open items"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, open_items=(), **kwargs):
        kwargs.setdefault("initial", {"shift_date": timezone.localdate(), "shift": current_shift()})
        super().__init__(*args, **kwargs)
        self.fields["close_items"].choices = [(str(item.pk), item.text) for item in open_items]
        if not open_items:
            del self.fields["close_items"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("shift_date", css_class="col-md-3"), Column("shift", css_class="col-md-3")),
            "notes",
            "new_items",
            *(["close_items"] if open_items else []),
            Submit("write", _("Write handover entry")),
        )

    def new_item_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("new_items", "").splitlines() if line.strip()]

    def closed_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("close_items", [])]


class KeyedNumbersWidget(forms.MultiWidget):
    """One labelled number box per key (a category): a `{key: number}` policy value edited as a small grid of
    words and numbers, never typed as JSON (issue 15). An empty box leaves the key out."""

    template_name = "servicedesk/widgets/keyed_numbers.html"

    def __init__(self, choices, attrs=None):
        self.choices = list(choices)
        boxes = [forms.NumberInput(attrs={"min": 0, "step": 1, "class": "desk-keyed-number"}) for _choice in self.choices]
        super().__init__(boxes, attrs)

    def decompress(self, value):
        if isinstance(value, str):  # a bound JSON value (the model form's initial data)
            import json

            try:
                value = json.loads(value)
            except ValueError:
                value = {}
        value = value if isinstance(value, dict) else {}
        return [value.get(key) for key, _label in self.choices]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, (_key, label) in zip(context["widget"]["subwidgets"], self.choices, strict=True):
            sub["label"] = label
        return context


class KeyedNumbersField(forms.MultiValueField):
    """`{key: whole number}` from one box per choice; the keys left empty are left out."""

    def __init__(self, *, choices, min_value=0, **kwargs):
        choices = list(choices)
        self.keys = [key for key, _label in choices]
        fields = [forms.IntegerField(min_value=min_value, required=False, label=label) for _key, label in choices]
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, require_all_fields=False, widget=KeyedNumbersWidget(choices), **kwargs)

    def compress(self, data_list):
        return {key: value for key, value in zip(self.keys, data_list or [], strict=False) if value is not None}


class ChecklistField(forms.MultipleChoiceField):
    """A list of codes chosen by their names (checkboxes), kept in the choices' order: a JSON list of codes in a
    policy edited without typing JSON (issue 15)."""

    def __init__(self, *, choices, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "desk-checklist"}))
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):  # a bound JSON value
            import json

            try:
                value = json.loads(value)
            except ValueError:
                value = []
        return list(value or []) if isinstance(value, list | tuple) else []

    def clean(self, value):
        chosen = set(super().clean(value))
        return [code for code, _label in self.choices if code in chosen]
