"""The seams between the desk's apps: extension points a lower app calls without knowing who answers.

Layers, lowest first: servicedesk < receipts < members < (complaints, returns, gifts, invoices, broadcast,
desk, finance). A lower app never imports a higher one. When a higher app must react to a lower app's
fact (a till receipt was stored, a refund is made, a page is drawn), it registers an implementation of
one of the protocols below from its `AppConfig.ready()` — never at import time:

    # members/apps.py
    def ready(self):
        from servicedesk.extensions import receipt_hooks, refund_sources
        from .hooks import MembersOnReceipt, PointsRefund
        receipt_hooks.register(MembersOnReceipt())
        refund_sources.register(PointsRefund())

| registry          | called by                         | inside                                   |
|-------------------|-----------------------------------|------------------------------------------|
| `card_lookup`     | receipts (feed and import)        | before the receipt is stored             |
| `receipt_hooks`   | receipts.services.receipt_ingest  | the ingest transaction                   |
| `receipt_facts`   | the receipt API and page          | reads, one call per page of receipts     |
| `refund_sources`  | returns (quote; refund step)      | the quote (no writes); the refund's transaction |
| `refund_payouts`  | returns (refund step)             | the refund's transaction                  |
| `ledger_checks`   | verify_ledgers, the test suite    | a read of balances against their ledgers |
| `scan_lookups`    | the scan box in every page's header | a GET: exact indexed lookups            |
| `admin_inlines`   | an app's ModelAdmin.get_inlines   | the admin change page of the target model |
| `page_panels`     | counter pages (Member 360, …)     | the page's template context               |
| `lean_routes`     | servicedesk.middleware.LeanRoutesMiddleware | a request, before sessions, auth and DRF |

Dashboard tiles, schedules, demo data and API URLs are found by module name instead (`<app>/dashboard.py`,
`schedule.py`, `demo.py`, `api/urls.py`, see servicedesk/plugins.py): they need no code in `ready()`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from django.apps import apps

T = TypeVar("T")


class Registry(Generic[T]):
    """Named implementations of one extension point, in registration order (AppConfig order)."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, item: T, *, name: str | None = None) -> T:
        if not apps.models_ready:  # a module-level register() would depend on import order
            raise RuntimeError(f"{self.name}: register from AppConfig.ready(), not at import time")
        self._items[name or getattr(item, "name", type(item).__name__)] = item
        return item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        return list(self._items)

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    @contextlib.contextmanager
    def extra(self, item: T, *, name: str | None = None):
        """Tests: register one more implementation for the duration of a block."""
        key = name or getattr(item, "name", type(item).__name__)
        self._items[key] = item
        try:
            yield item
        finally:
            self._items.pop(key, None)


# ---------------------------------------------------------------- receipts

class CardLookup(Protocol):
    """Who holds card numbers (members). `usable_card` answers the card a receipt names, or None when
    the number is unknown, blocked or replaced."""

    name: str

    def usable_card(self, *, card_number: str) -> Any | None: ...


class ReceiptHook(Protocol):
    """Reacts to a till receipt being stored (feed or import: the same path).

    `check` runs before anything is written and may refuse the receipt by raising a DomainError;
    `on_stored` runs inside the ingest transaction (an exception rolls the receipt back) and returns
    what it adds to the feed's answer (merged into the 201 body, and replayed on an identical repost)."""

    name: str

    def check(self, *, data: Mapping[str, Any], card: Any | None, source: str, now: datetime) -> None: ...

    def on_stored(self, *, receipt: Any, card: Any | None, source: str, now: datetime, user: Any) -> dict: ...


class BatchFallback(Exception):
    """Raised by a receipt hook's optional `on_stored_many` when it cannot settle the batch set-based (a
    refusal found inside the transaction, an upgrade due, a year spend to sum…): the caller rolls the
    whole set back and stores each receipt alone, so every receipt is still answered as if posted alone.
    With `cards` (the card ids whose receipts need the single path), the caller takes only those cards'
    receipts out, stores the rest set-based again and then those alone: a hook whose state is per card
    (the members' balances) names them, so one card crossing its upgrade does not slow 500 receipts."""

    def __init__(self, reason: str, *, cards: frozenset = frozenset()):
        super().__init__(reason)
        self.cards = frozenset(cards)


