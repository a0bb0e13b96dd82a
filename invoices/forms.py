"""Forms of the invoice counter pages: the input's shape only; the rules are in services."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from receipts.choices import Side
from receipts.models import Receipt

SIDES = ("dept", "market")


def side_words() -> dict[str, str]:
    """What the clerk may write before a number shared by both sides, lower-cased → the side: the side's
    name in either language (超市 / 百货, Supermarket / Department store) and the codes the tills print
    (market / dept, which keep working)."""
    words = {side: side for side in SIDES}
    for side in SIDES:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words[str(Side(side).label).lower()] = side
    return words


def split_side(line: str) -> tuple[str | None, str]:
    """`超市 12345`, `超市12345`, `Supermarket: 12345`, `market 12345` → ("market", "12345"); a bare number →
    (None, number). An ASCII word needs a space or colon after it (a number may start with letters)."""
    lowered = line.lower()
    for word, side in sorted(side_words().items(), key=lambda item: -len(item[0])):
        if not lowered.startswith(word):
            continue
        rest = line[len(word):]
        number = rest.lstrip(" \t:：")
        if number and (len(number) < len(rest) or not word.isascii()):
            return side, number.strip()
    return None, line


class InvoiceCounterForm(forms.Form):
    receipts = forms.CharField(
        label=_("Receipts"), widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        help_text=_("Scan one receipt number a line. When the same number exists in the supermarket and the "
                    "department store, write the side before it: “Supermarket 12345” or “Department store 12345”."))
    buyer = forms.CharField(label=_("Buyer (抬头)"), max_length=200)
    tax_id = forms.CharField(label=_("Taxpayer ID"), max_length=30, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0, required=False,
                                help_text=_("Empty: everything not yet invoiced on these receipts, net of refunds."))
    book = forms.CharField(label=_("Book"), max_length=40, required=False,
                           help_text=_("Empty: the open book with the lowest first number."))

    def clean_receipts(self) -> list[tuple[str, str]]:
        refs = []
        for raw in self.cleaned_data["receipts"].splitlines():
            if not raw.strip():
                continue
            side, number = split_side(raw.strip())
            if side:
                refs.append((side, number))
                continue
            sides = list(Receipt.objects.filter(side__in=SIDES, number=number).values_list("side", flat=True)[:2])
            if len(sides) != 1:
                raise forms.ValidationError(
                    _("Receipt %(number)s: not found, or in both the supermarket and the department store "
                      "(write Supermarket or Department store before it).") % {"number": number})
            refs.append((sides[0], number))
        if not refs:
            raise forms.ValidationError(_("Scan at least one receipt."))
        return refs


class BookReceiveForm(forms.Form):
    code = forms.CharField(label=_("Book code"), max_length=40)
    first_number = forms.CharField(label=_("First number"), max_length=20,
                                   validators=[RegexValidator(r"^[0-9]+$", _("Digits only."))])
    count = forms.IntegerField(label=_("Numbers in the book"), min_value=1, max_value=100_000, initial=50)
    face_limit = forms.DecimalField(label=_("Face-value limit"), max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BookRangeForm(forms.Form):
    first_number = forms.CharField(label=_("First number"), max_length=20,
                                   validators=[RegexValidator(r"^[0-9]+$", _("Digits only."))])
    count = forms.IntegerField(label=_("Numbers in the book"), min_value=1, max_value=100_000)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class LossReportForm(forms.Form):
    book = forms.CharField(label=_("Book"), max_length=40)
    numbers = forms.CharField(label=_("Lost numbers"), widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Separated by spaces, commas or lines; a run as 04400007-04400010."))
    reason = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    stub_copy = forms.FileField(label=_("Counter stub copy"), required=False,
                                help_text=_("For issued invoices: a scan of the counter stub."))

    def clean_numbers(self) -> list[str]:
        out = []
        for token in re.split(r"[\s,，;；]+", self.cleaned_data["numbers"].strip()):
            if not token:
                continue
            if "-" in token:
                first, _sep, last = token.partition("-")
                if not (first.isdigit() and last.isdigit()) or int(last) < int(first) or int(last) - int(first) > 999:
                    raise forms.ValidationError(_("%(run)s is not a run of numbers.") % {"run": token})
                out.extend(f"{v:0{len(first)}d}" for v in range(int(first), int(last) + 1))
            else:
                out.append(token)
        if not out:
            raise forms.ValidationError(_("List the lost numbers."))
        return out


class NoticeForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=forms.DateInput(attrs={"type": "date"}))
    publication = forms.CharField(label=_("Published in"), max_length=200)


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
                             widget=forms.TextInput(attrs={"type": "month"}))
