"""Choices of gifts/ (R-GIFT-1…7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """R-GIFT-2: the kinds of stock ledger entry (api-contract.md, Gifts)."""

    RECEIVE = "receive", _("Received (delivery note)")
    ISSUE = "issue", _("Issued (campaign)")
    BIRTHDAY = "birthday", _("Birthday gift")
    RETURN_CUSTOMER = "return_customer", _("Handed back by a customer")
    RETURN_OWNER = "return_owner", _("Returned to the owning department")
    ADJUST = "adjust", _("Stocktake adjustment")


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class VoucherStatus(models.TextChoices):
    OUT = "out", _("Out")
    COLLECTED = "collected", _("Collected")


class IssueKind(models.TextChoices):
    RECEIPT = "receipt", _("Against a till receipt")
    VOUCHER = "voucher", _("Against a pickup voucher")
    BIRTHDAY = "birthday", _("Birthday gift")


class ClawbackKind(models.TextChoices):
    HANDED_BACK = "handed_back", _("Handed back")
    DEDUCTED = "deducted", _("Value deducted from the refund")


class StocktakePeriod(models.TextChoices):
    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")


class StocktakeStatus(models.TextChoices):
    BALANCED = "balanced", _("Balanced")
    NEEDS_EXPLANATION = "needs_explanation", _("Needs explanation")
    EXPLAINED = "explained", _("Explained")


class GiftEventType(models.TextChoices):
    CAMPAIGN_CREATED = "campaign_created", _("Campaign created")
    VOUCHERS_PRINTED = "vouchers_printed", _("Vouchers printed")
    CAMPAIGN_CLOSED = "campaign_closed", _("Campaign closed")
    STOCKTAKE_COUNTED = "stocktake_counted", _("Stock counted")
    VARIANCE_EXPLAINED = "variance_explained", _("Variance explained")
    GIFT_CLAWED_BACK = "gift_clawed_back", _("Gift clawed back")


class QualificationReason(models.TextChoices):
    """R-GIFT-3: why a receipt qualifies for a campaign or not (`rules.Qualification.reason`, stored in a
    gift issue's `qualification`); the labels are what the issue's page shows."""

    QUALIFIES = "qualifies", _("Qualifies")
    WRONG_SIDE = "wrong_side", _("For the other side of the store")
    OUTSIDE_DATES = "outside_dates", _("Not rung within the campaign's dates")
    BELOW_MIN_SPEND = "below_min_spend", _("Below the minimum spend")
