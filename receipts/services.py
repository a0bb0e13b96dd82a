"""Receipt ingestion from the till feed (api-contract.md, Receipts): store the receipt with its lines and
credit its points in the same transaction (R-PTS-1..5, R-VIP-9, R-VIP-4 via members.services)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import rules as member_rules
from members import selectors as member_selectors
from members import services as member_services
from members.models import Card, ReceiptPoints
from servicedesk.errors import Conflict, RuleViolation
from servicedesk.money import money_str

from .choices import PaymentMethod, ReceiptSource
from .models import Receipt, ReceiptLine

# How far ahead of the server a till's clock may run before its receipt is refused (not a business number).
TILL_CLOCK_TOLERANCE = dt.timedelta(minutes=10)
LINE_FIELDS = ("line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity",
               "bulk_discount", "fresh")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def receipt_body_hash(data: dict) -> str:
    """The hash of the canonical receipt body (same receipt posted again → same hash)."""
    canonical = {key: _plain(data.get(key)) for key in ("side", "number", "rung_at", "payment_method", "total")}
    canonical["card_number"] = data.get("card_number") or ""
    canonical["lines"] = sorted(
        ({key: _plain(line.get(key, "" if key == "description" else False)) for key in LINE_FIELDS} for line in data["lines"]),
        key=lambda line: line["line_no"],
    )
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _response(*, receipt: Receipt, card: Card | None, points: int) -> dict:
    balance = None
    if card is not None:
        dept, market, stored = Card.objects.values_list("dept_points", "market_points", "stored_value").get(pk=card.pk)
        balance = {"dept_points": dept, "market_points": market, "stored_value": money_str(stored)}
    return {"side": receipt.side, "number": receipt.number, "points_earned": points, "wallet": receipt.side,
            "card_number": card.card_number if card else None, "member_balance": balance}


def _repost(existing: Receipt, body_hash: str) -> tuple[dict, bool]:
    if existing.body_hash != body_hash:
        raise Conflict(_("Receipt %(n)s was already received with a different body.") % {"n": existing.number},
                       code="conflict", fields={"number": [existing.number]})
    rp = ReceiptPoints.objects.filter(receipt=existing).first()
    if rp and rp.response:
        return rp.response, False
    return _response(receipt=existing, card=None, points=0), False


def receipt_ingest(*, data: dict, user=None, source: str = ReceiptSource.FEED, now: dt.datetime | None = None
                   ) -> tuple[dict, bool]:
    """Store one till receipt (validated shape in `data`) and credit its points. Returns (body, created).

    Idempotent by side + number: the identical body again answers the first answer; another body → 409."""
    now = now or timezone.now()
    body_hash = receipt_body_hash(data)
    existing = Receipt.objects.filter(side=data["side"], number=data["number"]).first()
    if existing is not None:
        return _repost(existing, body_hash)
    if data["rung_at"] > now + TILL_CLOCK_TOLERANCE:  # a till whose clock runs ahead would earn points early
        raise RuleViolation(_("The receipt is rung in the future: check the till's clock."), code="invalid",
                            fields={"rung_at": [data["rung_at"].isoformat()]})
    lines = data["lines"]
    line_sum = sum((Decimal(line["unit_price"]) * int(line["quantity"]) for line in lines), Decimal("0.00"))
    if line_sum != Decimal(data["total"]):
        message = _("The total %(t)s is not the sum of the lines %(s)s.") % {"t": data["total"], "s": f"{line_sum:.2f}"}
        raise RuleViolation(message, code="total_mismatch", fields={"total": [f"lines sum to {line_sum:.2f}"]})
    if len({int(line["line_no"]) for line in lines}) != len(lines):
        raise RuleViolation(_("Line numbers must be unique."), code="invalid", fields={"lines": ["duplicate line_no"]})
    card_number = (data.get("card_number") or "").strip()
    card = None
    rung_at = data["rung_at"]
    if card_number:
        card = member_selectors.card_usable(card_number=card_number)
        if card is None:
            raise RuleViolation(_("Card %(c)s is unknown or blocked.") % {"c": card_number}, code="card_not_usable",
                                fields={"card_number": [card_number]})
        # R-PTS-4: points only at swipe time; an older receipt naming a card is refused (过时不补积分).
        if source == ReceiptSource.FEED and rung_at < member_selectors.business_day_start(now=now):
            raise RuleViolation(_("Points are credited only on the business day the receipt was rung."), code="R-PTS-4",
                                fields={"rung_at": [rung_at.isoformat()]})
    if data["payment_method"] == PaymentMethod.STORED_VALUE and card is None:
        raise RuleViolation(_("Paying with stored value needs the member's card."), code="R-RBT-4",
                            fields={"card_number": ["required"]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = Receipt.objects.create(
                    side=data["side"], number=data["number"], rung_at=rung_at, business_date=timezone.localdate(rung_at),
                    card_number=card_number, payment_method=data["payment_method"], total=data["total"], source=source,
                    body_hash=body_hash,
                )
        except IntegrityError:  # the same receipt arrived through another till connection a moment ago
            return _repost(Receipt.objects.get(side=data["side"], number=data["number"]), body_hash)
        ReceiptLine.objects.bulk_create([
            ReceiptLine(receipt=receipt, **{key: line.get(key, "" if key == "description" else False) for key in LINE_FIELDS})
            for line in lines
        ])
        points, explanation, multiplier, policy_id = 0, {}, 1, None
        earns = card is not None and rung_at >= member_selectors.business_day_start(now=now)  # R-PTS-4 for imports too
        policy = member_selectors.policy_at(at=rung_at) if card is not None else None
        if earns:
            facts = [member_rules.LineFacts(**{k: line.get(k, False) for k in LINE_FIELDS if k not in ("sku", "description")})
                     for line in lines]
            result = member_services.points_award_for_receipt(receipt=receipt, card=card, lines=facts, policy=policy)
            points, multiplier, policy_id = result.points, result.birthday_multiplier, result.policy_id
            explanation = {**result.as_dict(), "tier": card.tier, "birthday": multiplier > 1}
        if card is not None and data["payment_method"] == PaymentMethod.STORED_VALUE:
            member_services.stored_value_spend(card=card, amount=Decimal(data["total"]), user=user, receipt=receipt,
                                               reference=f"{receipt.side}:{receipt.number}")
        body = _response(receipt=receipt, card=card, points=points)
        ReceiptPoints.objects.create(receipt=receipt, card=card, wallet=receipt.side, points=points,
                                     birthday_multiplier=multiplier, policy_id=policy_id, explanation=explanation,
                                     response=body, created_at=now)
        if card is not None:
            member_services.card_upgrade_check(card=card, year=receipt.business_date.year, policy=policy)  # R-VIP-4
    return body, True


def receipt_points_after_import(*, receipt: Receipt, now: dt.datetime | None = None) -> int:
    """Settle the points of an imported receipt: only with a usable card and only when rung on the current
    business day (R-PTS-4); anything else is stored without points. Returns the points credited."""
    now = now or timezone.now()
    card = member_selectors.card_usable(card_number=receipt.card_number)
    points, explanation, multiplier, policy_id = 0, {"refused": "R-PTS-4"}, 1, None
    if card is not None and receipt.rung_at >= member_selectors.business_day_start(now=now):
        facts = member_selectors.line_facts(receipt)
        result = member_services.points_award_for_receipt(receipt=receipt, card=card, lines=facts)
        points, multiplier, policy_id = result.points, result.birthday_multiplier, result.policy_id
        explanation = {**result.as_dict(), "tier": card.tier, "birthday": multiplier > 1}
    elif card is None and receipt.card_number:
        explanation = {"refused": "card_not_usable"}
    ReceiptPoints.objects.create(receipt=receipt, card=card, wallet=receipt.side, points=points,
                                 birthday_multiplier=multiplier, policy_id=policy_id, explanation=explanation,
                                 response=_response(receipt=receipt, card=card, points=points), created_at=now)
    return points
