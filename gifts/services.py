"""State changes of gifts/, one function per business operation, each in one transaction.

Stock (R-GIFT-2) moves only through the `gift_stock_*` writers below, one per ledger entry kind, all through
`_stock_move`: it calls the finance period guard (R-FIN-2, 409 `period_closed` for a moment inside a closed
month), locks the item row (`select_for_update`), refuses a move that would take it below zero, moves the
cached on-hand with `F()` and appends the ledger entry with its running balance, all in the caller's
transaction. The entry's `at` is always the server's clock (`_stock_move(at=)` exists for the tests'
back-dated entries only, as members' `_ledger_move(at=)`)."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.errors import Conflict, RuleViolation
from servicedesk.money import quantize
from servicedesk.numbering import numbers_take
from servicedesk.periods import period_guard

from . import events, rules, selectors
from .choices import (
    CampaignStatus,
    ClawbackKind,
    EntryKind,
    IssueKind,
    StocktakeStatus,
    VoucherStatus,
)
from .models import (
    GiftCampaign,
    GiftDelivery,
    GiftIssue,
    GiftItem,
    GiftStockEntry,
    GiftVoucher,
    GiftVoucherBatch,
    Stocktake,
)

VOUCHER_SEQUENCE = "gift-voucher"  # one series for every campaign: a serial is unique across campaigns
VOUCHER_PREFIX = "ZP"
MAX_VOUCHERS_PER_BATCH = 1000


# ---------------------------------------------------------------- the stock ledger (R-GIFT-2)

def _stock_move(*, item: GiftItem | int, kind: str, quantity: int, user, reference: str = "", note: str = "",
                at=None, **links) -> GiftStockEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock moves run inside the business transaction")
    at = at or timezone.now()
    period_guard(at=at)  # R-FIN-2: nothing is written dated inside a closed month (409 period_closed)
    pk = item.pk if isinstance(item, GiftItem) else item
    locked = GiftItem.objects.select_for_update().only("pk", "code", "on_hand").get(pk=pk)
    after = rules.stock_after(on_hand=locked.on_hand, quantity=quantity)
    if after is None:
        raise RuleViolation(
            _("Not enough %(item)s in stock: %(on_hand)s on hand, %(needed)s needed (stock never goes negative).")
            % {"item": locked.code, "on_hand": locked.on_hand, "needed": -quantity},
            code="R-GIFT-2", fields={"quantity": [str(-quantity)], "on_hand": [str(locked.on_hand)]})
    GiftItem.objects.filter(pk=pk).update(on_hand=F("on_hand") + quantity, updated_at=timezone.now())
    if isinstance(item, GiftItem):
        item.on_hand = after
    return GiftStockEntry.objects.create(item_id=pk, kind=kind, quantity=quantity, balance_after=after,
                                         reference=reference[:80], note=note[:300], by=user, at=at, **links)


def gift_stock_receive(*, item, quantity: int, user, delivery: GiftDelivery, reference: str) -> GiftStockEntry:
    return _stock_move(item=item, kind=EntryKind.RECEIVE, quantity=quantity, user=user, reference=reference,
                       delivery=delivery)


def gift_stock_issue(*, item, quantity: int, user, issue: GiftIssue | None = None, reference: str = "") -> GiftStockEntry:
    return _stock_move(item=item, kind=EntryKind.ISSUE, quantity=-quantity, user=user, reference=reference, issue=issue,
                       campaign=issue.campaign if issue else None)


def gift_stock_birthday(*, item, user, issue: GiftIssue | None = None, reference: str = "") -> GiftStockEntry:
    return _stock_move(item=item, kind=EntryKind.BIRTHDAY, quantity=-1, user=user, reference=reference, issue=issue)


def gift_stock_return_customer(*, item, quantity: int, user, issue: GiftIssue, reference: str) -> GiftStockEntry:
    return _stock_move(item=item, kind=EntryKind.RETURN_CUSTOMER, quantity=quantity, user=user, reference=reference,
                       issue=issue, campaign=issue.campaign)


def gift_stock_return_owner(*, item, quantity: int, user, campaign: GiftCampaign, note: str = "") -> GiftStockEntry:
    return _stock_move(item=item, kind=EntryKind.RETURN_OWNER, quantity=-quantity, user=user, reference=campaign.code,
                       campaign=campaign, note=note)


def gift_stock_adjust(*, item, quantity: int, user, stocktake: Stocktake, note: str) -> GiftStockEntry:
    return _stock_move(item=item, kind=EntryKind.ADJUST, quantity=quantity, user=user,
                       reference=f"ST-{stocktake.pk}", stocktake=stocktake, note=note)


# ---------------------------------------------------------------- items and campaigns

def _item_by_code(code: str, *, field: str = "item") -> GiftItem:
    item = GiftItem.objects.filter(code=(code or "").strip()).first()
    if item is None:
        raise RuleViolation(_("No gift item %(code)s.") % {"code": code}, code="invalid", fields={field: ["not found"]})
    return item


@transaction.atomic
def gift_item_create(*, code: str, name: str, unit_value: Decimal, user) -> GiftItem:
    code, name = (code or "").strip(), (name or "").strip()
    if GiftItem.objects.filter(code=code).exists():
        raise Conflict(_("Gift item %(code)s already exists.") % {"code": code}, code="conflict", fields={"code": ["exists"]})
    item = GiftItem(code=code, name=name, unit_value=quantize(unit_value))
    item._history_user = user
    item.full_clean()
    item.save()
    return item


def department_exists(code: str) -> bool:
    """The owning department is a complaints.Department code: complaints is a sibling app, so it is looked up
    through the app registry by code (no import, no foreign key); without that app any code is accepted."""
    try:
        department = apps.get_model("complaints", "Department")
    except LookupError:
        return True
    return department.objects.filter(code=code).exists()


@transaction.atomic
def gift_campaign_create(*, code: str, name: str, starts_on, ends_on, side: str, categories: list[str],
                         min_spend: Decimal, gift_item: str, quantity: int, owner_department: str | None, user) -> GiftCampaign:
    from receipts.choices import Category

    code = (code or "").strip()
    if GiftCampaign.objects.filter(code=code).exists():
        raise Conflict(_("Campaign %(code)s already exists.") % {"code": code}, code="conflict", fields={"code": ["exists"]})
    if ends_on < starts_on:
        raise RuleViolation(_("A campaign cannot end before it starts."), code="R-GIFT-3",
                            fields={"ends_on": ["before starts_on"]})
    unknown = sorted(set(categories) - set(Category.values))
    if unknown:
        raise RuleViolation(_("Unknown categories: %(c)s.") % {"c": ", ".join(unknown)}, code="invalid",
                            fields={"categories": unknown})
    owner = (owner_department or "").strip()
    if owner and not department_exists(owner):
        raise RuleViolation(_("No department %(code)s.") % {"code": owner}, code="invalid",
                            fields={"owner_department": ["not found"]})
    item = _item_by_code(gift_item, field="gift_item")
    campaign = GiftCampaign(code=code, name=(name or "").strip(), starts_on=starts_on, ends_on=ends_on, side=side,
                            categories=sorted(set(categories)), min_spend=quantize(min_spend), gift_item=item,
                            quantity=quantity, owner_department=owner, created_by=user)
    campaign._history_user = user
    campaign.full_clean()
    campaign.save()
    events.campaign_created_event(campaign=campaign, user=user)
    return campaign


@transaction.atomic
def gift_vouchers_print(*, campaign: GiftCampaign, count: int, user) -> GiftVoucherBatch:
    """A batch of pickup vouchers (赠品提货券) for the counters: serials from the one numbering service, one
    series for all campaigns, so a serial names exactly one campaign."""
    campaign = GiftCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise RuleViolation(_("Campaign %(code)s is closed.") % {"code": campaign.code}, code="R-GIFT-6",
                            fields={"campaign": ["closed"]})
    if not 1 <= count <= MAX_VOUCHERS_PER_BATCH:
        raise RuleViolation(_("Print between 1 and %(max)s vouchers at a time.") % {"max": MAX_VOUCHERS_PER_BATCH},
                            code="invalid", fields={"count": [str(count)]})
    numbers = numbers_take(key=VOUCHER_SEQUENCE, count=count)
    serials = [f"{VOUCHER_PREFIX}{n:08d}" for n in numbers]
    batch = GiftVoucherBatch.objects.create(campaign=campaign, count=count, first_serial=serials[0],
                                            last_serial=serials[-1], printed_by=user, printed_at=timezone.now())
    GiftVoucher.objects.bulk_create([GiftVoucher(serial=s, batch=batch, campaign=campaign) for s in serials])
    events.vouchers_printed_event(campaign=campaign, batch=batch, user=user)
    return batch


# ---------------------------------------------------------------- receiving (R-GIFT-1)

@transaction.atomic
def gift_delivery_receive(*, item: str, quantity: int, note_number: str, delivered_by: str, user) -> GiftDelivery:
    """The clerk and the delivering department count the gifts together; the note is signed in three copies."""
    gift = _item_by_code(item)
    note_number, delivered_by = (note_number or "").strip(), (delivered_by or "").strip()
    if quantity < 1:
        raise RuleViolation(_("Count at least one unit."), code="R-GIFT-1", fields={"quantity": [str(quantity)]})
    if not note_number or not delivered_by:
        missing = {k: ["required"] for k, v in (("note_number", note_number), ("delivered_by", delivered_by)) if not v}
        raise RuleViolation(_("The delivery note number and who delivered are required."), code="R-GIFT-1",
                            fields=missing)
    if GiftDelivery.objects.filter(note_number=note_number).exists():
        raise Conflict(_("Delivery note %(n)s is already received.") % {"n": note_number}, code="R-GIFT-1",
                       fields={"note_number": ["already received"]})
    try:
        with transaction.atomic():
            delivery = GiftDelivery.objects.create(item=gift, quantity=quantity, note_number=note_number,
                                                   delivered_by=delivered_by, counted_by=user,
                                                   received_at=timezone.now(), balance_after=0)
    except IntegrityError as exc:  # the same note received at another desk a moment ago
        raise Conflict(_("Delivery note %(n)s is already received.") % {"n": note_number}, code="R-GIFT-1",
                       fields={"note_number": ["already received"]}) from exc
    entry = gift_stock_receive(item=gift, quantity=quantity, user=user, delivery=delivery, reference=note_number)
    GiftDelivery.objects.filter(pk=delivery.pk).update(balance_after=entry.balance_after)
    delivery.balance_after = entry.balance_after
    return delivery


# ---------------------------------------------------------------- issuing (R-GIFT-3, R-GIFT-5)

def _campaign_open(code: str) -> GiftCampaign:
    """The campaign, refused when closed. Not locked: desks issuing for one campaign queue only on the item
    row, once the receipt has been checked; `_still_open` re-reads the status once that lock is held, so an
    issue never slips past a close (campaign_close locks the item before it marks the campaign closed)."""
    campaign = GiftCampaign.objects.select_related("gift_item").filter(code=(code or "").strip()).first()
    if campaign is None:
        raise RuleViolation(_("No campaign %(code)s.") % {"code": code}, code="R-GIFT-3", fields={"campaign": ["not found"]})
    if campaign.status != CampaignStatus.OPEN:
        raise RuleViolation(_("Campaign %(code)s is closed: no more gifts are issued for it.") % {"code": campaign.code},
                            code="R-GIFT-6", fields={"campaign": ["closed"]})
    return campaign


def _still_open(campaign: GiftCampaign) -> None:
    """Lock the gift item row (the stock move below keeps it), then re-read the campaign: a close that
    committed meanwhile refuses the issue (R-GIFT-6) before the stock is looked at."""
    GiftItem.objects.select_for_update().filter(pk=campaign.gift_item_id).values_list("pk", flat=True).first()
    if GiftCampaign.objects.filter(pk=campaign.pk, status=CampaignStatus.CLOSED).exists():
        raise RuleViolation(_("Campaign %(code)s is closed: no more gifts are issued for it.") % {"code": campaign.code},
                            code="R-GIFT-6", fields={"campaign": ["closed"]})


def qualification_sentence(q: rules.Qualification, campaign: GiftCampaign) -> str:
    """The answer the clerk reads aloud."""
    if q.reason == "wrong_side":
        return _("This campaign is for the other side of the store.")
    if q.reason == "outside_dates":
        return _("The receipt was not rung between %(start)s and %(end)s.") % {"start": campaign.starts_on,
                                                                              "end": campaign.ends_on}
    if q.reason == "below_min_spend":
        return _("Counted spend %(spend)s is below %(min)s: %(more)s more would qualify.") % {
            "spend": f"{q.spend:.2f}", "min": f"{q.min_spend:.2f}", "more": f"{q.shortfall:.2f}"}
    return _("Counted spend %(spend)s reaches %(min)s: %(qty)s × %(item)s.") % {
        "spend": f"{q.spend:.2f}", "min": f"{q.min_spend:.2f}", "qty": campaign.quantity, "item": campaign.gift_item.name}


def _create_issue(**fields) -> GiftIssue:
    try:
        with transaction.atomic():
            return GiftIssue.objects.create(**fields)
    except IntegrityError as exc:  # the stamp: another desk issued for the same receipt/voucher/member just now
        code = "R-GIFT-5" if fields.get("kind") == IssueKind.BIRTHDAY else "R-GIFT-3"
        raise Conflict(_("This gift was already issued."), code=code) from exc


@transaction.atomic
def gift_issue_for_receipt(*, campaign: str, side: str, number: str, user) -> GiftIssue:
    """R-GIFT-3: a qualifying till receipt gets the campaign's gift once; the issue stamps the receipt."""
    c = _campaign_open(campaign)
    receipt = Receipt.objects.filter(side=side, number=(number or "").strip()).first()
    if receipt is None:
        raise RuleViolation(_("No till receipt %(side)s %(number)s.") % {"side": side, "number": number},
                            code="R-GIFT-3", fields={"receipt": ["not found"]})
    if GiftIssue.objects.filter(receipt=receipt, campaign=c, kind=IssueKind.RECEIPT).exists():
        raise Conflict(_("Receipt %(number)s already received the gift of %(code)s.") % {"number": receipt.number,
                                                                                          "code": c.code},
                       code="R-GIFT-3", fields={"receipt": ["already claimed"]})
    q = selectors.receipt_qualification(receipt=receipt, campaign=c)
    if not q.qualifies:
        raise RuleViolation(qualification_sentence(q, c), code="R-GIFT-3",
                            fields={"receipt": [q.reason], "shortfall": [f"{q.shortfall:.2f}"]})
    _still_open(c)
    issue = _create_issue(kind=IssueKind.RECEIPT, campaign=c, item=c.gift_item, quantity=c.quantity,
                          unit_value=c.gift_item.unit_value, receipt=receipt, qualification=q.as_dict(),
                          issued_by=user, issued_at=timezone.now(), balance_after=0)
    entry = gift_stock_issue(item=c.gift_item, quantity=c.quantity, user=user, issue=issue,
                             reference=f"{receipt.side}:{receipt.number}")
    GiftIssue.objects.filter(pk=issue.pk).update(balance_after=entry.balance_after)
    issue.balance_after = entry.balance_after
    return issue


