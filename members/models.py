"""VIP members, cards, the points ledger and the points policy (domain-rules.md §1).

Every number of the rules is a row of `MemberPolicy` and its children (effective-dated): a receipt is
always explained by the policy in force when it was rung. Balances on `Card` are caches of the
append-only `PointsEntry` ledger (R-PTS-6), moved only in services under a row lock.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from receipts.choices import Category, Side
from servicedesk.models import TimeStampedModel
from servicedesk.money import money_field

from .choices import (
    CardEventType,
    CardStatus,
    EntryKind,
    IdType,
    QualificationKind,
    RebateRunStatus,
    ReplaceReason,
    SmsStatus,
    Tier,
    Wallet,
)


def _ratio_field(default: str, verbose_name):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=3, default=Decimal(default))


def _rate_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=8, decimal_places=2, **kwargs)


class MemberPolicy(TimeStampedModel):
    """The membership numbers in force from `effective_from` until the next version (domain-rules §1)."""

    effective_from = models.DateTimeField(_("effective from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # R-PTS-1 / R-VIP-8: a line is special price when unit price < ratio × list price.
    special_price_ratio = _ratio_field("0.800", _("special-price threshold (share of list price)"))
    market_yuan_per_point = _rate_field(_("supermarket yuan per point (R-PTS-2)"), default=Decimal("2.00"))
    bulk_discount_excluded = models.BooleanField(_("bulk-discounted lines earn nothing (R-PTS-3)"), default=True)
    market_fresh_excluded = models.BooleanField(_("fresh food earns no market points (R-PTS-2)"), default=True)
    market_special_excluded = models.BooleanField(_("special-price items earn no market points (R-PTS-2)"), default=True)
    birthday_multiplier_gold = models.PositiveSmallIntegerField(_("birthday multiplier, gold (R-VIP-9)"), default=2)
    birthday_multiplier_platinum = models.PositiveSmallIntegerField(_("birthday multiplier, platinum (R-VIP-9)"), default=3)
    gold_full_factor = _ratio_field("0.900", _("gold factor at ≥ threshold (R-VIP-8)"))
    gold_special_factor = _ratio_field("0.950", _("gold factor on special price (R-VIP-8)"))
    platinum_full_factor = _ratio_field("0.880", _("platinum factor at ≥ threshold (R-VIP-8)"))
    platinum_special_factor = _ratio_field("0.900", _("platinum factor on special price (R-VIP-8)"))
    card_fee = money_field(verbose_name=_("lost-card fee (R-CARD-1)"), default=Decimal("5.00"))
    card_stock_threshold = models.PositiveIntegerField(_("card stock warning threshold (R-CARD-3)"), default=200)
    upgrade_year_spend = money_field(verbose_name=_("year spend for platinum upgrade (R-VIP-4)"), default=Decimal("30000.00"))
    gold_daily_spend = money_field(verbose_name=_("gold: one day's purchases (R-VIP-1)"), default=Decimal("800.00"))
    platinum_daily_spend = money_field(verbose_name=_("platinum: one day's purchases (R-VIP-3)"), default=Decimal("10000.00"))
    group_min = money_field(verbose_name=_("group purchase minimum (R-VIP-2)"), default=Decimal("5000.00"))
    group_max = money_field(verbose_name=_("group purchase maximum (R-VIP-2)"), default=Decimal("10000.00"))
    group_per_card = money_field(verbose_name=_("group purchase per gold card (R-VIP-2)"), default=Decimal("2000.00"))
    prepaid_per_card = money_field(verbose_name=_("prepaid cards per platinum card (R-VIP-3)"), default=Decimal("100000.00"))
    prepaid_max_cards = models.PositiveSmallIntegerField(_("platinum cards per prepaid purchase, at most (R-VIP-3)"), default=5)
    birthday_card_min_points = models.PositiveIntegerField(_("birthday card: minimum points (R-VIP-9)"), default=5000)
    birthday_card_days_ahead = models.PositiveSmallIntegerField(_("birthday card: days ahead (R-VIP-9)"), default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership policy")
        verbose_name_plural = _("membership policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(market_yuan_per_point__gt=0), name="policy_market_rate_positive"),
            models.CheckConstraint(condition=Q(special_price_ratio__gt=0, special_price_ratio__lte=1),
                                   name="policy_special_ratio_range"),
        ]

    def __str__(self):
        return "%s %s" % (_("Policy"), f"{timezone.localtime(self.effective_from):%Y-%m-%d %H:%M}")


class EarnRate(models.Model):
    """An earn rate (yuan per point) at full price and at special price, of one policy version."""

    full_yuan_per_point = _rate_field(_("full price: yuan per point"))
    special_yuan_per_point = _rate_field(_("special price: yuan per point"))

    class Meta:
        abstract = True

    @staticmethod
    def rate_constraints(*, key: str, prefix: str) -> list:
        return [
            models.UniqueConstraint(fields=["policy", key], name=f"{prefix}_unique"),
            models.CheckConstraint(condition=Q(full_yuan_per_point__gt=0, special_yuan_per_point__gt=0),
                                   name=f"{prefix}_positive"),
        ]


class CategoryRate(EarnRate):
    """R-PTS-1 default earn rate of a goods category (yuan per point), full price and special price."""

    policy = models.ForeignKey(MemberPolicy, on_delete=models.CASCADE, related_name="category_rates", verbose_name=_("policy"))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    history = HistoricalRecords()  # policy rows are audited like their version

    class Meta:
        verbose_name = _("category earn rate")
        verbose_name_plural = _("category earn rates")
        constraints = EarnRate.rate_constraints(key="category", prefix="category_rate")

    def __str__(self):
        return f"{self.get_category_display()} {self.full_yuan_per_point}/{self.special_yuan_per_point}"


class CounterRate(EarnRate):
    """R-PTS-3: a counter's own rate overrides its category's default."""

    policy = models.ForeignKey(MemberPolicy, on_delete=models.CASCADE, related_name="counter_rates", verbose_name=_("policy"))
    counter = models.CharField(_("counter"), max_length=40)
    history = HistoricalRecords()  # policy rows are audited like their version

    class Meta:
        verbose_name = _("counter earn rate")
        verbose_name_plural = _("counter earn rates")
        constraints = EarnRate.rate_constraints(key="counter", prefix="counter_rate")

    def __str__(self):
        return f"{self.counter} {self.full_yuan_per_point}/{self.special_yuan_per_point}"


class RebateBracket(models.Model):
    """R-RBT-1: from `min_points` up, `percent` of the points is credited as stored value in yuan."""

    policy = models.ForeignKey(MemberPolicy, on_delete=models.CASCADE, related_name="rebate_brackets", verbose_name=_("policy"))
    min_points = models.PositiveIntegerField(_("from points"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()  # policy rows are audited like their version

    class Meta:
        verbose_name = _("rebate bracket")
        verbose_name_plural = _("rebate brackets")
        ordering = ["min_points"]
        constraints = [models.UniqueConstraint(fields=["policy", "min_points"], name="rebate_bracket_unique")]

    def __str__(self):
        return f"≥{self.min_points}: {self.percent}%"


class VoucherRate(models.Model):
    """R-RBT-2: market points exchanged for a goods voucher of `value` yuan."""

    policy = models.ForeignKey(MemberPolicy, on_delete=models.CASCADE, related_name="voucher_rates", verbose_name=_("policy"))
    points = models.PositiveIntegerField(_("points"))
    value = money_field(verbose_name=_("voucher value"))

    history = HistoricalRecords()  # policy rows are audited like their version

    class Meta:
        verbose_name = _("voucher rate")
        verbose_name_plural = _("voucher table")
        ordering = ["points"]
        constraints = [models.UniqueConstraint(fields=["policy", "points"], name="voucher_rate_unique")]

    def __str__(self):
        return f"{self.points} → {self.value}"


class PromotionRule(TimeStampedModel):
    """R-PTS-3: during [starts_at, ends_at) lines at these counters/categories earn a multiplier or
    their own rate. Empty counters and categories = every line of the side."""

    name = models.CharField(_("name"), max_length=100)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, default=Side.DEPT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    counters = models.CharField(_("counters"), max_length=500, blank=True, help_text=_("Comma-separated counter codes."))
    categories = models.CharField(_("categories"), max_length=500, blank=True, help_text=_("Comma-separated categories."))
    multiplier = models.PositiveSmallIntegerField(_("points multiplier"), default=1)
    yuan_per_point = _rate_field(_("own rate: yuan per point"), null=True, blank=True)
    platinum_only = models.BooleanField(_("platinum only (R-VIP-10)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("points promotion")
        verbose_name_plural = _("points promotions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="promotion_dates_ordered"),
            models.CheckConstraint(condition=Q(multiplier__gte=1), name="promotion_multiplier_positive"),
        ]

    def __str__(self):
        return self.name


def validate_birthday(value) -> None:
    """A possible birthday (members.rules.birthday_problem): not in the future, at most
    MEMBERS_BIRTHDAY_MAX_AGE_YEARS ago. Runs in the admin, the counter form and the API."""
    from django.core.exceptions import ValidationError

    from .rules import birthday_problem

    years = settings.MEMBERS_BIRTHDAY_MAX_AGE_YEARS
    problem = birthday_problem(birthday=value, today=timezone.localdate(), max_age_years=years)
    if problem == "future":
        raise ValidationError(_("A birthday cannot be in the future."), code="birthday_future")
    if problem == "too_old":
        raise ValidationError(_("A birthday more than %(years)s years ago is not possible.") % {"years": years},
                              code="birthday_too_old")


class Member(TimeStampedModel):
    """A card holder's personal data (R-VIP-6), confidential (R-VIP-7)."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    phone = models.CharField(_("mobile phone"), max_length=11, db_index=True)
    address = models.CharField(_("mailing address"), max_length=300)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("document number"), max_length=40)
    birthday = models.DateField(_("birthday"), null=True, blank=True, validators=[validate_birthday])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["id_type", "id_number"], name="member_unique_document")]
        permissions = [
            ("view_unmasked", _("Can see members' full phone and ID numbers (R-VIP-7)")),
            ("adjust_points", _("Can adjust points with a written reason (R-PTS-4)")),
            ("redeem_points", _("Can redeem points for vouchers and gifts (R-RBT-2, R-RBT-3)")),
            ("replace_card", _("Can replace a lost or damaged card (R-CARD-1, R-CARD-2)")),
            ("quote_price", _("Can quote member prices (R-VIP-8)")),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        from .rules import mask_phone

        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        from .rules import mask_id_number

        return mask_id_number(self.id_number)


class Card(TimeStampedModel):
    card_number = models.CharField(_("card number"), max_length=32, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cards", verbose_name=_("member"))
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.GOLD)
    status = models.CharField(_("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE, db_index=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    qualification_kind = models.CharField(_("qualified by"), max_length=20, choices=QualificationKind.choices,
                                          default=QualificationKind.DAILY_SPEND)
    legacy_card_number = models.CharField(_("retired supermarket card (R-VIP-5)"), max_length=32, blank=True, default="")
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    # Caches of the ledger (R-PTS-6); moved only by members.services under select_for_update + F().
    dept_points = models.IntegerField(_("dept points"), default=0, editable=False)
    market_points = models.IntegerField(_("market points"), default=0, editable=False)
    stored_value = money_field(verbose_name=_("stored value"), default=Decimal("0.00"), editable=False)
    # R-VIP-4 year spend of the member in `year_spend_year`, kept by the till feed in the receipt's own
    # transaction (members.services.receipt_card_settle) so the upgrade check needs no sum per receipt.
    # Null year: not known yet (the next receipt sums the year's receipts once and stores it).
    year_spend = money_field(verbose_name=_("year spend"), default=Decimal("0.00"), db_default=Decimal("0.00"),
                             editable=False)
    year_spend_year = models.PositiveSmallIntegerField(_("year of the year spend"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["dept_points", "market_points", "stored_value", "year_spend",
                                                 "year_spend_year", "updated_at"])

    class Meta:
        verbose_name = _("VIP card")
        verbose_name_plural = _("VIP cards")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(dept_points__gte=0), name="card_dept_points_not_negative"),
            models.CheckConstraint(condition=Q(market_points__gte=0), name="card_market_points_not_negative"),
            models.CheckConstraint(condition=Q(stored_value__gte=0), name="card_stored_value_not_negative"),  # R-RBT-4
            # R-VIP-6: one active card per person (gold and platinum are one family).
            models.UniqueConstraint(fields=["member"], condition=Q(status="active"), name="card_one_active_per_member"),
            models.UniqueConstraint(fields=["legacy_card_number"], condition=~Q(legacy_card_number=""),
                                    name="card_legacy_number_once"),
        ]

    def __str__(self):
        return self.card_number

    def balance(self, wallet: str):
        return {Wallet.DEPT: self.dept_points, Wallet.MARKET: self.market_points,
                Wallet.STORED_VALUE: self.stored_value}[wallet]


class CardEvent(models.Model):
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="events", verbose_name=_("card"))
    type = models.CharField(_("type"), max_length=20, choices=CardEventType.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("card event")
        verbose_name_plural = _("card events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.card_id} {self.get_type_display()}"


class QualificationUse(models.Model):
    """Which receipts qualified which card (R-VIP-1/2/3): a receipt qualifies one card, except a group
    or prepaid-card purchase, which qualifies as many cards as it entitles."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("card"))
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, related_name="qualified_cards",
                                verbose_name=_("receipt"))
    kind = models.CharField(max_length=20, choices=QualificationKind.choices, verbose_name=_("kind"))

    class Meta:
        verbose_name = _("qualifying receipt")
        verbose_name_plural = _("qualifying receipts")
        constraints = [
            models.UniqueConstraint(fields=["card", "receipt"], name="qualification_unique"),
            models.UniqueConstraint(fields=["receipt"], condition=Q(kind="daily_spend"), name="qualification_receipt_once"),
        ]

    def __str__(self):
        return f"{self.receipt_id} → {self.card_id}"


class PointsEntry(models.Model):
    """R-PTS-6: one append-only line per change of a wallet; never updated or deleted."""

    # no index of its own: entry_card_recent (card, -id) leads with the card and serves every card lookup
    # (one index fewer to write on each of the ledger's inserts — the feed, the batch, the rebate; issue 16)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="entries", verbose_name=_("card"),
                             db_index=False)
    wallet = models.CharField(_("wallet"), max_length=15, choices=Wallet.choices)
    kind = models.CharField(_("kind"), max_length=15, choices=EntryKind.choices)
    points = models.IntegerField(_("points"), default=0)
    amount = money_field(verbose_name=_("amount"), default=Decimal("0.00"))
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=2)
    # looked up whole; on PostgreSQL migration 0009 drops its varchar_pattern_ops copy (no prefix search)
    reference = models.CharField(_("reference"), max_length=80, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    # receipt and by: indexed only where set (entry_receipt_set, entry_by_set): the rebate's 2M lines a year and
    # every fed earn line have no user, the rebate's and the adjustments' no receipt (issue 16, migration 0011)
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("receipt"), db_index=False)
    meta = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"), db_index=False)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["card", "-id"], name="entry_card_recent"),
            models.Index(fields=["receipt"], condition=Q(receipt__isnull=False), name="entry_receipt_set"),
            models.Index(fields=["by"], condition=Q(by__isnull=False), name="entry_by_set"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="entry_balance_not_negative"),
            models.CheckConstraint(condition=Q(wallet="stored_value", points=0) | (~Q(wallet="stored_value") & Q(amount=0)),
                                   name="entry_points_or_amount"),
        ]

    def __str__(self):
        return f"{self.card_id} {self.get_wallet_display()} {self.get_kind_display()} {self.points or self.amount}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("ledger entries are append-only (R-PTS-6)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ledger entries are append-only (R-PTS-6)")


class ReceiptPoints(models.Model):
    """What a card's receipt earned and why (R-PTS-1..5, R-VIP-9)."""

    receipt = models.OneToOneField("receipts.Receipt", on_delete=models.PROTECT, related_name="points", verbose_name=_("receipt"))
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="receipt_points", null=True, blank=True,
                             verbose_name=_("card"))
    wallet = models.CharField(max_length=15, choices=Wallet.choices, verbose_name=_("wallet"))
    points = models.IntegerField(default=0, verbose_name=_("points"))
    birthday_multiplier = models.PositiveSmallIntegerField(default=1, verbose_name=_("birthday multiplier"))
    policy = models.ForeignKey(MemberPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("policy"))
    explanation = models.JSONField(default=dict, blank=True, verbose_name=_("explanation"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("receipt points")
        verbose_name_plural = _("receipt points")

    def __str__(self):
        return f"{self.receipt_id}: {self.points}"


class Voucher(TimeStampedModel):
    """R-RBT-2 goods voucher (领物券): serial-numbered, not cashable."""

    serial = models.CharField(_("serial"), max_length=20, unique=True)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("card"))
    points = models.PositiveIntegerField(_("points"))
    value = money_field(verbose_name=_("value"))
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, related_name="voucher", verbose_name=_("points entry"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goods voucher")
        verbose_name_plural = _("goods vouchers")
        ordering = ["-id"]

    def __str__(self):
        return self.serial


class CardReplacement(TimeStampedModel):
    old_card = models.OneToOneField(Card, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("old card"))
    new_card = models.OneToOneField(Card, on_delete=models.PROTECT, related_name="replaces", verbose_name=_("new card"))
    reason = models.CharField(_("reason"), max_length=10, choices=ReplaceReason.choices)
    fee = money_field(verbose_name=_("fee paid at the desk"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("card replacement")
        verbose_name_plural = _("card replacements")

    def __str__(self):
        return f"{self.old_card_id} → {self.new_card_id}"


class UnmaskedAccessLog(models.Model):
    """R-VIP-7: every unmasked view of a member's phone or ID number."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="unmasked_views", verbose_name=_("member"))
    context = models.CharField(_("where"), max_length=100)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("unmasked view")
        verbose_name_plural = _("unmasked views log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.member_id} {self.at}"


class RebateRun(models.Model):
    """R-RBT-1: one run per year; `checkpoint_pk` is the last card settled (resumable)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=RebateRunStatus.choices, default=RebateRunStatus.RUNNING)
    policy = models.ForeignKey(MemberPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"))
    checkpoint_pk = models.BigIntegerField(default=0, verbose_name=_("checkpoint"))
    cards = models.PositiveIntegerField(default=0, verbose_name=_("cards"))
    cleared = models.PositiveIntegerField(default=0, verbose_name=_("cleared"))
    rebated = models.PositiveIntegerField(default=0, verbose_name=_("rebated"))
    total = money_field(max_digits=16, default=Decimal("0.00"))
    started_at = models.DateTimeField(default=timezone.now, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("annual rebate run")
        verbose_name_plural = _("annual rebate runs")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} {self.status}"

    def summary(self) -> str:
        return f"cards={self.cards} cleared={self.cleared} rebated={self.rebated} total={self.total:.2f}"


class CardStock(models.Model):
    """R-CARD-3: blank cards on hand (one row); card numbers come from the numbering service ("card")."""

    on_hand = models.IntegerField(_("blank cards on hand"), default=0)

    class Meta:
        verbose_name = _("card stock")
        verbose_name_plural = _("card stock")
        constraints = [models.CheckConstraint(condition=Q(on_hand__gte=0), name="card_stock_not_negative")]

    def __str__(self):
        return str(self.on_hand)


class CardStockEntry(models.Model):
    change = models.IntegerField(_("change"))
    balance_after = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("card"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("card stock entry")
        verbose_name_plural = _("card stock ledger")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.change:+d} → {self.balance_after}"


class SmsOutbox(models.Model):
    """The default SMS backend: messages wait here (visible in the admin) for whoever sends them."""

    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    key = models.CharField(max_length=100, unique=True, verbose_name=_("key"))
    status = models.CharField(_("status"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS outbox")
        ordering = ["-id"]

    def __str__(self):
        return self.key


class BirthdayMailing(models.Model):
    """R-VIP-9: members mailed a birthday card (≥ the policy's points), one per card per year."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="+", verbose_name=_("card"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    birthday = models.DateField(verbose_name=_("birthday"))
    dept_points = models.IntegerField(verbose_name=_("dept points"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("birthday card mailing")
        verbose_name_plural = _("birthday card mailing list")
        ordering = ["birthday", "id"]
        constraints = [models.UniqueConstraint(fields=["card", "year"], name="birthday_mailing_once")]

    def __str__(self):
        return f"{self.card_id} {self.year}"


class MemberStatistics(Card):
    """No table: the admin's handle for the member statistics page (members/stats.py), with its own
    permission so the desk supervisor, the operations manager and finance see it and clerks do not."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("member statistics")
        verbose_name_plural = _("member statistics")
        permissions = [("see_member_statistics", _("Can see member statistics (enrolment and points issued by month)"))]
