"""Crispy forms of the gifts counter pages: input shape only; the services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from receipts.choices import Side

from .choices import StocktakePeriod
from .models import GiftItem


def _helper(label: str, name: str = "submit", *, form_tag: bool = True, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.form_method = method
    helper.add_input(Submit(name, label))
    return helper


def _items():
    return forms.ModelChoiceField(label=_("Gift item"), queryset=GiftItem.objects.order_by("code"), to_field_name="code")


class ScanForm(forms.Form):
    """Scan first: a till receipt number or a pickup voucher serial."""

    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, initial=Side.DEPT)
    code = forms.CharField(label=_("Receipt number or voucher serial"), max_length=40,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Look up"), method="get")


class ReceiveForm(forms.Form):
    item = _items()
    quantity = forms.IntegerField(label=_("Quantity counted"), min_value=1, max_value=1_000_000)
    note_number = forms.CharField(label=_("Delivery note number"), max_length=40)
    delivered_by = forms.CharField(label=_("Delivered by (department and name)"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Counted together: receive"))


class BirthdayForm(forms.Form):
    card_number = forms.CharField(label=_("Member card"), max_length=32,
                                  widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    id_number = forms.CharField(label=_("The holder's ID number"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    item = _items()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Give the birthday gift"))


class StocktakeForm(forms.Form):
    item = _items()
    counted = forms.IntegerField(label=_("Units counted"), min_value=0, max_value=10_000_000)
    period = forms.ChoiceField(label=_("Count"), choices=StocktakePeriod.choices, initial=StocktakePeriod.DAILY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the count"))


class ExplainForm(forms.Form):
    explanation = forms.CharField(label=_("Explanation (posts the adjustment)"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Explain and adjust"))


class VouchersForm(forms.Form):
    count = forms.IntegerField(label=_("Vouchers to print"), min_value=1, max_value=1000, initial=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Print vouchers"))


class ExportForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7,
                            initial=lambda: timezone.localdate().strftime("%Y-%m"))
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Export"), method="get")

    def clean_month(self):
        value = self.cleaned_data["month"]
        try:
            year, mon = (int(x) for x in value.split("-"))
            if not (1 <= mon <= 12 and 2000 <= year <= 2100):
                raise ValueError
        except ValueError as exc:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from exc
        return f"{year:04d}-{mon:02d}"