@transaction.atomic
def gift_issue_for_voucher(*, campaign: str, serial: str, user, receipt: Receipt | None = None) -> GiftIssue:
    """R-GIFT-3: a pickup voucher of the campaign is collected on issue and can never claim again."""
    c = _campaign_open(campaign)
    voucher = GiftVoucher.objects.select_for_update().filter(serial=(serial or "").strip().upper()).first()
    if voucher is None or voucher.campaign_id != c.pk:
        raise RuleViolation(_("%(serial)s is not a pickup voucher of %(code)s.") % {"serial": serial, "code": c.code},
                            code="R-GIFT-3", fields={"voucher_serial": ["not a voucher of this campaign"]})
    if voucher.status == VoucherStatus.COLLECTED:
        raise Conflict(_("Voucher %(serial)s was already collected.") % {"serial": voucher.serial}, code="R-GIFT-3",
                       fields={"voucher_serial": ["collected"]})
    now = timezone.now()
    _still_open(c)
    issue = _create_issue(kind=IssueKind.VOUCHER, campaign=c, item=c.gift_item, quantity=c.quantity,
                          unit_value=c.gift_item.unit_value, voucher=voucher, receipt=receipt, issued_by=user,
                          issued_at=now, balance_after=0)
    entry = gift_stock_issue(item=c.gift_item, quantity=c.quantity, user=user, issue=issue, reference=voucher.serial)
    GiftVoucher.objects.filter(pk=voucher.pk).update(status=VoucherStatus.COLLECTED, collected_at=now)
    GiftIssue.objects.filter(pk=issue.pk).update(balance_after=entry.balance_after)
    issue.balance_after = entry.balance_after
    return issue