class ReceiptHookMany(Protocol):
    """Optional, for the batch feed (issue 16): `on_stored_many(items=[(receipt, card), …], source, now, user)`
    does what `on_stored` would do for each receipt, in that order, with a few statements for the whole
    list, and answers one dict per item (what `on_stored` would have answered). It may raise a DomainError
    or BatchFallback: the caller then rolls back and runs `on_stored` receipt by receipt. The batch takes
    the set-based path only when every registered receipt hook has it."""

    def on_stored_many(self, *, items: list[tuple[Any, Any | None]], source: str, now: datetime,
                       user: Any) -> list[dict]: ...


class ReceiptFacts(Protocol):
    """Fields an app adds to the receipt's API answer and page (points earned, invoice numbers, gifts…).
    Called once per page of receipts, so the queries stay bounded: answers {receipt id: {field: value}}."""

    name: str

    def for_receipts(self, *, receipts: list[Any]) -> dict[int, dict[str, Any]]: ...


card_lookup: Registry[CardLookup] = Registry("card_lookup")
receipt_hooks: Registry[ReceiptHook] = Registry("receipt_hooks")
receipt_facts: Registry[ReceiptFacts] = Registry("receipt_facts")


def facts_for_receipts(receipts: list[Any]) -> dict[int, dict[str, Any]]:
    merged: dict[int, dict[str, Any]] = {r.pk: {} for r in receipts}
    for provider in receipt_facts:
        for pk, values in provider.for_receipts(receipts=receipts).items():
            merged.setdefault(pk, {}).update(values)
    return merged


def usable_card(card_number: str) -> Any | None:
    """The card a receipt names through the registered lookup (None without one or when not usable)."""
    for lookup in card_lookup:
        card = lookup.usable_card(card_number=card_number)
        if card is not None:
            return card
    return None


# ---------------------------------------------------------------- refunds (R-RET-13)

@dataclass(frozen=True)
class RefundContext:
    """One return of goods, as every refund source sees it.

    `returned` maps the receipt's line numbers to the quantities this return takes back;
    `earlier_returned` what earlier returns of the same receipt already took back (so a source can tell
    what the receipt is still worth). `reference` is the return slip's number: a source keys what it
    claws back by it, so applying the same slip twice takes nothing more (exactly once per return line)."""

    receipt: Any
    returned: Mapping[int, int]
    earlier_returned: Mapping[int, int] = field(default_factory=dict)
    point_cash_value: Mapping[str, Decimal] = field(default_factory=dict)  # R-RET-13, per wallet
    gifts_returned: bool = False  # the customer hands back the gifts listed in the quote
    reference: str = ""
    user: Any = None


@dataclass(frozen=True)
class RefundItem:
    """What a source takes back for a return: points, a gift, a voucher… and the cash deducted for
    whatever cannot come back. `detail` carries source-specific fields (e.g. a gift's campaign, item,
    quantity, value) for the quote's answer and the slip."""

    source: str
    description: str
    reference: str = ""
    points: int = 0  # points earned on the returned lines
    reversed_points: int = 0  # taken back from the wallet
    shortfall_points: int = 0  # already spent: paid for in cash
    cash_amount: Decimal = Decimal("0.00")  # deducted from the refund
    detail: Mapping[str, Any] = field(default_factory=dict)
    # Something the customer may hand back instead of paying for it (a campaign gift: {"campaign", "item",
    # "quantity", "value"}); the returns quote lists these as `gifts_to_return` (R-GIFT-3, R-RET-13).
    returnable: Mapping[str, Any] | None = None


class RefundSource(Protocol):
    """A benefit tied to a receipt that a return must take back (R-RET-13): `quote` says what would be
    taken (no writes), `apply` takes it inside the refund's transaction, at most once per `reference`,
    and never charges again for what was already taken back or used up before."""

    name: str

    def quote(self, ctx: RefundContext) -> list[RefundItem]: ...

    def apply(self, ctx: RefundContext) -> list[RefundItem]: ...


