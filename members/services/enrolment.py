"""Members services: enrolment of a new VIP card from qualifying receipts (R-VIP-1,2,3,5,6)."""


from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.errors import RuleViolation

from .. import events, rules, selectors
from ..choices import CardStatus, IdType, QualificationKind, Tier
from ..models import (
    Card,
    CardStockEntry,
    Member,
    QualificationUse,
)
from .cards import _card_number_allocate
from .ledger import (
    TIER_RANK,
)


def member_data_validate(*, name: str, phone: str, address: str, id_type: str, id_number: str) -> None:
    """R-VIP-6: required fields, mobile phone and ID-card check digit."""
    errors: dict[str, list[str]] = {}
    for key, value in (("name", name), ("phone", phone), ("address", address), ("id_number", id_number)):
        if not (value or "").strip():
            errors[key] = [_("Required (R-VIP-6).")]
    if phone and not rules.phone_valid(phone):
        errors["phone"] = [_("A mainland mobile number has 11 digits and starts with 1.")]
    if id_type not in IdType.values:
        errors["id_type"] = [_("Unknown identity document type.")]
    elif id_type == IdType.ID_CARD and id_number and not rules.id_card_valid(id_number):
        errors["id_number"] = [_("Not a valid ID card number (18 characters with a valid check digit).")]
    if errors:
        raise RuleViolation(_("The application data is incomplete or invalid."), code="R-VIP-6", fields=errors)


@transaction.atomic
def member_enrol(*, name: str, phone: str, address: str, id_type: str, id_number: str, birthday: dt.date | None,
                 tier: str, kind: str, receipts: list[tuple[str, str]] = (), legacy_card_number: str = "", user,
                 now: dt.datetime | None = None) -> Card:
    now = now or timezone.now()
    id_number = (id_number or "").strip().upper()
    member_data_validate(name=name, phone=phone, address=address, id_type=id_type, id_number=id_number)
    if tier not in TIER_RANK:
        raise RuleViolation(_("Unknown tier."), code="invalid", fields={"tier": [tier]})
    existing = Member.objects.select_for_update().filter(id_type=id_type, id_number=id_number).first()
    if existing and existing.cards.filter(status=CardStatus.ACTIVE).exists():
        raise RuleViolation(_("This person already holds an active membership card."), code="R-VIP-6",
                            fields={"id_number": [_("already a member")]})
    policy = selectors.policy_at(at=now)
    used_receipts: list[Receipt] = []
    if kind == QualificationKind.LEGACY_CARD:
        legacy_card_number = (legacy_card_number or "").strip()
        if not legacy_card_number:
            raise RuleViolation(_("Enter the old supermarket card number."), code="R-VIP-5",
                                fields={"legacy_card_number": ["required"]})
        if tier != Tier.GOLD:
            raise RuleViolation(_("A legacy supermarket card is swapped for a gold card."), code="R-VIP-5",
                                fields={"tier": [tier]})
        if Card.objects.filter(legacy_card_number=legacy_card_number).exists():
            raise RuleViolation(_("This old card was already swapped."), code="R-VIP-5",
                                fields={"legacy_card_number": ["retired"]})
    elif kind in (QualificationKind.DAILY_SPEND, QualificationKind.GROUP_PURCHASE, QualificationKind.PREPAID_CARDS):
        used_receipts = _qualifying_receipts_check(kind=kind, tier=tier, keys=list(receipts), policy=policy)
    else:
        raise RuleViolation(_("Unknown qualification."), code="invalid", fields={"qualification": [kind]})
    number, _left = _card_number_allocate(user=user)
    try:
        with transaction.atomic():
            if existing:
                member = existing
                member.name, member.phone, member.address, member.birthday = name, phone, address, birthday
                member.save()
            else:
                member = Member.objects.create(name=name, phone=phone, address=address, id_type=id_type,
                                               id_number=id_number, birthday=birthday)
            card = Card.objects.create(card_number=number, member=member, tier=tier, issued_at=now, issued_by=user,
                                       qualification_kind=kind, legacy_card_number=legacy_card_number)
            QualificationUse.objects.bulk_create([QualificationUse(card=card, receipt=r, kind=kind) for r in used_receipts])
    except IntegrityError as exc:  # the same person or receipts enrolled at another desk a moment ago
        raise RuleViolation(_("This person or these receipts were just used for another card."), code="R-VIP-6") from exc
    CardStockEntry.objects.create(change=-1, balance_after=_left, card=card, by=user, reason=_("Card issued"))
    events.card_issued_event(card=card, user=user, kind=kind, receipts=[f"{r.side}:{r.number}" for r in used_receipts])
    return card


def _qualifying_receipts_check(*, kind: str, tier: str, keys: list[tuple[str, str]], policy) -> list[Receipt]:
    code = {QualificationKind.GROUP_PURCHASE: "R-VIP-2", QualificationKind.PREPAID_CARDS: "R-VIP-3"}.get(
        kind, "R-VIP-3" if tier == Tier.PLATINUM else "R-VIP-1")
    if not keys:
        raise RuleViolation(_("Name the qualifying receipts."), code=code, fields={"receipts": ["required"]})
    found: list[Receipt] = []
    for side, number in keys:
        receipt = Receipt.objects.filter(side=side, number=number).first()
        if receipt is None:
            raise RuleViolation(_("Receipt %(n)s not found.") % {"n": number}, code=code, fields={"receipts": [number]})
        found.append(receipt)
    pks = sorted({r.pk for r in found})
    locked = list(Receipt.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len({r.business_date for r in locked}) > 1:
        raise RuleViolation(_("The receipts must be of one business day."), code=code, fields={"receipts": ["days"]})
    uses = QualificationUse.objects.filter(receipt__in=locked)
    if rules.qualification_reuse_refused(kind=kind, earlier_kinds=set(uses.values_list("kind", flat=True))):
        raise RuleViolation(_("A receipt already qualified another card."), code=code, fields={"receipts": ["used"]})
    total = sum((r.total for r in locked), Decimal("0.00"))
    result = rules.qualification_for(kind=kind, total=total, policy=policy)
    if result.tier is None or TIER_RANK[tier] > TIER_RANK[result.tier]:
        raise RuleViolation(
            _("These purchases (%(total)s) do not qualify for this card.") % {"total": f"{total:.2f}"},
            code="R-VIP-3" if tier == Tier.PLATINUM else result.rule, fields={"receipts": [f"total {total:.2f}"]},
        )
    if kind != QualificationKind.DAILY_SPEND:
        issued = uses.values("card").distinct().count()
        if issued >= result.cards:
            raise RuleViolation(_("This purchase's %(n)s card(s) are all issued.") % {"n": result.cards}, code=result.rule,
                                fields={"receipts": ["all cards issued"]})
    return locked
