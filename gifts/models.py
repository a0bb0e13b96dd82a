"""Gifts (R-GIFT-1…7): gift items with their stock ledger, campaigns with pickup vouchers, deliveries,
issues (campaign and birthday), stocktakes and the gifts policy.

Stock is an append-only ledger (`GiftStockEntry`) plus a cached `GiftItem.on_hand`, moved only by
gifts.services under `select_for_update()` + `F()` in the same transaction; a CheckConstraint keeps the
cache and every running balance non-negative (R-GIFT-2)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from receipts.choices import Side
from servicedesk.models import TimeStampedModel
from servicedesk.money import money_field
from servicedesk.timefmt import store_time

from .choices import (
    CampaignStatus,
    ClawbackKind,
    EntryKind,
    GiftEventType,
    IssueKind,
    StocktakePeriod,
    StocktakeStatus,
    VoucherStatus,
)


class GiftPolicy(TimeStampedModel):
    """The numbers of the gifts desk, effective-dated (a version in force is never edited: add a row)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock warning at (units)"), default=10,
        help_text=_("The dashboard warns when an item of an open campaign has this many units or fewer."))
    ending_soon_days = models.PositiveSmallIntegerField(
        _("campaign ending soon (days)"), default=3,
        help_text=_("Campaigns ending within this many days are shown on the dashboard."))
    birthday_offer_days = models.PositiveSmallIntegerField(
        _("birthday gift offered within (days of the birthday)"), default=0,
        help_text=_("Member 360 offers the birthday gift this many days either side of the birthday "
                    "(0: on the birthday only, R-VIP-9)."))
    variance_reminder_hours = models.PositiveSmallIntegerField(
        _("remind of an unexplained variance after (hours)"), default=24)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gifts policy")
        verbose_name_plural = _("gifts policies")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}"


