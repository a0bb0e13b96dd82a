"""The members admin, by concern: policy (rates and promotions), cards (members, cards and the counter
pages), ledger (points ledger, vouchers, logs, stock)."""

from . import cards, ledger, policy, stats  # noqa: F401  (each module registers its admins)
