"""Counter forms of the desk services: input shape only; the rules are in desk.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import LostKind


class LendForm(forms.Form):
    umbrella = forms.CharField(label=_("Umbrella"), max_length=20)
    customer_name = forms.CharField(label=_("Customer name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    deposit = forms.DecimalField(label=_("Deposit"), max_digits=9, decimal_places=2, min_value=0, required=False,
                                 help_text=_("Empty: the policy's deposit."))


class TagForm(forms.Form):
    tag = forms.CharField(label=_("Umbrella"), max_length=20)


class BagForm(forms.Form):
    tag = forms.CharField(label=_("Tag number"), max_length=20)


class LostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LostKind.choices)
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("For a child: age, clothes, name if known. Read out on the PA."))
    found_where = forms.CharField(label=_("Where"), max_length=200)
    found_by = forms.CharField(label=_("Found / reported by"), max_length=100, required=False)
    holding_place = forms.CharField(label=_("Holding place"), max_length=100, required=False)
    announce = forms.BooleanField(label=_("Announce on the PA now"), required=False, initial=True)


class ClaimForm(forms.Form):
    claimant_name = forms.CharField(label=_("Claimant"), max_length=100)
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=30)


class DisposeForm(forms.Form):
    disposal = forms.CharField(label=_("How it was disposed of"), max_length=300)


class IssueForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Free item"), queryset=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)

    def __init__(self, *args, **kwargs):
        from .models import SupplyItem

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = SupplyItem.objects.filter(active=True).order_by("kind", "code")


class WrapForm(forms.Form):
    card_number = forms.CharField(label=_("Card number"), max_length=32)
    items = forms.IntegerField(label=_("Parcels"), min_value=1, max_value=100, initial=1)


class CountForm(forms.Form):
    counted = forms.DecimalField(label=_("Deposit cash counted"), max_digits=9, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
