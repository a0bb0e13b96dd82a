"""Desk services (R-DESK-2…4): enquiries, the brand directory, umbrella loans and their deposit ledger,
free items and supplies (a small stock ledger with a monthly stocktake), gift wrapping for members,
bulk-goods delivery requests, the lost-property register, customer bag storage and the prepared reports.

Every number the rules use (deposit, loan days, forfeit days, holding period) is a row of the
effective-dated `DeskPolicy`, edited in the admin. Ledgers (`DepositEntry`, `SupplyEntry`) are append-only
and written only by desk.services, each entry with its `at` (finance closes months over them)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.models import TimeStampedModel
from servicedesk.money import money_field

from .choices import (
    BagStatus,
    DeliveryStatus,
    DepositKind,
    EnquiryChannel,
    EnquiryTopic,
    LoanStatus,
    LostEventType,
    LostKind,
    LostStatus,
    ReportKind,
    SupplyEntryKind,
    SupplyKind,
)

USER = settings.AUTH_USER_MODEL


class DeskPolicy(TimeStampedModel):
    """The numbers of R-DESK-3, effective-dated: the row with the latest `effective_from` on or before the day
    is in force. A version already in force is never edited: copy it into one that starts later."""

    effective_from = models.DateField(_("effective from"), unique=True)
    umbrella_deposit = money_field(
        verbose_name=_("umbrella deposit"), default=Decimal("20.00"), validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Taken in cash when an umbrella is lent, refunded when it comes back (R-DESK-3)."),
    )
    umbrella_loan_days = models.PositiveIntegerField(
        _("umbrella loan days"), default=3, validators=[MinValueValidator(1)],
        help_text=_("An umbrella not back this many days after it was lent is overdue (R-DESK-3)."),
    )
    umbrella_forfeit_days = models.PositiveIntegerField(
        _("days until the deposit is kept"), default=30, validators=[MinValueValidator(1)],
        help_text=_("An umbrella not back this many days after it was lent: the deposit is kept (R-DESK-3)."),
    )
    lost_property_holding_days = models.PositiveIntegerField(
        _("lost property holding days"), default=90, validators=[MinValueValidator(1)],
        help_text=_("Unclaimed property may be disposed of this many days after it was registered (R-DESK-3)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("desk services policy")
        verbose_name_plural = _("desk services policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(umbrella_deposit__gt=0), name="desk_policy_deposit_positive"),
            models.CheckConstraint(condition=Q(umbrella_forfeit_days__gte=models.F("umbrella_loan_days")),
                                   name="desk_policy_forfeit_after_due"),
        ]

    def __str__(self):
        return f"{self.effective_from}"


class Enquiry(models.Model):
    """One phone or in-person enquiry (R-DESK-2), logged in one click."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=EnquiryChannel.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=EnquiryTopic.choices)
    question = models.CharField(_("question"), max_length=500, blank=True, default="")
    answer = models.CharField(_("answer"), max_length=500, blank=True, default="")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by"))

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["channel", "at"], name="desk_enquiry_channel_at")]

    def __str__(self):
        return f"{self.get_topic_display()} {self.at:%Y-%m-%d %H:%M}"