def _normalise_id(value: str) -> str:
    return (value or "").strip().upper()


@transaction.atomic
def gift_birthday_issue(*, card_number: str, id_number: str, item: str, user) -> GiftIssue:
    """R-GIFT-5: with the member card and the holder's own ID, once per member per calendar year (store time);
    the member gift form is printed in two copies."""
    from members.selectors import card_usable

    card = card_usable(card_number=(card_number or "").strip())
    if card is None:
        raise RuleViolation(_("No usable member card %(n)s.") % {"n": card_number}, code="card_not_usable",
                            fields={"card_number": ["not usable"]})
    member = card.member
    if not id_number or _normalise_id(id_number) != _normalise_id(member.id_number):
        raise RuleViolation(_("The ID shown is not the card holder's."), code="R-GIFT-5",
                            fields={"id_number": ["not the card holder's"]})
    gift = _item_by_code(item)
    now = timezone.now()
    year = timezone.localdate(now).year
    if selectors.birthday_collected(member=member, year=year) is not None:
        raise Conflict(_("%(name)s already collected this year's birthday gift.") % {"name": member.name},
                       code="R-GIFT-5", fields={"card_number": [f"collected in {year}"]})
    issue = _create_issue(kind=IssueKind.BIRTHDAY, item=gift, quantity=1, unit_value=gift.unit_value, card=card,
                          member=member, year=year, issued_by=user, issued_at=now, balance_after=0)
    entry = gift_stock_birthday(item=gift, user=user, issue=issue, reference=card.card_number)
    GiftIssue.objects.filter(pk=issue.pk).update(balance_after=entry.balance_after)
    issue.balance_after = entry.balance_after
    return issue


