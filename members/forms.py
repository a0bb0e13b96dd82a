"""Crispy forms of the members counter pages (Member 360 actions, enrolment, finance exports)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import IdType, QualificationKind, ReplaceReason, Tier, Wallet
from .models import validate_birthday


def _helper(label: str, name: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit(name, label))
    return helper


class VoucherForm(forms.Form):
    points = forms.IntegerField(label=_("Market points to exchange (R-RBT-2)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Issue voucher"), "voucher")


class RedeemForm(forms.Form):
    points = forms.IntegerField(label=_("Dept points for a gift (R-RBT-3)"), min_value=1)
    reference = forms.CharField(label=_("Gift event"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Redeem"), "redeem")


class AdjustForm(forms.Form):
    wallet = forms.ChoiceField(label=_("Wallet"), choices=Wallet.choices)
    points = forms.IntegerField(label=_("Points (+/−)"), required=False, initial=0)
    amount = forms.DecimalField(label=_("Stored value (+/−)"), required=False, max_digits=12, decimal_places=2, initial=0)
    reason = forms.CharField(label=_("Written reason (R-PTS-4)"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Adjust"), "adjust")


class ReplaceForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReplaceReason.choices)
    id_number = forms.CharField(label=_("Document number shown (R-CARD-1)"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Replace card"), "replace")


class EnrolForm(forms.Form):
    kind = forms.ChoiceField(label=_("Qualification"), choices=QualificationKind.choices)
    receipts = forms.CharField(
        label=_("Qualifying receipts"), required=False, widget=forms.Textarea(attrs={"rows": 3, "id": "id_receipts"}),
        help_text=_("Scan or type one receipt number per line (D… department store, M… supermarket)."),
    )
    legacy_card_number = forms.CharField(label=_("Old supermarket card (R-VIP-5)"), max_length=32, required=False)
    tier = forms.ChoiceField(label=_("Card"), choices=Tier.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11)
    address = forms.CharField(label=_("Mailing address"), max_length=300)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               validators=[validate_birthday])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Issue card"), "enrol")

    def receipt_keys(self) -> list[tuple[str, str]]:
        return parse_receipt_keys(self.cleaned_data.get("receipts", ""))


def parse_receipt_keys(text: str) -> list[tuple[str, str]]:
    """'D20261123-000123' or 'market M…' per line → (side, number); the prefix M means supermarket."""
    keys = []
    for raw in (text or "").replace(",", "\n").splitlines():
        parts = raw.split()
        if not parts:
            continue
        if len(parts) == 2 and parts[0] in ("dept", "market"):
            keys.append((parts[0], parts[1]))
        else:
            keys.append(("market" if parts[0].upper().startswith("M") else "dept", parts[0]))
    return keys


class ExportForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7,
                            initial=lambda: timezone.localdate().strftime("%Y-%m"))
    ledger = forms.ChoiceField(label=_("Ledger"), choices=[("points", _("Points ledger")),
                                                          ("stored_value", _("Stored-value ledger"))])
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])

    def clean_month(self):
        value = self.cleaned_data["month"]
        try:
            year, mon = (int(x) for x in value.split("-"))
            assert 1 <= mon <= 12 and 2000 <= year <= 2100
        except (ValueError, AssertionError) as exc:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from exc
        return f"{year:04d}-{mon:02d}"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Export"), "export")