class Brand(TimeStampedModel):
    """A line of the floor / brand directory (楼层品牌分布, R-DESK-2). `initials` holds the pinyin initials of
    the brand name (雅诗兰黛 → ysld) so the counter can search by them."""

    brand = models.CharField(_("brand"), max_length=100, unique=True)
    initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, default="", db_index=True,
                                editable=False)
    floor = models.CharField(_("floor"), max_length=20, db_index=True)
    counter = models.CharField(_("counter"), max_length=30, blank=True, default="", db_index=True)
    category = models.CharField(_("category"), max_length=50, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("brand directory")
        ordering = ["floor", "counter", "brand"]

    def __str__(self):
        return f"{self.brand} ({self.floor} {self.counter})".strip()


class UmbrellaLoan(TimeStampedModel):
    """An umbrella lent against a cash deposit (R-DESK-3). One umbrella is out at most once at a time."""

    umbrella = models.CharField(_("umbrella"), max_length=20, db_index=True)
    customer_name = models.CharField(_("customer name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    deposit = money_field(verbose_name=_("deposit"))
    status = models.CharField(_("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.OUT)
    lent_at = models.DateTimeField(_("lent at"), db_index=True)
    lent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("lent by"))
    due_at = models.DateTimeField(_("due back"))
    forfeit_at = models.DateTimeField(_("deposit kept from"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("closed by"))
    policy = models.ForeignKey(DeskPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("umbrella loan")
        verbose_name_plural = _("umbrella loans")
        ordering = ["-lent_at", "-id"]
        permissions = [("forfeit_deposit", _("Can keep the deposit of an umbrella not returned (R-DESK-3)"))]
        constraints = [
            models.UniqueConstraint(fields=["umbrella"], condition=Q(status="out"), name="desk_umbrella_out_once"),
            models.CheckConstraint(condition=Q(deposit__gt=0), name="desk_loan_deposit_positive"),
            models.CheckConstraint(condition=Q(status="out") | Q(closed_at__isnull=False), name="desk_loan_closed_has_time"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="desk_loan_status_due")]

    def __str__(self):
        return f"{self.umbrella} {self.customer_name}"


class DepositEntry(models.Model):
    """The deposit ledger (R-DESK-3): append-only. `cash` is what moved in the desk's drawer (+ taken, − refunded,
    0 when a deposit is kept); `held_change` what it did to the deposits held for customers."""

    loan = models.ForeignKey(UmbrellaLoan, on_delete=models.PROTECT, related_name="deposit_entries", verbose_name=_("loan"))
    kind = models.CharField(_("kind"), max_length=10, choices=DepositKind.choices)
    amount = money_field(verbose_name=_("amount"))
    cash = money_field(verbose_name=_("cash in (+) / out (−)"))
    held_change = money_field(verbose_name=_("change to deposits held"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("deposit entry")
        verbose_name_plural = _("deposit ledger")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "kind"], name="desk_deposit_once_per_kind"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="desk_deposit_amount_positive"),
        ]

    def __str__(self):
        return f"{self.loan_id} {self.get_kind_display()} {self.amount}"


class DepositCashCount(models.Model):
    """The deposit cash counted in the desk drawer at the end of a day, against the ledger (R-DESK-3)."""

    day = models.DateField(_("day"), unique=True)
    counted = money_field(verbose_name=_("counted"))
    expected = money_field(verbose_name=_("expected (deposits held)"))
    variance = money_field(verbose_name=_("variance"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deposit cash count")
        verbose_name_plural = _("deposit cash counts")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.counted}"


class SupplyItem(TimeStampedModel):
    """A free item or desk supply kept in stock: sewing kits, first-aid items, desk supplies, publications
    (R-DESK-3). `on_hand` is the cache of its ledger, moved only by desk.services."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SupplyKind.choices)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    on_hand = models.IntegerField(_("on hand"), default=0, editable=False)
    low_at = models.PositiveIntegerField(_("low at"), default=5, help_text=_("The dashboard warns at or below this."))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["on_hand", "updated_at"])

    class Meta:
        verbose_name = _("free item / supply")
        verbose_name_plural = _("free items and supplies")
        ordering = ["kind", "code"]
        constraints = [models.CheckConstraint(condition=Q(on_hand__gte=0), name="desk_supply_not_negative")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class SupplyEntry(models.Model):
    """The supplies ledger: append-only, `quantity` signed (issues negative)."""

    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("supply item"))
    kind = models.CharField(_("kind"), max_length=10, choices=SupplyEntryKind.choices)
    quantity = models.IntegerField(_("quantity"))
    balance_after = models.IntegerField(_("balance after"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("supplies entry")
        verbose_name_plural = _("supplies ledger")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="desk_supply_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="desk_supply_balance_not_negative"),
        ]

    def __str__(self):
        return f"{self.item_id} {self.quantity:+d}"


class SupplyStocktake(models.Model):
    """R-DESK-4 monthly supplies stocktake: one count per item per month; a variance is booked as an
    `adjust` entry so the ledger equals what is on the shelf."""

    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("supply item"))
    month = models.DateField(_("month"), help_text=_("The first day of the month counted."))
    expected = models.IntegerField(_("expected"))
    counted = models.PositiveIntegerField(_("counted"))
    variance = models.IntegerField(_("variance"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    entry = models.OneToOneField(SupplyEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("supply entry"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by"))

    class Meta:
        verbose_name = _("supplies stocktake")
        verbose_name_plural = _("supplies stocktakes")
        ordering = ["-month", "item"]
        constraints = [models.UniqueConstraint(fields=["item", "month"], name="desk_stocktake_once_a_month")]

    def __str__(self):
        return f"{self.item_id} {self.month:%Y-%m}"


class GiftWrap(models.Model):
    """Free gift wrapping for a member, logged against the card (R-DESK-3, R-VIP benefits)."""

    card = models.ForeignKey("members.Card", on_delete=models.PROTECT, related_name="gift_wraps", verbose_name=_("card"))
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("till receipt"))
    items = models.PositiveIntegerField(_("parcels wrapped"), default=1, validators=[MinValueValidator(1)])
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("wrapped by"))

    class Meta:
        verbose_name = _("gift wrapping")
        verbose_name_plural = _("gift wrapping")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(items__gte=1), name="desk_wrap_items_positive")]

    def __str__(self):
        return f"{self.card_id} {self.at:%Y-%m-%d}"


class DeliveryRequest(TimeStampedModel):
    """A bulk-goods delivery request (大宗商品送货, R-DESK-3), followed until delivered."""

    customer_name = models.CharField(_("customer name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    address = models.CharField(_("delivery address"), max_length=300)
    goods = models.TextField(_("goods"))
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("till receipt"))
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.REQUESTED,
                              db_index=True)
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery request")
        verbose_name_plural = _("delivery requests")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                                              name="desk_delivery_delivered_has_time")]

    def __str__(self):
        return f"#{self.pk} {self.customer_name}"


class LostProperty(TimeStampedModel):
    """The lost-property register (失物登记, R-DESK-3): numbered SW-YYYYMMDD-NNNN by the numbering service, held
    at a place, claimed against the claimant's ID (masked like member data, R-VIP-7), disposed of after the
    holding period — kept as disposed, never deleted. A lost child, person or item reported at the desk
    raises the matching PA insert (R-BC-4) in the same step; `pa_insert` links the entry (and its claim) to it."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=LostKind.choices, default=LostKind.FOUND_ITEM)
    description = models.TextField(_("description"))
    found_where = models.CharField(_("where"), max_length=200)
    found_at = models.DateTimeField(_("when"))
    found_by = models.CharField(_("found / reported by"), max_length=100, blank=True, default="")
    holding_place = models.CharField(_("holding place"), max_length=100, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=LostStatus.choices, default=LostStatus.HELD,
                              db_index=True)
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by"))
    dispose_after = models.DateField(_("may be disposed of after"))
    claimant_name = models.CharField(_("claimant"), max_length=100, blank=True, default="")
    claimant_id_number = models.CharField(_("claimant's ID number"), max_length=40, blank=True, default="")
    claimant_phone = models.CharField(_("claimant's phone"), max_length=30, blank=True, default="")
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("handed over by"))
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("disposed by"))
    disposal = models.CharField(_("how it was disposed of"), max_length=300, blank=True, default="")
    pa_insert = models.ForeignKey("broadcast.UrgentInsert", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("PA insert"))
    history = HistoricalRecords(excluded_fields=["claimant_id_number", "claimant_phone"])

    class Meta:
        verbose_name = _("lost property")
        verbose_name_plural = _("lost property register")
        ordering = ["-registered_at", "-id"]
        permissions = [
            ("claim_lostproperty", _("Can hand lost property over to its claimant")),
            ("dispose_lostproperty", _("Can dispose of unclaimed lost property")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="claimed") | Q(claimed_at__isnull=False) & ~Q(claimant_id_number=""),
                                   name="desk_lost_claim_has_claimant"),
            models.CheckConstraint(condition=~Q(status="disposed") | Q(disposed_at__isnull=False),
                                   name="desk_lost_disposed_has_time"),
        ]

    def __str__(self):
        return self.number

    @property
    def masked_claimant_id(self) -> str:
        from members.rules import mask_id_number

        return mask_id_number(self.claimant_id_number)

    @property
    def masked_claimant_phone(self) -> str:
        from members.rules import mask_phone

        return mask_phone(self.claimant_phone)


class LostPropertyEvent(models.Model):
    entry = models.ForeignKey(LostProperty, on_delete=models.PROTECT, related_name="events", verbose_name=_("lost property"))
    type = models.CharField(_("type"), max_length=12, choices=LostEventType.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("lost property event")
        verbose_name_plural = _("lost property events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.entry_id} {self.get_type_display()}"


class ClaimantUnmaskedView(models.Model):
    """R-VIP-7 applied to claimants: every full view of a claimant's ID or phone number is logged."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    entry = models.ForeignKey(LostProperty, on_delete=models.PROTECT, related_name="unmasked_views",
                              verbose_name=_("lost property"))
    context = models.CharField(_("where"), max_length=100)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("unmasked claimant view")
        verbose_name_plural = _("unmasked claimant views")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.entry_id} {self.at}"


class BagStorage(TimeStampedModel):
    """Customer bag storage (顾客存包, R-DESK-3): a numbered tag handed over, the bag given back against it.
    A tag is out once at a time."""

    tag = models.CharField(_("tag"), max_length=20, db_index=True)
    description = models.CharField(_("bag"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=BagStatus.choices, default=BagStatus.STORED)
    stored_at = models.DateTimeField(_("stored at"))
    stored_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken in by"))
    returned_at = models.DateTimeField(_("given back at"), null=True, blank=True)
    returned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("given back by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stored bag")
        verbose_name_plural = _("bag storage")
        ordering = ["-stored_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tag"], condition=Q(status="stored"), name="desk_bag_tag_once")]

    def __str__(self):
        return self.tag


class DeskReport(models.Model):
    """A prepared weekly or monthly desk report (R-DESK-4): the figures as the scheduled job found them."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=10, help_text=_("2026-W48 or 2026-11"))
    data = models.JSONField(_("figures"), default=dict)
    prepared_at = models.DateTimeField(_("prepared at"), default=timezone.now)

    class Meta:
        verbose_name = _("desk report")
        verbose_name_plural = _("desk reports")
        ordering = ["-prepared_at", "-id"]
        permissions = [("see_desk_reports", _("Can see the weekly and monthly desk reports (R-DESK-4)"))]
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="desk_report_once_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period}"