class GiftItem(TimeStampedModel):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    unit_value = money_field(verbose_name=_("unit value"), validators=[MinValueValidator(Decimal("0.00"))])
    # Cache of the ledger (R-GIFT-2): moved only by gifts.services, under select_for_update + F().
    on_hand = models.IntegerField(_("on hand"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["on_hand", "updated_at"])

    class Meta:
        verbose_name = _("gift item")
        verbose_name_plural = _("gift items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="gift_item_on_hand_not_negative"),  # R-GIFT-2
            models.CheckConstraint(condition=Q(unit_value__gte=0), name="gift_item_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class GiftCampaign(TimeStampedModel):
    """A purchase-gift campaign (满额赠, R-GIFT-3): a receipt of `side` rung between the dates whose lines
    in `categories` (empty: every category), net of refunds, reach `min_spend` gets `quantity` × item."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), db_index=True)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    categories = models.JSONField(_("categories"), default=list, blank=True,
                                  help_text=_("Category codes of the till feed; empty means every category."))
    min_spend = money_field(verbose_name=_("minimum spend"))
    gift_item = models.ForeignKey(GiftItem, on_delete=models.PROTECT, related_name="campaigns",
                                  verbose_name=_("gift item"))
    quantity = models.PositiveIntegerField(_("gifts per receipt"), default=1, validators=[MinValueValidator(1)])
    # A complaints.Department code (a sibling app: checked by code in the service, never a foreign key).
    owner_department = models.CharField(_("owning department"), max_length=30, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN,
                              db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    close_summary = models.JSONField(_("close reconciliation"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gift campaign")
        verbose_name_plural = _("gift campaigns")
        ordering = ["-starts_on", "code"]
        permissions = [
            ("print_vouchers", _("Can print gift pickup vouchers (R-GIFT-3)")),
            ("close_campaign", _("Can close a gift campaign (R-GIFT-6)")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="gift_campaign_dates"),
            models.CheckConstraint(condition=Q(min_spend__gte=0), name="gift_campaign_min_spend"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="gift_campaign_quantity"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class GiftVoucherBatch(models.Model):
    """One printing of pickup vouchers (赠品提货券) for a campaign; serials from the numbering service."""

    campaign = models.ForeignKey(GiftCampaign, on_delete=models.PROTECT, related_name="voucher_batches",
                                 verbose_name=_("campaign"))
    count = models.PositiveIntegerField(_("vouchers"))
    first_serial = models.CharField(_("first serial"), max_length=20)
    last_serial = models.CharField(_("last serial"), max_length=20)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("printed by"))
    printed_at = models.DateTimeField(_("printed at"), default=timezone.now)

    class Meta:
        verbose_name = _("voucher batch")
        verbose_name_plural = _("voucher batches")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.campaign_id}: {self.first_serial}–{self.last_serial}"


class GiftVoucher(models.Model):
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    batch = models.ForeignKey(GiftVoucherBatch, on_delete=models.PROTECT, related_name="vouchers",
                              verbose_name=_("batch"))
    campaign = models.ForeignKey(GiftCampaign, on_delete=models.PROTECT, related_name="vouchers",
                                 verbose_name=_("campaign"))
    status = models.CharField(_("status"), max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.OUT,
                              db_index=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("gift pickup voucher")
        verbose_name_plural = _("gift pickup vouchers")
        ordering = ["serial"]

    def __str__(self):
        return self.serial


class GiftDelivery(models.Model):
    """R-GIFT-1: a delivery note (赠品派送单) counted in together with the delivering department."""

    item = models.ForeignKey(GiftItem, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    note_number = models.CharField(_("delivery note number"), max_length=40, unique=True)
    delivered_by = models.CharField(_("delivered by"), max_length=100)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("counted by"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    balance_after = models.IntegerField(_("balance after"))

    class Meta:
        verbose_name = _("gift delivery")
        verbose_name_plural = _("gift deliveries")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="gift_delivery_quantity")]

    def __str__(self):
        return f"{self.note_number} {self.item_id} ×{self.quantity}"


class GiftIssue(models.Model):
    """One gift handed out: against a receipt or a pickup voucher of a campaign (R-GIFT-3), or a birthday
    gift (R-GIFT-5). The stamps are constraints: a receipt claims a campaign once, a voucher is collected
    once, a member gets one birthday gift per calendar year — also when two desks try at the same moment."""

    kind = models.CharField(_("kind"), max_length=10, choices=IssueKind.choices)
    campaign = models.ForeignKey(GiftCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="issues",
                                 verbose_name=_("campaign"))
    item = models.ForeignKey(GiftItem, on_delete=models.PROTECT, related_name="issues", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_value = money_field(verbose_name=_("unit value at issue"))
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="gift_issues", verbose_name=_("receipt"))
    voucher = models.OneToOneField(GiftVoucher, on_delete=models.PROTECT, null=True, blank=True, related_name="issue",
                                   verbose_name=_("voucher"))
    card = models.ForeignKey("members.Card", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("card"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("member"))
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    # What the spend was when it was issued (lines counted, total): the counter's read-aloud answer.
    qualification = models.JSONField(_("qualification"), default=dict, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    balance_after = models.IntegerField(_("balance after"))
    # R-RET-13: taken back once, by one refund slip.
    clawback_kind = models.CharField(_("clawed back"), max_length=12, choices=ClawbackKind.choices, blank=True,
                                     default="")
    clawback_reference = models.CharField(_("clawback slip"), max_length=40, blank=True, default="")
    clawback_at = models.DateTimeField(_("clawed back at"), null=True, blank=True)
    clawback_amount = money_field(verbose_name=_("value deducted"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("gift issue")
        verbose_name_plural = _("gift issues")
        ordering = ["-id"]
        permissions = [("issue_gift", _("Can issue campaign and birthday gifts (R-GIFT-3, R-GIFT-5)"))]
        constraints = [
            # R-GIFT-3: the receipt is stamped "issued" for this campaign — it never claims it twice.
            models.UniqueConstraint(fields=["receipt", "campaign"], condition=Q(receipt__isnull=False, kind="receipt"),
                                    name="gift_issue_receipt_once_per_campaign"),
            # R-GIFT-5: once per member per calendar year.
            models.UniqueConstraint(fields=["member", "year"], condition=Q(kind="birthday"),
                                    name="gift_issue_birthday_once_a_year"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="gift_issue_quantity"),
            models.CheckConstraint(
                condition=(Q(kind="receipt", receipt__isnull=False, campaign__isnull=False)
                           | Q(kind="voucher", voucher__isnull=False, campaign__isnull=False)
                           | Q(kind="birthday", member__isnull=False, year__isnull=False)),
                name="gift_issue_basis"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_id} ×{self.quantity}"

    @property
    def value(self) -> Decimal:
        return self.unit_value * self.quantity


class Stocktake(models.Model):
    """R-GIFT-7: a daily or monthly count against the ledger; a variance waits for a supervisor's explanation,
    which posts the `adjust` entry."""

    item = models.ForeignKey(GiftItem, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("item"))
    period = models.CharField(_("period"), max_length=10, choices=StocktakePeriod.choices)
    expected = models.IntegerField(_("expected (ledger)"))
    counted = models.PositiveIntegerField(_("counted"))
    variance = models.IntegerField(_("variance"))
    status = models.CharField(_("status"), max_length=20, choices=StocktakeStatus.choices, db_index=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("counted by"))
    counted_at = models.DateTimeField(_("counted at"), default=timezone.now, db_index=True)
    explanation = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("explained by"))
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gift stocktake")
        verbose_name_plural = _("gift stocktakes")
        ordering = ["-id"]
        permissions = [("explain_variance", _("Can explain a stocktake variance (R-GIFT-7)"))]
        constraints = [
            models.CheckConstraint(condition=Q(variance=models.F("counted") - models.F("expected")),
                                   name="gift_stocktake_variance"),
        ]

    def __str__(self):
        return f"{self.item_id} {store_time(self.counted_at, '%Y-%m-%d')} {self.variance:+d}"


class GiftStockEntry(models.Model):
    """R-GIFT-2: one append-only line per stock movement of an item, with the running balance after it.
    `at` is the server's time of writing (never a date the client chooses: no back-dating)."""

    item = models.ForeignKey(GiftItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    quantity = models.IntegerField(_("quantity"))  # signed: issues negative
    balance_after = models.IntegerField(_("balance after"))
    reference = models.CharField(_("reference"), max_length=80, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    delivery = models.OneToOneField(GiftDelivery, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="entry", verbose_name=_("delivery"))
    issue = models.ForeignKey(GiftIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="entries",
                              verbose_name=_("issue"))
    stocktake = models.OneToOneField(Stocktake, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="adjust_entry", verbose_name=_("stocktake"))
    campaign = models.ForeignKey(GiftCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("campaign"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("gift stock entry")
        verbose_name_plural = _("gift stock ledger")
        ordering = ["-id"]
        indexes = [models.Index(fields=["item", "-id"], name="gift_entry_item_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="gift_entry_balance_not_negative"),
            models.CheckConstraint(condition=~Q(quantity=0), name="gift_entry_quantity_not_zero"),
        ]

    def __str__(self):
        return f"{self.item_id} {self.get_kind_display()} {self.quantity:+d} → {self.balance_after}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("gift stock entries are append-only (R-GIFT-2)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("gift stock entries are append-only (R-GIFT-2)")


class GiftEvent(models.Model):
    """Audit of the gifts workflows (campaigns, vouchers, stocktakes, clawbacks): append-only."""

    type = models.CharField(_("type"), max_length=30, choices=GiftEventType.choices)
    campaign = models.ForeignKey(GiftCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                                 verbose_name=_("campaign"))
    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                                  verbose_name=_("stocktake"))
    issue = models.ForeignKey(GiftIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                              verbose_name=_("issue"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("gift event")
        verbose_name_plural = _("gift events")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_type_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
