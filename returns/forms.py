from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row, Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from receipts.choices import Category, Side
from servicedesk.forms import ChecklistField, KeyedNumbersField

from .choices import ReturnKind, ReturnReason
from .models import ReturnPolicy


class ReceiptLookupForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    number = forms.CharField(label=_("Receipt number"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Row(Column("side", css_class="col-md-3"), Column("number", css_class="col-md-4")),
                                    Submit("lookup", _("Look up receipt"), css_class="btn-secondary"))


class ReturnCounterForm(forms.Form):
    """The return application (顾客退换货申请表) for one receipt: pieces per line, reason and condition."""

    side = forms.CharField(widget=forms.HiddenInput)
    number = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Refund or exchange"), choices=ReturnKind.choices, initial=ReturnKind.REFUND)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices)
    tags_intact = forms.BooleanField(label=_("Tags intact"), required=False, initial=True)
    unused = forms.BooleanField(label=_("Unused, clean, undamaged, resaleable"), required=False, initial=True)
    opened = forms.BooleanField(label=_("Opened (cosmetics)"), required=False)
    altered = forms.BooleanField(label=_("Altered garment"), required=False)
    clearance = forms.BooleanField(label=_("Sold as clearance"), required=False)
    sales_slip = forms.BooleanField(label=_("Customer copy of the sales slip presented"), required=False, initial=True)
    quality_report_ref = forms.CharField(label=_("Quality-inspection report"), max_length=80, required=False,
                                         help_text=_("R-RET-4: needed for quality returns above the high-value price."))
    current_unit_price = forms.DecimalField(label=_("Current unit price"), max_digits=12, decimal_places=2,
                                            min_value=0, required=False,
                                            help_text=_("R-RET-8: needed when the purchase is older than the "
                                                        "price-change days."))
    responsible_counter = forms.CharField(label=_("Responsible counter"), max_length=40, required=False,
                                          help_text=_("R-RET-9: for misleading tags or advice (default: the line's counter)."))
    responsible_salesperson = forms.CharField(label=_("Responsible salesperson"), max_length=80, required=False)

    def __init__(self, *args, receipt, returned: dict[int, int], **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].update({"side": receipt.side, "number": receipt.number})
        super().__init__(*args, **kwargs)
        self.receipt_lines = list(receipt.lines.all())
        qty_fields = []
        for line in self.receipt_lines:
            left = line.quantity - returned.get(line.line_no, 0)
            name = f"qty_{line.line_no}"
            self.fields[name] = forms.IntegerField(
                label=f"#{line.line_no} {line.description or line.sku} ({line.unit_price} × {line.quantity})",
                min_value=0, max_value=left, initial=0, required=False,
                help_text=_("%(left)s still returnable") % {"left": left},
                widget=forms.NumberInput(attrs={"data-line": line.line_no}))
            qty_fields.append(name)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "side", "number",
            Div(*qty_fields, css_class="desk-card"),
            Row(Column("kind", css_class="col-md-3"), Column("reason", css_class="col-md-4")),
            Row(Column("tags_intact"), Column("unused"), Column("opened")),
            Row(Column("altered"), Column("clearance"), Column("sales_slip")),
            Row(Column("quality_report_ref", css_class="col-md-4"), Column("current_unit_price", css_class="col-md-4")),
            Row(Column("responsible_counter", css_class="col-md-4"),
                Column("responsible_salesperson", css_class="col-md-4")),
            Submit("create", _("Create the return slip")),
        )

    def clean(self):
        data = super().clean()
        if not self.chosen_lines():
            raise forms.ValidationError(_("Choose at least one piece to return."))
        return data

    def chosen_lines(self) -> list[dict]:
        return [{"line_no": line.line_no, "quantity": self.cleaned_data[f"qty_{line.line_no}"]}
                for line in self.receipt_lines if self.cleaned_data.get(f"qty_{line.line_no}")]

    def condition(self) -> dict:
        d = self.cleaned_data
        return {"tags_intact": d["tags_intact"], "unused": d["unused"], "clean": d["unused"], "opened": d["opened"],
                "altered": d["altered"], "clearance": d["clearance"], "sales_slip": d["sales_slip"]}


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=300)


class ReturnPolicyForm(forms.ModelForm):
    """A return-policy version with its category rules as fields (R-RET-3/5/6/7): one day box per category,
    checkboxes for the excluded ones; the stored JSON keeps its shape (`{"clothing": 15}`, `["fur"]`)."""

    change_of_mind_days = KeyedNumbersField(choices=Category.choices)
    quality_days = KeyedNumbersField(choices=Category.choices)
    excluded_categories = ChecklistField(choices=Category.choices)
    opened_excluded_categories = ChecklistField(choices=Category.choices)

    class Meta:
        model = ReturnPolicy
        fields = ["effective_from", "change_of_mind_days", "quality_days", "excluded_categories",
                  "opened_excluded_categories", "high_value_unit_price", "price_change_days", "approval_threshold",
                  "point_cash_value_dept", "point_cash_value_market", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("change_of_mind_days", "quality_days", "excluded_categories", "opened_excluded_categories"):
            model_field = ReturnPolicy._meta.get_field(name)
            self.fields[name].label = capfirst(model_field.verbose_name)
            self.fields[name].help_text = model_field.help_text