class RefundPayout(Protocol):
    """Pays a refund back by the receipt's original payment method when an app holds that money
    (members: stored value onto the card, R-RET-12, R-RBT-4). `pay` answers True when it paid; inside the
    refund's transaction, idempotent per `reference`. A refund no payout claims is paid at the cash desk."""

    name: str

    def pay(self, *, receipt: Any, amount: Decimal, reference: str, user: Any) -> bool: ...


refund_sources: Registry[RefundSource] = Registry("refund_sources")
refund_payouts: Registry[RefundPayout] = Registry("refund_payouts")


def refund_pay(*, receipt: Any, amount: Decimal, reference: str, user: Any) -> bool:
    """Let the app that holds the receipt's payment method pay the refund back (the first that does)."""
    return any(payout.pay(receipt=receipt, amount=amount, reference=reference, user=user) for payout in refund_payouts)


def refund_quote(ctx: RefundContext) -> list[RefundItem]:
    return [item for source in refund_sources for item in source.quote(ctx)]


def refund_apply(ctx: RefundContext) -> list[RefundItem]:
    """Call inside the refund's transaction: a source that fails rolls the refund back."""
    return [item for source in refund_sources for item in source.apply(ctx)]


# ---------------------------------------------------------------- ledgers

class LedgerCheck(Protocol):
    """A cached balance that must equal the sum of its append-only ledger (points and stored value, gift
    stock, invoice numbers…). `mismatches` answers one readable line per broken balance, [] when clean.
    `verify_ledgers` and the test suite's after-each-test check run every registered check."""

    name: str

    def mismatches(self) -> list[str]: ...


ledger_checks: Registry[LedgerCheck] = Registry("ledger_checks")


def ledger_mismatches() -> dict[str, list[str]]:
    """{check name: mismatches} for every check that found something."""
    return {check.name: found for check in ledger_checks if (found := check.mismatches())}


# ---------------------------------------------------------------- the scan box

@dataclass(frozen=True)
class ScanHit:
    """One record a scanned or typed number, phone or name opens: what it is, how to tell it apart from a
    namesake (masked phone, tier, date), and where it opens."""

    kind: str
    title: str
    url: str
    detail: str = ""


class ScanLookup(Protocol):
    """Recognises a term by its shape (a card, receipt, complaint, slip, invoice or lost-property number, a
    phone, a name) and finds what the user may open. Answers [] when the shape is not its own; exact
    lookups on indexed keys only, so a scan costs a few indexed queries whatever the data size."""

    name: str

    def find(self, *, term: str, user: Any) -> list[ScanHit]: ...


scan_lookups: Registry[ScanLookup] = Registry("scan_lookups")


def scan(term: str, *, user: Any) -> list[ScanHit]:
    term = (term or "").strip()
    if not term:
        return []
    return [hit for lookup in scan_lookups for hit in lookup.find(term=term, user=user)]


# ---------------------------------------------------------------- pages

@dataclass(frozen=True)
class AdminInline:
    """An inline that an app adds to another app's admin change page (`target` = "app_label.model")."""

    name: str
    target: str
    inline: type


class PagePanel(Protocol):
    """A section an app adds to another app's counter page (`target`, e.g. "members.card" for Member 360).
    `render` returns safe HTML, or "" when it has nothing to show for this object and user."""

    name: str
    target: str

    def render(self, *, obj: Any, request: Any) -> str: ...


admin_inlines: Registry[AdminInline] = Registry("admin_inlines")
page_panels: Registry[PagePanel] = Registry("page_panels")


def inlines_for(target: str) -> list[type]:
    return [entry.inline for entry in admin_inlines if entry.target == target]


def panels_for(*, target: str, obj: Any, request: Any) -> list[str]:
    return [html for panel in page_panels if panel.target == target and (html := panel.render(obj=obj, request=request))]


# ---------------------------------------------------------------- finance (R-FIN-1, R-FIN-2)

