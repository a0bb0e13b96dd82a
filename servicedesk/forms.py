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
