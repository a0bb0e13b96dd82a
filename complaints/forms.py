"""Counter-page forms of the complaints desk (crispy). They shape input; services do the work."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from receipts.models import Receipt

from .choices import Channel, ComplaintType, DissatisfiedOutcome, Satisfaction, Temperament
from .models import Department


def _helper(*layout, submit: str | None = None, name: str = "submit") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout, *([Submit(name, submit)] if submit else []))
    return helper


class ComplaintRecordFields(forms.Form):
    """The record form's fields (R-CMP-1), shared by the intake page and the ticket page's record step."""

    phone = forms.CharField(label=_("Contact phone"), max_length=30)
    customer_name = forms.CharField(label=_("Customer name"), max_length=100)
    type = forms.ChoiceField(label=_("Type"), choices=ComplaintType.choices)
    cause = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.CharField(label=_("Customer's request"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    specialist_opinion = forms.CharField(label=_("Specialist's opinion"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    serious = forms.BooleanField(label=_("Serious"), required=False)
    consumer_association = forms.BooleanField(label=_("Consumer association / regulator involved"), required=False)
    product_safety = forms.BooleanField(label=_("Product safety"), required=False)
    temperament = forms.ChoiceField(label=_("Temperament"), choices=Temperament.choices, required=False)
    card_number = forms.CharField(label=_("Member card number"), max_length=32, required=False)


def _flags_row():
    return Row(Column("serious", css_class="col-md-4"), Column("consumer_association", css_class="col-md-4"),
               Column("product_safety", css_class="col-md-4"))


class IntakeForm(ComplaintRecordFields):
    """Phone intake while talking: the four fields that matter first, the rest folded below."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    receipt_number = forms.CharField(label=_("Till receipt number"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["autofocus"] = True
        self.fields["type"].widget = forms.RadioSelect(choices=ComplaintType.choices)
        self.helper = _helper(
            Row(Column("phone", css_class="col-md-4"), Column("customer_name", css_class="col-md-4"),
                Column("channel", css_class="col-md-4")),
            "type", "cause",
            Fieldset(_("More (can wait until the call ends)"),
                     "request", "specialist_opinion", _flags_row(),
                     Row(Column("temperament", css_class="col-md-4"), Column("card_number", css_class="col-md-4"),
                         Column("receipt_number", css_class="col-md-4"))),
            Div(Submit("save", _("Record complaint")), Submit("save_new", _("Record and take the next"),
                                                               css_class="btn-secondary")),
        )

    def clean_receipt_number(self):
        number = self.cleaned_data.get("receipt_number", "").strip()
        if not number:
            return None
        receipt = Receipt.objects.filter(number=number).order_by("side").first()
        if receipt is None:
            raise forms.ValidationError(_("No till receipt with this number."))
        return receipt


class RecordForm(ComplaintRecordFields):
    """R-CMP-1: complete the record after the call (flags, temperament, request, opinion, card)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].widget.attrs["rows"] = 2
        self.helper = _helper(
            Row(Column("customer_name", css_class="col-md-4"), Column("phone", css_class="col-md-4"),
                Column("type", css_class="col-md-4")),
            "cause", "request", "specialist_opinion", _flags_row(),
            Row(Column("temperament", css_class="col-md-6"), Column("card_number", css_class="col-md-6")),
            submit=_("Save the record"), name="do_record",
        )


class RouteForm(forms.Form):
    """Shape only: the service checks the department (R-CMP-2), the reply (R-CMP-3) and its phrases (R-CMP-6)."""

    valid = forms.TypedChoiceField(label=_("Judgement"), choices=[("1", _("Valid: dispatch to a department")),
                                                                 ("0", _("Not valid: answer the customer and close"))],
                                   coerce=lambda v: v == "1", widget=forms.RadioSelect, initial="1")
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.none(), required=False)
    opinion = forms.CharField(label=_("Specialist's opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reply = forms.CharField(label=_("Reply to the customer"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3, "class": "reply-draft"}))
    confirm_flagged = forms.BooleanField(label=_("Send anyway despite flagged phrases"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(active=True).order_by("code")
        self.helper = _helper("valid", "department", "opinion", "reply", "confirm_flagged", submit=_("Route"), name="do_route")


class FeedbackForm(forms.Form):
    investigation = forms.CharField(label=_("Investigation"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Result of investigation"), widget=forms.Textarea(attrs={"rows": 2}))
    proposed_handling = forms.CharField(label=_("Proposed handling"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("investigation", "result", "proposed_handling", submit=_("Sign off and send for approval"),
                              name="do_feedback")


class ApproveForm(forms.Form):
    instruction = forms.CharField(label=_("Instruction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("instruction", Div(Submit("do_approve", _("Approve")),
                                                 Submit("do_send_back", _("Send back to the department"),
                                                        css_class="btn-secondary")))


class NotifyForm(forms.Form):
    reply = forms.CharField(label=_("What the customer is told"),
                            widget=forms.Textarea(attrs={"rows": 4, "class": "reply-draft"}))
    confirm_flagged = forms.BooleanField(label=_("Send anyway despite flagged phrases"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("reply", "confirm_flagged", submit=_("Customer notified"), name="do_notify")


class CarryOutForm(forms.Form):
    note = forms.CharField(label=_("How it was carried out"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("note", submit=_("Carried out"), name="do_carry_out")


class FollowUpForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Customer satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("If dissatisfied"), choices=[("", "—"), *DissatisfiedOutcome.choices], required=False)
    note = forms.CharField(label=_("Note of the call"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("satisfaction", "outcome", "note", submit=_("Record follow-up call"), name="do_followup")


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why it is reopened"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("note", submit=_("Reopen"), name="do_reopen")


class SupplierContactForm(forms.Form):
    supplier = forms.CharField(label=_("Supplier"), max_length=150)
    contact_person = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    goods_taken_back = forms.BooleanField(label=_("Goods taken back from the customer"), required=False)
    summary = forms.CharField(label=_("What was agreed"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("supplier", css_class="col-md-4"), Column("contact_person", css_class="col-md-4"),
                                  Column("contact_phone", css_class="col-md-4")),
                              "goods_taken_back", "summary", submit=_("Log supplier contact"), name="do_supplier")


class ReviewPeriodForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    week = forms.DateField(label=_("Week containing"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_month(self) -> tuple[int, int] | None:
        """'YYYY-MM' → (year, month); empty → None (the current month)."""
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(x) for x in value.split("-")[:2])
            dt.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Use YYYY-MM.")) from None
        return year, month
