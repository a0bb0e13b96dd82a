"""The points panel on the receipt's admin page (registered through servicedesk.extensions.admin_inlines,
so the receipts app shows it without knowing members)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.admin_tools import ReadOnlyAdminMixin

from .choices import PointsBasis
from .models import ReceiptPoints


class ReceiptPointsInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = ReceiptPoints
    extra = 0
    fields = ["card", "wallet", "points", "birthday_multiplier", "policy", "explanation_table"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Points earned (R-PTS-1..5)")

    @admin.display(description=gettext_lazy("explanation"))
    def explanation_table(self, obj):
        lines = (obj.explanation or {}).get("lines", [])
        if not lines:
            return "—"
        bases = dict(PointsBasis.choices)  # the basis in words (按品类), not its code (issue 15)
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((ln["line_no"], ln["amount"], bases.get(ln["basis"], ln["basis"]), ln["rule"],
              ln.get("yuan_per_point") or "—", ln.get("multiplier"), ln.get("promotion") or "") for ln in lines),
        )
        groups = "; ".join(f"{g['amount']} ÷ {g['yuan_per_point']} × {g['multiplier']} = {g['points']}"
                           for g in obj.explanation.get("groups", []))
        return format_html(
            '<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>'
            "<p>{}: {} × {} ({}) = {}</p>",
            _("line"), _("amount"), _("basis"), _("rule"), _("yuan/pt"), _("multiplier"), _("promotion"), rows,
            _("groups"), groups or "—", obj.birthday_multiplier, _("birthday"), obj.points,
        )