# ---------------------------------------------------------------- clawback (R-RET-13 with R-GIFT-3)

@transaction.atomic
def gifts_claw_back(*, receipt: Receipt, returned: dict[int, int], handed_back: bool, reference: str,
                    user) -> list[GiftIssue]:
    """Inside the refund's transaction: every campaign gift of the receipt that the refunded pieces (`returned`:
    earlier slips + this one) take below the minimum is taken back once — handed back into stock as a
    `return_customer` entry, or its value deducted from the refund. A gift already taken back (by this or
    any slip) is never taken again."""
    due = {i.pk for i in selectors.gifts_clawback_due(receipt=receipt, returned=returned)}
    if not due:
        return []
    now = timezone.now()
    taken = []
    for issue in GiftIssue.objects.select_for_update(of=("self",)).select_related("campaign", "item").filter(
            pk__in=due, clawback_kind="").order_by("pk"):
        issue.clawback_kind = ClawbackKind.HANDED_BACK if handed_back else ClawbackKind.DEDUCTED
        issue.clawback_reference, issue.clawback_at = reference, now
        issue.clawback_amount = rules.clawback_cash(unit_value=issue.unit_value, quantity=issue.quantity,
                                                    handed_back=handed_back)
        if handed_back:
            gift_stock_return_customer(item=issue.item_id, quantity=issue.quantity, user=user, issue=issue,
                                       reference=reference)
        issue.save(update_fields=["clawback_kind", "clawback_reference", "clawback_at", "clawback_amount"])
        events.gift_clawed_back_event(issue=issue, user=user, reference=reference)
        taken.append(issue)
    return taken


