"""Members services: the scheduled jobs — birthday greetings and mailing list, the nightly upgrade sweep."""


from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from receipts.models import Receipt

from .. import selectors
from ..choices import CardStatus, Tier
from ..models import (
    BirthdayMailing,
    Card,
)
from ..sms import sms_send
from .ledger import (
    card_upgrade_check,
)


def _birthday_filter(day: dt.date):
    from django.db.models import Q

    condition = Q(member__birthday__month=day.month, member__birthday__day=day.day)
    if day.month == 2 and day.day == 28 and not (day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)):
        condition |= Q(member__birthday__month=2, member__birthday__day=29)
    return condition


def birthday_greetings_send(*, day: dt.date) -> int:
    """R-VIP-9: a greeting SMS on the birthday morning; once per card per year (idempotent by key)."""
    sent = 0
    cards = Card.objects.filter(_birthday_filter(day), status=CardStatus.ACTIVE).select_related("member")
    for card in cards.iterator(chunk_size=2000):
        if sms_send(phone=card.member.phone, key=f"birthday:{card.card_number}:{day.year}",
                    text=f"{card.member.name}您好：佳洁商场祝您生日快乐！今日凭会员卡购物享"
                         f"{'三' if card.tier == Tier.PLATINUM else '双'}倍积分，并可到服务台领取生日礼品一份。"):
            sent += 1
    return sent


def birthday_mailing_list_build(*, today: dt.date) -> int:
    """R-VIP-9: members with ≥ the policy's points whose birthday is N days ahead go on the mailing list."""
    policy = selectors.policy_at(at=timezone.now())
    target = today + dt.timedelta(days=policy.birthday_card_days_ahead)
    added = 0
    cards = Card.objects.filter(_birthday_filter(target), status=CardStatus.ACTIVE,
                                dept_points__gte=policy.birthday_card_min_points)
    for card in cards.iterator(chunk_size=2000):
        _obj, created = BirthdayMailing.objects.get_or_create(
            card=card, year=target.year, defaults={"birthday": target, "dept_points": card.dept_points})
        added += int(created)
    return added


def upgrade_checks_run(*, year: int) -> int:
    """R-VIP-4 sweep: gold cards whose year's receipts reach the threshold (the feed also checks on each receipt)."""
    policy = selectors.policy_at(at=timezone.now())
    numbers = (Receipt.objects.filter(business_date__year=year).exclude(card_number="").values("card_number")
               .annotate(s=Sum("total")).filter(s__gte=policy.upgrade_year_spend).values_list("card_number", flat=True))
    upgraded = 0
    cards = Card.objects.filter(card_number__in=list(numbers), tier=Tier.GOLD, status=CardStatus.ACTIVE)
    for card in cards.select_related("member"):
        upgraded += int(card_upgrade_check(card=card, year=year))
    return upgraded