# The closing totals a month close stores (api-contract.md, Finance): every ledger contributes its keys,
# a ledger that is not installed contributes 0, so the shape is always complete.
MONTH_TOTAL_KEYS = ("points_earned", "points_spent", "stored_value_in", "stored_value_out", "gifts_issued",
                    "invoices_amount")


@dataclass(frozen=True)
class LedgerColumn:
    """One column of a ledger's export: a stable key and its translated header (a lazy string)."""

    key: str
    label: Any


@dataclass(frozen=True)
class LedgerMovement:
    """One group of a ledger's entries: those dated in `month` ("YYYY-MM", store time) of one `kind`.
    `inflow` is the sum of the positive changes, `outflow` of the negative ones as a positive number
    (points, yuan or pieces, as the ledger counts)."""

    month: str
    kind: str
    rows: int
    inflow: Decimal = Decimal("0")
    outflow: Decimal = Decimal("0")


class MonthLedger(Protocol):
    """A dated, append-only ledger that finance summarises, exports and closes by month (R-FIN-1/2):
    points, stored value (members), gift stock (gifts), the invoice register (invoices).

    - `name` ("points", "stored_value", "gifts", "invoices") is the ledger's id in URLs and the API;
      `label` its translated name; `unit` "points", "money" or "count" (how amounts are shown).
    - `kind_label(kind)`: the translated name of a movement kind.
    - `last_id()` / `movements(after_id=, upto_id=, month=)`: the entries with after_id < id <= upto_id
      (optionally only those dated in `month`), grouped by (month, kind). Entry ids only grow and
      entries are never changed or deleted, so finance keeps running monthly aggregates by id range
      and a page view reads only what was written since (never a scan of the month).
    - `cached_balance()`: the sum of the balances kept beside the ledger now (card balances, stock on
      hand), or None for a register without a balance. The ledger is balanced when it equals the sum
      of all movements.
    - `totals(movements=)`: this ledger's keys of MONTH_TOTAL_KEYS from one month's movements.
    - `columns`, `export_rows(month=)`: the month's entries in id order as plain values (str, int,
      Decimal, naive store-local datetime), streamed — never a list of the month.
      `export_csv(month=)`: the data rows as CSV bytes (no header) when the ledger has a faster writer
      (COPY on PostgreSQL), else None and finance writes `export_rows` with the csv module.
    Every writer of the ledger's entries calls `servicedesk.periods.period_guard(at=…)` first."""

    name: str
    label: Any
    unit: str
    columns: tuple[LedgerColumn, ...]

    def kind_label(self, kind: str) -> str: ...

    def last_id(self) -> int: ...

    def movements(self, *, after_id: int, upto_id: int, month: str | None = None) -> list[LedgerMovement]: ...

    def cached_balance(self) -> Decimal | None: ...

    def totals(self, *, movements: list[LedgerMovement]) -> dict[str, Decimal | int]: ...

    def export_rows(self, *, month: str) -> Iterator[tuple]: ...

    def export_csv(self, *, month: str) -> Iterator[bytes] | None: ...


month_ledgers: Registry[MonthLedger] = Registry("month_ledgers")


def month_totals(parts: list[Mapping[str, Decimal | int]]) -> dict[str, Decimal | int]:
    """The complete closing totals from each ledger's part: every contract key, 0 where no ledger adds it."""
    merged: dict[str, Decimal | int] = dict.fromkeys(MONTH_TOTAL_KEYS, 0)
    for part in parts:
        for key, value in part.items():
            merged[key] = merged[key] + value
    return merged


# ---------------------------------------------------------------- lean routes

class LeanRoute(Protocol):
    """A request an app answers without the site's middleware, URL routing and DRF (issue 16: the till feed
    spent about 40% of its Python time there). `answer(request)` gets the request right after the security
    headers' middleware and answers a response — or None, and the full stack then answers the request as if
    there were no lean route (an error, another kind of client, anything unusual). Answering None, it must
    have written nothing; answering, it must do what the full stack would (authentication, role, rules)."""

    name: str
    method: str
    path: str

    def answer(self, request: Any) -> Any | None: ...


lean_routes: Registry[LeanRoute] = Registry("lean_routes")