# ---------------------------------------------------------------- stocktakes (R-GIFT-7)

@transaction.atomic
def stocktake_record(*, item: str, counted: int, period: str, user) -> Stocktake:
    gift = _item_by_code(item)
    if counted < 0:
        raise RuleViolation(_("A count cannot be negative."), code="R-GIFT-7", fields={"counted": [str(counted)]})
    locked = GiftItem.objects.select_for_update().get(pk=gift.pk)  # the count is against this exact balance
    variance, status = rules.stocktake_status(expected=locked.on_hand, counted=counted)
    take = Stocktake(item=locked, period=period, expected=locked.on_hand, counted=counted, variance=variance,
                     status=status, counted_by=user, counted_at=timezone.now())
    take._history_user = user
    take.full_clean()
    take.save()
    events.stocktake_counted_event(stocktake=take, user=user)
    if status == StocktakeStatus.NEEDS_EXPLANATION:
        variance_notify(stocktake=take)
    return take


def variance_notify(*, stocktake: Stocktake, reminder: str = "") -> int:
    """Tell everyone who may explain a variance (by permission, never by group name) that one waits."""
    from django.urls import reverse

    from servicedesk.services import notification_send

    title = _("Gift stock variance: %(item)s %(variance)+d (R-GIFT-7)") % {"item": stocktake.item.code,
                                                                            "variance": stocktake.variance}
    body = _("Counted %(counted)s, the ledger says %(expected)s. A supervisor's explanation posts the adjustment.") % {
        "counted": stocktake.counted, "expected": stocktake.expected}
    url = reverse("admin:gifts_stocktake_change", args=[stocktake.pk])
    sent = 0
    for user in selectors.users_with_perm("gifts.explain_variance"):
        if notification_send(recipient=user, title=title, body=body, url=url,
                             key=f"gift-variance-{stocktake.pk}{reminder}") is not None:
            sent += 1
    return sent


