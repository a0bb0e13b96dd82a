"""Returns and exchanges (domain-rules.md §3): the policy in force, the return slip (退换货申请表) with its
lines, the clawback rows written at refund, and the slip's audit events."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from receipts.choices import Category
from servicedesk.models import TimeStampedModel
from servicedesk.money import money_field
from servicedesk.timefmt import store_time

from .choices import (
    STORE_AT_FAULT_REASONS,
    ApprovalLevel,
    ReturnEventType,
    ReturnKind,
    ReturnReason,
    ReturnStatus,
)
from .rules import PolicyFacts

CATEGORY_CODES = {c.value for c in Category}


class ReturnPolicy(TimeStampedModel):
    """The return rules' numbers, effective-dated: the row with the latest `effective_from` not after
    the day of the return is in force. Edit by adding a new row; old slips keep pointing at theirs."""

    effective_from = models.DateField(_("effective from"), unique=True)
    change_of_mind_days = models.JSONField(
        _("change-of-mind windows (days)"),
        help_text=_("R-RET-5. The last day a change-of-mind return is accepted, per category (purchase day = day 0); "
                    "empty: no change-of-mind return."))
    quality_days = models.JSONField(
        _("quality windows (days)"),
        help_text=_("R-RET-6 toys, R-RET-7 shoes. The last day a quality problem is accepted, per category; empty: "
                    "no window of its own (the national warranty rules)."))
    excluded_categories = models.JSONField(
        _("excluded categories"), help_text=_("R-RET-3. No return without a quality problem."))
    opened_excluded_categories = models.JSONField(
        _("excluded once opened"), help_text=_("R-RET-3. Categories (cosmetics) excluded once opened."))
    high_value_unit_price = money_field(verbose_name=_("high-value unit price"),
                                        help_text=_("R-RET-4. Above this unit price only quality returns, with a report."))
    price_change_days = models.PositiveIntegerField(_("price-change days"),
                                                    help_text=_("R-RET-8. Refund at the price paid up to this day."))
    approval_threshold = money_field(verbose_name=_("approval threshold"),
                                     help_text=_("R-RET-11. Refund per slip up to this: department supervisor."))
    point_cash_value_dept = models.DecimalField(
        _("cash value of a dept point"), max_digits=8, decimal_places=4, default=Decimal("0.0100"),
        help_text=_("R-RET-13. Deducted from the refund per point already spent."))
    point_cash_value_market = models.DecimalField(
        _("cash value of a market point"), max_digits=8, decimal_places=4, default=Decimal("0.0400"),
        help_text=_("R-RET-13. Deducted from the refund per point already spent."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(high_value_unit_price__gt=0, approval_threshold__gte=0),
                                   name="return_policy_amounts"),
            models.CheckConstraint(condition=Q(point_cash_value_dept__gte=0, point_cash_value_market__gte=0),
                                   name="return_policy_point_values"),
        ]

    def __str__(self):
        return "%s %s" % (_("Return policy"), self.effective_from)

    def clean(self):
        errors = {}
        for name in ("change_of_mind_days", "quality_days"):
            value = getattr(self, name)
            if not isinstance(value, dict) or any(
                    k not in CATEGORY_CODES or not isinstance(v, int) or v < 0 for k, v in value.items()):
                errors[name] = _("A mapping of category code to a whole number of days.")
        for name in ("excluded_categories", "opened_excluded_categories"):
            value = getattr(self, name)
            if not isinstance(value, list) or any(k not in CATEGORY_CODES for k in value):
                errors[name] = _("A list of category codes.")
        if errors:
            raise ValidationError(errors)

    def facts(self) -> PolicyFacts:
        return PolicyFacts(
            change_of_mind_days=dict(self.change_of_mind_days),
            quality_days=dict(self.quality_days),
            excluded_categories=tuple(self.excluded_categories),
            opened_excluded_categories=tuple(self.opened_excluded_categories),
            high_value_unit_price=Decimal(self.high_value_unit_price),
            price_change_days=self.price_change_days,
            approval_threshold=Decimal(self.approval_threshold),
            point_cash_value={"dept": Decimal(self.point_cash_value_dept),
                              "market": Decimal(self.point_cash_value_market)},
            name=str(self),
        )


def _signature(by_label, at_label):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=by_label)
    return user, models.DateTimeField(at_label, null=True, blank=True)


class ReturnRequest(TimeStampedModel):
    """A return slip (顾客退换货申请表): filled at the desk, then signed step by step (R-RET-12)."""

    number = models.CharField(_("slip number"), max_length=20, unique=True)
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, related_name="returns",
                                verbose_name=_("receipt"))
    policy = models.ForeignKey(ReturnPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnKind.choices, default=ReturnKind.REFUND)
    reason = models.CharField(_("reason"), max_length=30, choices=ReturnReason.choices)
    condition = models.JSONField(_("condition of the goods"), default=dict, blank=True)
    quality_report_ref = models.CharField(_("quality report"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=ReturnStatus.choices,
                              default=ReturnStatus.AWAITING_COUNTER_CHECK)
    rules = models.JSONField(_("rules applied"), default=list)
    # The words as filled in (the creator's language); `findings` keeps what they say as data (rule, message
    # key, parameters; explain.findings_data) so every page and the PDF show them in the reader's language.
    explanation = models.TextField(_("explanation"), blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    refund_amount = money_field(verbose_name=_("goods refund"))
    clawback_amount = money_field(verbose_name=_("clawback"), default=Decimal("0.00"))
    points_reversed = models.PositiveIntegerField(_("points reversed"), default=0)
    approval_level = models.CharField(_("approval level"), max_length=20, choices=ApprovalLevel.choices)
    payment_method = models.CharField(_("refund by"), max_length=20, help_text=_("The receipt's payment method."))
    # R-RET-9: who is responsible when the store misled the customer.
    responsible_counter = models.CharField(_("responsible counter"), max_length=40, blank=True, db_index=True)
    responsible_salesperson = models.CharField(_("responsible salesperson"), max_length=80, blank=True)
    gifts_returned = models.BooleanField(
        _("gifts handed back"), default=False,
        help_text=_("The customer hands back the campaign gifts the return no longer qualifies for (R-RET-13)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("filled in by"))
    counter_checked_by, counter_checked_at = _signature(_("counter check by"), _("counter check at"))
    approved_by, approved_at = _signature(_("approved by"), _("approved at"))
    loss_prevention_by, loss_prevention_at = _signature(_("loss prevention by"), _("loss prevention at"))
    refunded_by, refunded_at = _signature(_("refunded by"), _("refunded at"))
    rejected_by, rejected_at = _signature(_("rejected by"), _("rejected at"))
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    # R-RET-8: who confirmed the current price, when one was given (none given: the price is taken as unchanged).
    price_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                           null=True, blank=True, verbose_name=_("current price confirmed by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return slip")
        verbose_name_plural = _("return slips")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("counter_check", _("Can check returned goods at the counter")),
            ("approve_return", _("Can approve a return up to the supervisor limit")),
            ("approve_over_limit", _("Can approve a return above the supervisor limit")),
            ("sign_loss_prevention", _("Can sign a return as loss prevention")),
            ("refund_return", _("Can pay a return's refund at the till")),
        ]
        indexes = [
            models.Index(fields=["status", "approval_level", "created_at"], name="return_queue"),
            models.Index(fields=["reason", "created_at"], name="return_by_reason"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(refund_amount__gte=0, clawback_amount__gte=0),
                                   name="return_amounts_not_negative"),
            models.CheckConstraint(condition=Q(clawback_amount__lte=models.F("refund_amount")),
                                   name="return_clawback_within_refund"),
            models.CheckConstraint(
                condition=~Q(reason__in=[r.value for r in STORE_AT_FAULT_REASONS]) | ~Q(responsible_counter=""),
                name="return_store_fault_has_responsible"),  # R-RET-9
            *[models.CheckConstraint(condition=Q(**{f"{s}_by__isnull": True, f"{s}_at__isnull": True})
                                     | Q(**{f"{s}_by__isnull": False, f"{s}_at__isnull": False}),
                                     name=f"return_{s}_signature_complete")
              for s in ("counter_checked", "approved", "loss_prevention", "refunded", "rejected")],
        ]

    def __str__(self):
        return self.number

    @property
    def net_refund(self) -> Decimal:
        return self.refund_amount - self.clawback_amount

    def signatures(self) -> list[tuple[str, object, object]]:
        """(step label, user, time) in chain order, for the slip and the admin."""
        rows = [(_("Filled in (desk)"), self.created_by, self.created_at),
                (_("Counter check"), self.counter_checked_by, self.counter_checked_at),
                (_("Approval"), self.approved_by, self.approved_at),
                (_("Loss prevention"), self.loss_prevention_by, self.loss_prevention_at),
                (_("Refund (cashier)"), self.refunded_by, self.refunded_at)]
        if self.rejected_at:
            rows.append((_("Rejected"), self.rejected_by, self.rejected_at))
        return rows


class ReturnLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines",
                                       verbose_name=_("return slip"))
    receipt_line = models.ForeignKey("receipts.ReceiptLine", on_delete=models.PROTECT, related_name="return_lines",
                                     verbose_name=_("receipt line"))
    quantity = models.PositiveIntegerField(_("quantity"))
    paid_unit_price = money_field(verbose_name=_("unit price paid"))
    refund_unit_price = money_field(verbose_name=_("refund unit price"))
    refund_amount = money_field(verbose_name=_("refund"))
    rules = models.JSONField(_("rules applied"), default=list)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["return_request_id", "receipt_line__line_no"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity"),
            models.CheckConstraint(condition=Q(refund_unit_price__lte=models.F("paid_unit_price")),
                                   name="return_line_never_above_paid"),  # R-RET-8
            models.UniqueConstraint(fields=["return_request", "receipt_line"], name="return_line_once_per_slip"),
        ]

    def __str__(self):
        return f"{self.return_request_id} #{self.receipt_line_id} × {self.quantity}"


class ReturnClawback(models.Model):
    """R-RET-13: what was taken back at refund from one source (points today; gifts plug in later)."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.PROTECT, related_name="clawbacks",
                                       verbose_name=_("return slip"))
    source = models.CharField(_("source"), max_length=30)
    description = models.CharField(_("description"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    points = models.IntegerField(_("points earned on the lines"), default=0)
    reversed_points = models.IntegerField(_("points reversed"), default=0)
    shortfall_points = models.IntegerField(_("points already spent"), default=0)
    cash_amount = money_field(verbose_name=_("deducted from the refund"), default=Decimal("0.00"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return clawback")
        verbose_name_plural = _("return clawbacks")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(cash_amount__gte=0), name="return_clawback_cash")]

    def __str__(self):
        return f"{self.source} {self.reference}"


class ReturnEvent(models.Model):
    """Audit of the slip's workflow (append-only)."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=ReturnEventType.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_type_display()} {store_time(self.created_at)}"
