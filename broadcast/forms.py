"""Forms of the booth's counter pages: input shape only; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules, selectors
from .choices import InsertKind, LogKind
from .models import Promotion


class RaiseInsertForm(forms.Form):
    """R-BC-4: one step at the desk — the kind, what to say about it, a reference."""

    kind = forms.ChoiceField(label=_("Kind"), choices=InsertKind.choices, widget=forms.RadioSelect,
                             initial=InsertKind.LOST_CHILD)
    details = forms.CharField(label=_("Details"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Filled into the approved template, e.g. a boy of about five in a red coat."))
    source_ref = forms.CharField(label=_("Reference"), required=False, max_length=80,
                                 help_text=_("E.g. a lost-property number."))


class AirItemForm(forms.Form):
    kind = forms.ChoiceField(choices=[(LogKind.FIXED, ""), (LogKind.MOMENT, ""), (LogKind.PROMOTION, "")])
    title = forms.CharField(max_length=200)
    planned_at = forms.TimeField(input_formats=["%H:%M"])


class RejectScriptForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=300)


class PromotionAdminForm(forms.ModelForm):
    """R-BC-2 / R-BC-5 checked before the row is written (the admin's add page)."""

    class Meta:
        model = Promotion
        fields = ["title", "script", "starts_at", "ends_at", "every_minutes", "active"]

    def clean(self):
        data = super().clean()
        script, starts, ends, every = (data.get("script"), data.get("starts_at"), data.get("ends_at"),
                                       data.get("every_minutes"))
        if script is not None and not script.is_approved:
            self.add_error("script", _("Only an approved script can be scheduled (R-BC-5)."))
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if starts and every:
            policy = selectors.broadcast_policy_in_force(on=timezone.localdate(starts, selectors.store_tz())).facts()
            if rules.every_minutes_refusal(every_minutes=every, policy=policy):
                self.add_error("every_minutes", _("Promotions repeat every %(low)s to %(high)s minutes (R-BC-2).")
                               % {"low": policy.every_min, "high": policy.every_max})
        return data