@transaction.atomic
def stocktake_explain(*, stocktake: Stocktake, explanation: str, user) -> Stocktake:
    """A desk supervisor explains a variance: the `adjust` entry equal to the variance is posted."""
    take = Stocktake.objects.select_for_update().select_related("item").get(pk=stocktake.pk)
    explanation = (explanation or "").strip()
    if take.status != StocktakeStatus.NEEDS_EXPLANATION:
        raise Conflict(_("This stocktake needs no explanation (it is %(status)s).") % {"status": take.get_status_display()},
                       code="R-GIFT-7", fields={"status": [take.status]})
    if not explanation:
        raise RuleViolation(_("Write why the count differs from the ledger."), code="R-GIFT-7",
                            fields={"explanation": ["required"]})
    gift_stock_adjust(item=take.item_id, quantity=take.variance, user=user, stocktake=take, note=explanation)
    take.status, take.explanation, take.explained_by, take.explained_at = (StocktakeStatus.EXPLAINED, explanation, user,
                                                                           timezone.now())
    take._history_user = user
    take.save(update_fields=["status", "explanation", "explained_by", "explained_at"])
    events.variance_explained_event(stocktake=take, user=user)
    from servicedesk.services import notifications_close

    # R-GIFT-7: the variance is explained: its notice and daily reminders ("gift-variance-<pk>[-day]") are done
    notifications_close(keys=[f"gift-variance-{take.pk}"], key_prefix=f"gift-variance-{take.pk}-",
                        reason=_("explained by %(user)s") % {"user": user.get_username()})
    return take


