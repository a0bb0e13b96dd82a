"""R-RET-13 clawback: what the purchase earned must come back with the goods, or its cash value is
deducted from the refund.

A small registry of sources. Each source answers for one kind of benefit tied to the receipt:
`quote()` says what would be taken back (no side effects), `apply()` takes it back inside the refund's
transaction. Points (members app) are registered here; the gifts app registers its vouchers/free gifts
source the same way from its AppConfig.ready():

    from returns import clawback
    clawback.register(GiftsClawbackSource())
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .rules import ZERO, ClawbackFacts, PolicyFacts, shortfall_cash_value


@dataclass(frozen=True)
class ClawbackItem:
    source: str
    description: str
    reference: str = ""
    points: int = 0  # earned on the returned lines
    reversed_points: int = 0  # taken back from the wallet
    shortfall_points: int = 0  # already spent: paid for in cash
    cash_amount: Decimal = ZERO  # deducted from the refund


class ClawbackSource(Protocol):
    name: str

    def quote(self, *, receipt, returned: dict[int, int], policy: PolicyFacts) -> list[ClawbackItem]: ...

    def apply(self, *, receipt, returned: dict[int, int], policy: PolicyFacts, reference: str,
              user) -> list[ClawbackItem]: ...


_SOURCES: dict[str, ClawbackSource] = {}


def register(source: ClawbackSource) -> None:
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[ClawbackSource]:
    return list(_SOURCES.values())


def clawback_quote(*, receipt, returned: dict[int, int], policy: PolicyFacts) -> list[ClawbackItem]:
    return [item for source in sources() for item in source.quote(receipt=receipt, returned=returned, policy=policy)]


def clawback_apply(*, receipt, returned: dict[int, int], policy: PolicyFacts, reference: str,
                   user) -> list[ClawbackItem]:
    """Call inside the refund's transaction: a source that fails rolls the refund back."""
    return [item for source in sources()
            for item in source.apply(receipt=receipt, returned=returned, policy=policy, reference=reference, user=user)]


def clawback_facts(items: list[ClawbackItem]) -> ClawbackFacts:
    return ClawbackFacts(points_reversed=sum(i.reversed_points for i in items),
                         cash_amount=sum((i.cash_amount for i in items), ZERO))


class MemberPointsSource:
    """Points earned on the returned lines are reversed on the member's ledger (members app); what the
    wallet no longer holds is charged at the policy's cash value of a point of that wallet."""

    name = "points"

    @staticmethod
    def _members():
        from members.selectors import points_reversal_quote  # the members app owns the ledger
        from members.services import points_reverse_for_return

        return points_reversal_quote, points_reverse_for_return

    def _item(self, reversal, policy: PolicyFacts, reference: str) -> list[ClawbackItem]:
        if not reversal.points:
            return []
        cash = shortfall_cash_value(shortfall_points=reversal.shortfall_points, wallet=reversal.wallet, policy=policy)
        return [ClawbackItem(self.name, f"{reversal.wallet} points", reference, reversal.points,
                             reversal.reversed_points, reversal.shortfall_points, cash)]

    def quote(self, *, receipt, returned, policy):
        quote_fn, _apply = self._members()
        if not receipt.card_number:
            return []
        return self._item(quote_fn(receipt=receipt, returned=returned), policy, "")

    def apply(self, *, receipt, returned, policy, reference, user):
        _quote, apply_fn = self._members()
        if not receipt.card_number:
            return []
        return self._item(apply_fn(receipt=receipt, returned=returned, reference=reference, user=user), policy, reference)


register(MemberPointsSource())
