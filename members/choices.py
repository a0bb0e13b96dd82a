from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    GOLD = "gold", _("Gold card")
    PLATINUM = "platinum", _("Platinum card")


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    REPLACED = "replaced", _("Replaced")


class IdType(models.TextChoices):
    ID_CARD = "id_card", _("ID card")
    PASSPORT = "passport", _("Passport")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    MILITARY_OFFICER = "military_officer", _("Military officer card")


class Wallet(models.TextChoices):
    """Dept and market points never combine (R-PTS-5); stored value is money on the card (R-RBT-4)."""

    DEPT = "dept", _("Department store points")
    MARKET = "market", _("Supermarket points")
    STORED_VALUE = "stored_value", _("Stored value")


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REVERSE = "reverse", _("Reversed")
    REDEEM = "redeem", _("Redeemed")
    REBATE = "rebate", _("Annual rebate")
    CLEAR = "clear", _("Cleared")
    ADJUST = "adjust", _("Adjustment")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    FEE = "fee", _("Fee")


class QualificationKind(models.TextChoices):
    DAILY_SPEND = "daily_spend", _("Purchases on one business day")
    GROUP_PURCHASE = "group_purchase", _("Group purchase")
    PREPAID_CARDS = "prepaid_cards", _("Store prepaid cards")
    LEGACY_CARD = "legacy_card", _("Legacy supermarket card")


class CardEventType(models.TextChoices):
    ISSUED = "issued", _("Issued")
    UPGRADED = "upgraded", _("Upgraded")
    REPLACED = "replaced", _("Replaced")
    BLOCKED = "blocked", _("Blocked")


class ReplaceReason(models.TextChoices):
    LOST = "lost", _("Lost (R-CARD-1)")
    DAMAGED = "damaged", _("Damaged (R-CARD-2)")


class RebateRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")


class PointsBasis(models.TextChoices):
    """What decided a receipt line's points (rules.receipt_points, `basis` of the stored explanation): the
    rate that applied (R-PTS-1/2/3) or why the line earns none; the labels are what the receipt page shows."""

    CATEGORY = "category", _("by category")
    COUNTER = "counter", _("by counter")
    MARKET = "market", _("supermarket rate")
    PROMOTION = "promotion", _("promotion")
    BULK_DISCOUNT = "bulk_discount", _("bulk discount (no points)")
    FRESH = "fresh", _("fresh food (no points)")
    SPECIAL_PRICE = "special_price", _("special price (no points)")
    NO_RATE = "no_rate", _("no rate (no points)")
