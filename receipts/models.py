"""Till receipts (机制小票) with their lines: the feed every desk app reads.

Receipts are facts from the tills: written once by the feed or an import, never edited, so they carry
no change history. Other apps refer to them by (side, number) or by foreign key.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.money import money_field

from .choices import Category, PaymentMethod, ReceiptSource, Side


class Receipt(models.Model):
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    number = models.CharField(_("receipt number"), max_length=40)
    rung_at = models.DateTimeField(_("rung at"), db_index=True)
    business_date = models.DateField(_("business day"), db_index=True, help_text=_("Store-local date of rung_at."))
    # No index of its own: every lookup is by equality, which receipt_card_recent (card_number, -rung_at) serves;
    # the two it had (plain and LIKE) cost each stored receipt two index writes for nothing (issue 16).
    card_number = models.CharField(_("card number"), max_length=32, blank=True, default="")
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    total = money_field(verbose_name=_("total"))
    source = models.CharField(_("source"), max_length=10, choices=ReceiptSource.choices, default=ReceiptSource.FEED)
    # Hash of the canonical posted body: an identical repost is recognised, a different one refused.
    body_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The feed's first answer (with what every receipt hook added): an identical repost answers it again.
    response = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("till receipt")
        verbose_name_plural = _("till receipts")
        ordering = ["-rung_at", "-id"]
        permissions = [("import_receipts", _("Can import a day's till export"))]
        constraints = [
            models.UniqueConstraint(fields=["side", "number"], name="receipt_unique_side_number"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="receipt_total_not_negative"),
        ]
        indexes = [models.Index(fields=["card_number", "-rung_at"], name="receipt_card_recent")]

    def __str__(self):
        return f"{self.get_side_display()} {self.number}"


class ReceiptLine(models.Model):
    # Indexed by receipt_line_unique_no (receipt, line_no), whose first column serves every lookup by receipt;
    # neither the receipt alone nor the counter gets an index of its own (nothing filters lines by counter):
    # three of a line's five index writes, where a batch writes a thousand lines (issue 16).
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="lines", verbose_name=_("receipt"),
                                db_index=False)
    line_no = models.PositiveIntegerField(_("line"))
    sku = models.CharField(_("SKU"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    counter = models.CharField(_("counter"), max_length=40)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    list_price = money_field(verbose_name=_("list price"))
    unit_price = money_field(verbose_name=_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    bulk_discount = models.BooleanField(_("bulk discount"), default=False)
    fresh = models.BooleanField(_("fresh food"), default=False)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "line_no"], name="receipt_line_unique_no"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0, list_price__gte=0), name="receipt_line_prices"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="receipt_line_quantity"),
        ]

    def __str__(self):
        return f"{self.receipt_id}#{self.line_no} {self.sku}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity
