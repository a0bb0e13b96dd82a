"""State changes of the desk services (R-DESK-2…4): one function per operation, each in one transaction,
rows locked where two desks could race. Ledger writers are one function per entry kind (`deposit_*`,
`supply_*`) so a finance period guard can be called there later. Refusals are DomainErrors with rule ids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, RuleViolation
from servicedesk.money import ZERO, quantize
from servicedesk.numbering import number_next
from servicedesk.services import notification_send

from . import events, rules, selectors
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
)
from .models import (
    BagStorage,
    Brand,
    DeliveryRequest,
    DepositCashCount,
    DepositEntry,
    DeskPolicy,
    DeskReport,
    Enquiry,
    GiftWrap,
    LostProperty,
    SupplyEntry,
    SupplyItem,
    SupplyStocktake,
    UmbrellaLoan,
)


def _text(value, field: str, *, rule: str, required: bool = True, max_length: int = 500) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RuleViolation(_("%(field)s is required.") % {"field": field}, code=rule, fields={field: ["required"]})
    if len(value) > max_length:
        raise RuleViolation(_("%(field)s is too long.") % {"field": field}, code=rule, fields={field: ["too long"]})
    return value


def policy_in_force(*, on: dt.date) -> DeskPolicy:
    """The desk policy of the day; a new installation gets the rules' defaults as its first version."""
    policy = selectors.desk_policy(on=on)
    if policy is None:
        policy, _created = DeskPolicy.objects.get_or_create(effective_from=dt.date(2000, 1, 1))
    return policy


# ---------------------------------------------------------------- R-DESK-2
def enquiry_log(*, user, channel: str, topic: str, question: str = "", answer: str = "",
                now: dt.datetime | None = None) -> Enquiry:
    """R-DESK-2: one enquiry, logged in one click (topic and channel; the note is optional)."""
    if channel not in EnquiryChannel.values:
        raise RuleViolation(_("Unknown channel."), code="R-DESK-2", fields={"channel": [str(channel)]})
    if topic not in EnquiryTopic.values:
        raise RuleViolation(_("Unknown topic."), code="R-DESK-2", fields={"topic": [str(topic)]})
    return Enquiry.objects.create(
        at=now or timezone.now(), channel=channel, topic=topic, by=user,
        question=_text(question, "question", rule="R-DESK-2", required=False),
        answer=_text(answer, "answer", rule="R-DESK-2", required=False),
    )


@transaction.atomic
def brand_save(*, user, brand: str, floor: str, counter: str = "", category: str = "", phone: str = "",
               active: bool = True) -> Brand:
    """R-DESK-2: add a directory line, or update the line of that brand (the floor plan changes each season)."""
    name = _text(brand, "brand", rule="R-DESK-2", max_length=100)
    values = {
        "floor": _text(floor, "floor", rule="R-DESK-2", max_length=20),
        "counter": _text(counter, "counter", rule="R-DESK-2", required=False, max_length=30),
        "category": _text(category, "category", rule="R-DESK-2", required=False, max_length=50),
        "phone": _text(phone, "phone", rule="R-DESK-2", required=False, max_length=30),
        "active": bool(active), "initials": rules.brand_initials(name),
    }
    row = Brand.objects.select_for_update().filter(brand=name).first() or Brand(brand=name)
    for key, value in values.items():
        setattr(row, key, value)
    row._history_user = user
    row.save()
    return row


# ---------------------------------------------------------------- R-DESK-3 umbrellas and the deposit ledger
def _deposit_write(*, loan: UmbrellaLoan, kind: str, user, now: dt.datetime) -> DepositEntry:
    cash = {DepositKind.TAKEN: loan.deposit, DepositKind.REFUNDED: -loan.deposit, DepositKind.FORFEITED: ZERO}[kind]
    held = {DepositKind.TAKEN: loan.deposit, DepositKind.REFUNDED: -loan.deposit, DepositKind.FORFEITED: -loan.deposit}[kind]
    return DepositEntry.objects.create(loan=loan, kind=kind, amount=loan.deposit, cash=cash, held_change=held, at=now, by=user)


def deposit_take(*, loan: UmbrellaLoan, user, now: dt.datetime) -> DepositEntry:
    return _deposit_write(loan=loan, kind=DepositKind.TAKEN, user=user, now=now)


def deposit_refund(*, loan: UmbrellaLoan, user, now: dt.datetime) -> DepositEntry:
    return _deposit_write(loan=loan, kind=DepositKind.REFUNDED, user=user, now=now)


def deposit_forfeit(*, loan: UmbrellaLoan, user, now: dt.datetime) -> DepositEntry:
    return _deposit_write(loan=loan, kind=DepositKind.FORFEITED, user=user, now=now)


def _money(value, field: str, *, rule: str) -> Decimal:
    try:
        amount = quantize(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation(_("Not an amount."), code=rule, fields={field: ["invalid"]})
    if amount <= 0 or amount >= Decimal("1000000"):
        raise RuleViolation(_("The amount must be positive."), code=rule, fields={field: ["must be positive"]})
    return amount


def umbrella_lend(*, user, umbrella: str, customer_name: str, phone: str, deposit=None,
                  now: dt.datetime | None = None) -> UmbrellaLoan:
    """R-DESK-3: lend an umbrella against a cash deposit (the policy's when none is given). An umbrella that is
    out → 409 (two desks lending the same umbrella: the partial unique index decides)."""
    now = now or timezone.now()
    code = _text(umbrella, "umbrella", rule="R-DESK-3", max_length=20).upper()
    name = _text(customer_name, "customer_name", rule="R-DESK-3", max_length=100)
    phone = _text(phone, "phone", rule="R-DESK-3", max_length=30)
    policy = policy_in_force(on=timezone.localdate(now))
    amount = policy.umbrella_deposit if deposit in (None, "") else _money(deposit, "deposit", rule="R-DESK-3")
    clock = rules.loan_clock(lent_at=now, loan_days=policy.umbrella_loan_days, forfeit_days=policy.umbrella_forfeit_days)
    try:
        with transaction.atomic():
            if UmbrellaLoan.objects.filter(umbrella=code, status=LoanStatus.OUT).exists():
                raise IntegrityError("out")
            loan = UmbrellaLoan(umbrella=code, customer_name=name, phone=phone, deposit=amount, status=LoanStatus.OUT,
                                lent_at=now, lent_by=user, due_at=clock.due_at, forfeit_at=clock.forfeit_at, policy=policy)
            loan._history_user = user
            loan.save()
            deposit_take(loan=loan, user=user, now=now)
    except IntegrityError:
        raise Conflict(_("Umbrella %(code)s is already out.") % {"code": code}, code="R-DESK-3",
                       fields={"umbrella": [code]})
    return loan


def _locked_loan(loan: UmbrellaLoan) -> UmbrellaLoan:
    return UmbrellaLoan.objects.select_for_update().get(pk=loan.pk)


@transaction.atomic
def umbrella_return(*, loan: UmbrellaLoan, user, now: dt.datetime | None = None) -> UmbrellaLoan:
    """R-DESK-3: the umbrella comes back, the deposit is refunded in cash. Twice (or after the deposit was
    kept) → 409."""
    now = now or timezone.now()
    loan = _locked_loan(loan)
    if loan.status != LoanStatus.OUT:
        raise Conflict(_("This loan is already %(status)s.") % {"status": loan.get_status_display()}, code="R-DESK-3",
                       fields={"status": [loan.status]})
    loan.status, loan.closed_at, loan.closed_by = LoanStatus.RETURNED, now, user
    loan._history_user = user
    loan.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    deposit_refund(loan=loan, user=user, now=now)
    return loan


@transaction.atomic
def umbrella_forfeit(*, loan: UmbrellaLoan, user, now: dt.datetime | None = None) -> UmbrellaLoan:
    """R-DESK-3: an umbrella not back by the policy's forfeit day: the deposit is kept (recorded as a
    `forfeited` entry; it stays in the drawer as the store's). Before that day → 400; not out → 409."""
    now = now or timezone.now()
    loan = _locked_loan(loan)
    if loan.status != LoanStatus.OUT:
        raise Conflict(_("This loan is already %(status)s.") % {"status": loan.get_status_display()}, code="R-DESK-3",
                       fields={"status": [loan.status]})
    if not rules.loan_may_be_forfeited(forfeit_at=loan.forfeit_at, now=now):
        raise RuleViolation(_("The deposit may be kept only from %(day)s.") % {
            "day": timezone.localtime(loan.forfeit_at).strftime("%Y-%m-%d %H:%M")}, code="R-DESK-3",
            fields={"forfeit_at": [loan.forfeit_at.isoformat()]})
    loan.status, loan.closed_at, loan.closed_by = LoanStatus.FORFEITED, now, user
    loan._history_user = user
    loan.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    deposit_forfeit(loan=loan, user=user, now=now)
    return loan


def umbrellas_forfeit_due(*, now: dt.datetime | None = None) -> int:
    """The daily job: keep the deposits of every loan past its forfeit day. Idempotent."""
    now = now or timezone.now()
    done = 0
    for loan in list(selectors.loans_to_forfeit(now=now)):
        try:
            umbrella_forfeit(loan=loan, user=None, now=now)
        except Conflict:
            continue  # returned meanwhile
        done += 1
    return done


@transaction.atomic
def deposit_cash_count(*, user, day: dt.date, counted, note: str = "", now: dt.datetime | None = None) -> DepositCashCount:
    """R-DESK-3: the deposit cash counted at the end of a day against what the ledger says is held; a second
    count of the day replaces the first (the history keeps both)."""
    now = now or timezone.now()
    try:
        amount = quantize(Decimal(str(counted)))
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation(_("Not an amount."), code="R-DESK-3", fields={"counted": ["invalid"]})
    if amount < 0:
        raise RuleViolation(_("The amount must not be negative."), code="R-DESK-3", fields={"counted": ["negative"]})
    expected = selectors.deposit_day(day=day).held_at_close
    row = DepositCashCount.objects.select_for_update().filter(day=day).first() or DepositCashCount(day=day)
    row.counted, row.expected, row.variance = amount, expected, amount - expected
    row.note, row.at, row.by = _text(note, "note", rule="R-DESK-3", required=False, max_length=300), now, user
    row._history_user = user
    row.save()
    return row


# ---------------------------------------------------------------- R-DESK-3 free items and supplies
def _locked_item(item: SupplyItem) -> SupplyItem:
    return SupplyItem.objects.select_for_update().get(pk=item.pk)


def _supply_write(*, item: SupplyItem, kind: str, quantity: int, user, note: str, now: dt.datetime) -> SupplyEntry:
    locked = _locked_item(item)
    after = locked.on_hand + quantity
    if after < 0:
        raise RuleViolation(_("Only %(n)s %(unit)s of %(item)s on hand.") % {"n": locked.on_hand, "unit": locked.unit,
                                                                              "item": locked.name},
                            code="R-DESK-3", fields={"quantity": [str(-quantity)]})
    SupplyItem.objects.filter(pk=locked.pk).update(on_hand=F("on_hand") + quantity)
    item.on_hand = after
    return SupplyEntry.objects.create(item=locked, kind=kind, quantity=quantity, balance_after=after, note=note[:200],
                                      at=now, by=user)


def _quantity(value, *, field: str = "quantity") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100000:
        raise RuleViolation(_("The quantity must be a whole number from 1."), code="R-DESK-3", fields={field: [str(value)]})
    return value


@transaction.atomic
def supply_receive(*, item: SupplyItem, quantity: int, user, note: str = "", now: dt.datetime | None = None) -> SupplyEntry:
    """Supplies received at the desk (R-DESK-3)."""
    return _supply_write(item=item, kind=SupplyEntryKind.RECEIVE, quantity=_quantity(quantity), user=user,
                         note=_text(note, "note", rule="R-DESK-3", required=False, max_length=200), now=now or timezone.now())


@transaction.atomic
def supply_issue(*, item: SupplyItem, quantity: int = 1, user, note: str = "", now: dt.datetime | None = None) -> SupplyEntry:
    """A free item handed out (sewing kit, first-aid item, publication) or a supply used (R-DESK-3). Stock never
    goes negative, also when two desks issue at once (the item row is locked)."""
    return _supply_write(item=item, kind=SupplyEntryKind.ISSUE, quantity=-_quantity(quantity), user=user,
                         note=_text(note, "note", rule="R-DESK-3", required=False, max_length=200), now=now or timezone.now())


@transaction.atomic
def supply_stocktake(*, item: SupplyItem, counted: int, user, month: dt.date | None = None, note: str = "",
                     now: dt.datetime | None = None) -> SupplyStocktake:
    """R-DESK-4 monthly supplies stocktake: expected is the ledger, a variance is booked as an `adjust` entry.
    One count per item and month → a second one is 409."""
    now = now or timezone.now()
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise RuleViolation(_("The count must be a whole number."), code="R-DESK-4", fields={"counted": [str(counted)]})
    month = (month or timezone.localdate(now)).replace(day=1)
    locked = _locked_item(item)
    if SupplyStocktake.objects.filter(item=locked, month=month).exists():
        raise Conflict(_("%(item)s was already counted for %(month)s.") % {"item": locked.name, "month": f"{month:%Y-%m}"},
                       code="R-DESK-4", fields={"month": [f"{month:%Y-%m}"]})
    variance = counted - locked.on_hand
    entry = None
    if variance:
        entry = _supply_write(item=locked, kind=SupplyEntryKind.ADJUST, quantity=variance, user=user,
                              note=_("Stocktake %(month)s") % {"month": f"{month:%Y-%m}"}, now=now)
    return SupplyStocktake.objects.create(item=locked, month=month, expected=counted - variance, counted=counted,
                                          variance=variance, entry=entry, by=user, at=now,
                                          note=_text(note, "note", rule="R-DESK-4", required=False, max_length=300))


# ---------------------------------------------------------------- R-DESK-3 gift wrapping, deliveries
def gift_wrap_log(*, user, card_number: str, items: int = 1, receipt=None, note: str = "",
                  now: dt.datetime | None = None) -> GiftWrap:
    """Free gift wrapping is a members' benefit: the card must be an active VIP card (R-DESK-3)."""
    from members.choices import CardStatus
    from members.models import Card

    number = _text(card_number, "card_number", rule="R-DESK-3", max_length=32)
    card = Card.objects.filter(card_number=number).first()
    if card is None or card.status != CardStatus.ACTIVE:
        raise RuleViolation(_("Free gift wrapping is for members with an active card."), code="R-DESK-3",
                            fields={"card_number": [number]})
    return GiftWrap.objects.create(card=card, items=_quantity(items, field="items"), receipt=receipt, by=user,
                                   note=_text(note, "note", rule="R-DESK-3", required=False, max_length=200),
                                   at=now or timezone.now())


def delivery_request(*, user, customer_name: str, phone: str, address: str, goods: str, receipt=None,
                     wanted_on: dt.date | None = None, note: str = "") -> DeliveryRequest:
    """R-DESK-3: a bulk-goods delivery request taken at the desk."""
    req = DeliveryRequest(
        customer_name=_text(customer_name, "customer_name", rule="R-DESK-3", max_length=100),
        phone=_text(phone, "phone", rule="R-DESK-3", max_length=30),
        address=_text(address, "address", rule="R-DESK-3", max_length=300),
        goods=_text(goods, "goods", rule="R-DESK-3", max_length=2000), receipt=receipt, wanted_on=wanted_on,
        note=_text(note, "note", rule="R-DESK-3", required=False, max_length=300), requested_by=user,
    )
    req._history_user = user
    req.save()
    return req


@transaction.atomic
def delivery_move(*, request: DeliveryRequest, to: str, user, scheduled_for: dt.date | None = None, note: str = "",
                  now: dt.datetime | None = None) -> DeliveryRequest:
    """R-DESK-3: follow a delivery until delivered (rules.delivery_may_move); out of order → 409."""
    now = now or timezone.now()
    req = DeliveryRequest.objects.select_for_update().get(pk=request.pk)
    if to not in DeliveryStatus.values:
        raise RuleViolation(_("Unknown status."), code="R-DESK-3", fields={"status": [str(to)]})
    if not rules.delivery_may_move(status=req.status, to=to):
        raise Conflict(_("A delivery that is %(status)s cannot become %(to)s.") % {
            "status": req.get_status_display(), "to": DeliveryStatus(to).label}, code="R-DESK-3", fields={"status": [req.status]})
    if to == DeliveryStatus.SCHEDULED and scheduled_for is None:
        raise RuleViolation(_("Give the delivery day."), code="R-DESK-3", fields={"scheduled_for": ["required"]})
    req.status = to
    if scheduled_for is not None:
        req.scheduled_for = scheduled_for
    if to == DeliveryStatus.DELIVERED:
        req.delivered_at = now
    if note:
        req.note = _text(note, "note", rule="R-DESK-3", required=False, max_length=300)
    req._history_user = user
    req.save()
    return req


# ---------------------------------------------------------------- R-DESK-3 lost property (and the PA, R-BC-4)
def _aware(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def lost_property_register(*, user, description: str, found_where: str, found_at: dt.datetime | None = None,
                           found_by: str = "", kind: str = LostKind.FOUND_ITEM, holding_place: str = "",
                           announce: bool | None = None, announcement: str = "",
                           now: dt.datetime | None = None) -> LostProperty:
    """R-DESK-3: register an item handed in, a lost child or a lost person. The number SW-YYYYMMDD-NNNN of the
    store-local day comes from the numbering service inside this transaction (no gap, no duplicate). Unless
    `announce` is false, the matching PA insert is raised from its approved template in the same transaction
    (R-BC-4): if the insert cannot be raised, nothing is registered."""
    from broadcast.services import urgent_insert_raise

    now = now or timezone.now()
    if kind not in LostKind.values:
        raise RuleViolation(_("Unknown kind."), code="R-DESK-3", fields={"kind": [str(kind)]})
    found_at = _aware(found_at, now)
    if found_at > now + dt.timedelta(minutes=10):
        raise RuleViolation(_("That time is in the future."), code="R-DESK-3", fields={"found_at": [found_at.isoformat()]})
    day = timezone.localdate(now)
    policy = policy_in_force(on=day)
    entry = LostProperty(
        kind=kind, description=_text(description, "description", rule="R-DESK-3", max_length=2000),
        found_where=_text(found_where, "found_where", rule="R-DESK-3", max_length=200), found_at=found_at,
        found_by=_text(found_by, "found_by", rule="R-DESK-3", required=False, max_length=100),
        holding_place=_text(holding_place, "holding_place", rule="R-DESK-3", required=False, max_length=100),
        status=LostStatus.HELD, registered_at=now, registered_by=user,
        dispose_after=rules.dispose_after(registered_on=day, holding_days=policy.lost_property_holding_days),
    )
    entry.number = rules.lost_property_number(day=day, n=number_next(key=rules.lost_property_key(day=day)))
    entry._history_user = user
    entry.save()
    events.lost_property_event(entry=entry, type=LostEventType.REGISTERED, user=user, kind=kind)
    if rules.announced_by_default(kind) if announce is None else announce:
        details = _text(announcement, "announcement", rule="R-DESK-3", required=False, max_length=500) or entry.description
        insert = urgent_insert_raise(kind=rules.pa_kind_for(kind), text=details, user=user, source_ref=entry.number, now=now)
        entry.pa_insert = insert
        entry.save(update_fields=["pa_insert", "updated_at"])
        events.lost_property_event(entry=entry, type=LostEventType.ANNOUNCED, user=user, insert=insert.pk,
                                   pa_kind=insert.kind, priority=insert.priority)
    return entry


def _locked_entry(entry: LostProperty) -> LostProperty:
    return LostProperty.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def lost_property_claim(*, entry: LostProperty, user, claimant_name: str, id_number: str, phone: str,
                        now: dt.datetime | None = None) -> LostProperty:
    """R-DESK-3: hand the property (or the child) over against the claimant's ID. The claim links back to the
    PA insert it raised: an insert still queued is withdrawn (no need to air it any more). Twice → 409."""
    from broadcast.choices import InsertStatus
    from broadcast.models import UrgentInsert
    from broadcast.services import urgent_insert_withdraw

    now = now or timezone.now()
    entry = _locked_entry(entry)
    if entry.status != LostStatus.HELD:
        raise Conflict(_("%(number)s is already %(status)s.") % {"number": entry.number, "status": entry.get_status_display()},
                       code="R-DESK-3", fields={"status": [entry.status]})
    entry.claimant_name = _text(claimant_name, "claimant_name", rule="R-DESK-3", max_length=100)
    entry.claimant_id_number = _text(id_number, "id_number", rule="R-DESK-3", max_length=40)
    entry.claimant_phone = _text(phone, "phone", rule="R-DESK-3", max_length=30)
    entry.status, entry.claimed_at, entry.claimed_by = LostStatus.CLAIMED, now, user
    entry._history_user = user
    entry.save()
    withdrawn = False
    if entry.pa_insert_id:
        insert = UrgentInsert.objects.select_for_update().get(pk=entry.pa_insert_id)
        if insert.status == InsertStatus.QUEUED:
            urgent_insert_withdraw(insert=insert, user=user, reason=_("Claimed: %(number)s") % {"number": entry.number})
            withdrawn = True
    events.lost_property_event(entry=entry, type=LostEventType.CLAIMED, user=user, insert=entry.pa_insert_id,
                               insert_withdrawn=withdrawn)
    return entry


@transaction.atomic
def lost_property_dispose(*, entry: LostProperty, user, disposal: str, now: dt.datetime | None = None) -> LostProperty:
    """R-DESK-3: unclaimed property is disposed of after the holding period (handed to the police, donated…),
    kept in the register as disposed, never deleted. Before the period ends → 400; not held → 409."""
    now = now or timezone.now()
    entry = _locked_entry(entry)
    if entry.status != LostStatus.HELD:
        raise Conflict(_("%(number)s is already %(status)s.") % {"number": entry.number, "status": entry.get_status_display()},
                       code="R-DESK-3", fields={"status": [entry.status]})
    if not rules.may_dispose(dispose_after=entry.dispose_after, today=timezone.localdate(now)):
        raise RuleViolation(_("%(number)s is held until %(day)s.") % {"number": entry.number, "day": entry.dispose_after},
                            code="R-DESK-3", fields={"dispose_after": [entry.dispose_after.isoformat()]})
    entry.disposal = _text(disposal, "disposal", rule="R-DESK-3", max_length=300)
    entry.status, entry.disposed_at, entry.disposed_by = LostStatus.DISPOSED, now, user
    entry._history_user = user
    entry.save()
    events.lost_property_event(entry=entry, type=LostEventType.DISPOSED, user=user, disposal=entry.disposal)
    return entry


# ---------------------------------------------------------------- R-DESK-3 bag storage
def bag_store(*, user, tag: str, description: str = "", now: dt.datetime | None = None) -> BagStorage:
    """顾客存包: the bag is taken in and a numbered tag handed over; a tag already out → 409."""
    code = _text(tag, "tag", rule="R-DESK-3", max_length=20).upper()
    try:
        with transaction.atomic():
            if BagStorage.objects.filter(tag=code, status=BagStatus.STORED).exists():
                raise IntegrityError("stored")
            bag = BagStorage(tag=code, description=_text(description, "description", rule="R-DESK-3", required=False,
                                                         max_length=200),
                             status=BagStatus.STORED, stored_at=now or timezone.now(), stored_by=user)
            bag._history_user = user
            bag.save()
    except IntegrityError:
        raise Conflict(_("Tag %(tag)s is already out.") % {"tag": code}, code="R-DESK-3", fields={"tag": [code]})
    return bag


@transaction.atomic
def bag_give_back(*, tag: str, user, now: dt.datetime | None = None) -> BagStorage:
    """The bag is given back against its tag; a tag with no bag stored → 409."""
    code = _text(tag, "tag", rule="R-DESK-3", max_length=20).upper()
    bag = BagStorage.objects.select_for_update().filter(tag=code, status=BagStatus.STORED).first()
    if bag is None:
        raise Conflict(_("No bag is stored under tag %(tag)s.") % {"tag": code}, code="R-DESK-3", fields={"tag": [code]})
    bag.status, bag.returned_at, bag.returned_by = BagStatus.RETURNED, now or timezone.now(), user
    bag._history_user = user
    bag.save(update_fields=["status", "returned_at", "returned_by", "updated_at"])
    return bag


# ---------------------------------------------------------------- R-DESK-4 reports
def _report_url(report: DeskReport) -> str:
    try:
        return reverse("admin:desk_deskreport_page", args=[report.kind, report.period])
    except Exception:  # noqa: BLE001 - the admin may not be mounted (a worker without URLs)
        return ""


@transaction.atomic
def report_prepare(*, kind: str, period: str, now: dt.datetime | None = None) -> DeskReport:
    """R-DESK-4: compute a weekly or monthly report, keep its figures, and tell the desk supervisors once.
    Preparing the same period again refreshes the figures without a second notice (idempotent)."""
    if kind not in ReportKind.values:
        raise RuleViolation(_("Unknown report."), code="R-DESK-4", fields={"kind": [str(kind)]})
    try:
        data = selectors.report_figures(kind=kind, period=period)
    except rules.BadPeriod:
        raise RuleViolation(_("Write the week as 2026-W48 and the month as 2026-11."), code="R-DESK-4",
                            fields={"week" if kind == ReportKind.WEEKLY else "month": [str(period)]})
    report, _created = DeskReport.objects.update_or_create(kind=kind, period=period,
                                                           defaults={"data": data, "prepared_at": now or timezone.now()})
    title = _("%(report)s %(period)s is ready") % {"report": report.get_kind_display(), "period": period}
    for user in selectors.users_with_perm("desk.change_deskreport"):
        notification_send(recipient=user, title=title, url=_report_url(report), key=f"desk-report:{kind}:{period}")
    return report


def reports_prepare_due(*, kind: str, now: dt.datetime | None = None) -> DeskReport:
    """The scheduled job: last week's report on Monday morning, last month's on the 1st."""
    today = timezone.localdate(now or timezone.now())
    period = rules.previous_week(today) if kind == ReportKind.WEEKLY else rules.previous_month(today)
    return report_prepare(kind=kind, period=period, now=now)