def variance_reminders_send(*, now=None) -> int:
    """Daily: variances still unexplained after the policy's hours are notified again (once a day each)."""
    import datetime as dt

    now = now or timezone.now()
    policy = selectors.policy_in_force(on=timezone.localdate(now))
    cutoff = now - dt.timedelta(hours=policy.variance_reminder_hours)
    sent = 0
    for take in selectors.stocktakes_unexplained().filter(counted_at__lte=cutoff):
        sent += variance_notify(stocktake=take, reminder=f"-{timezone.localdate(now):%Y%m%d}")
    return sent


# ---------------------------------------------------------------- campaign close (R-GIFT-6)

@transaction.atomic
def campaign_close(*, campaign: GiftCampaign, user) -> GiftCampaign:
    """Reconcile the campaign's gift stock against the ledger, return what is left to the owning department
    (`return_owner` entries, the list printed), and refuse every issue afterwards. Stock of an item that
    another open campaign still gives stays at the desk."""
    c = GiftCampaign.objects.select_for_update().select_related("gift_item").get(pk=campaign.pk)
    if c.status == CampaignStatus.CLOSED:
        raise Conflict(_("Campaign %(code)s is already closed.") % {"code": c.code}, code="R-GIFT-6",
                       fields={"status": ["closed"]})
    item = GiftItem.objects.select_for_update().get(pk=c.gift_item_id)
    by_kind = dict(GiftStockEntry.objects.filter(item=item).values("kind").annotate(s=Sum("quantity")).order_by()
                   .values_list("kind", "s"))
    ledger = sum(by_kind.values())
    if ledger != item.on_hand:  # never expected: the writers keep them equal (verify_ledgers)
        raise RuleViolation(_("The stock of %(item)s does not match its ledger: close refused.") % {"item": item.code},
                            code="R-GIFT-2", fields={"on_hand": [str(item.on_hand)], "ledger": [str(ledger)]})
    shared = GiftCampaign.objects.filter(gift_item=item, status=CampaignStatus.OPEN).exclude(pk=c.pk).exists()
    returned = []
    if item.on_hand > 0 and not shared:
        quantity = item.on_hand
        gift_stock_return_owner(item=item, quantity=quantity, user=user, campaign=c,
                                note=_("Campaign %(code)s closed: returned to %(dept)s") % {
                                    "code": c.code, "dept": c.owner_department or "-"})
        returned.append({"item": item.code, "quantity": quantity})
    issues = c.issues.aggregate(n=Sum("quantity"))["n"] or 0
    now = timezone.now()
    c.status, c.closed_at, c.closed_by = CampaignStatus.CLOSED, now, user
    c.close_summary = {
        "item": item.code, "ledger_by_kind": {k: int(v) for k, v in by_kind.items()}, "ledger_balance": ledger,
        "on_hand_before": ledger, "issued_in_campaign": int(issues),
        "vouchers_out": c.vouchers.filter(status=VoucherStatus.OUT).count(),
        "vouchers_collected": c.vouchers.filter(status=VoucherStatus.COLLECTED).count(),
        "unexplained_stocktakes": selectors.stocktakes_unexplained().filter(item=item).count(),
        "shared_with_open_campaign": shared, "returned": returned, "owner_department": c.owner_department,
    }
    c._history_user = user
    c.save(update_fields=["status", "closed_at", "closed_by", "close_summary", "updated_at"])
    events.campaign_closed_event(campaign=c, user=user, returned=returned)
    return c
