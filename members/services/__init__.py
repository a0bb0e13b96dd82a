"""Every state change of the members app, by concern (like NetBox's `dcim/models/`):

- `ledger`    the points and stored-value ledger (R-PTS-1..6, R-RBT-4), the upgrade, reversals for returns
- `cards`     card stock and numbers, vouchers, replacement (R-CARD-1..3, R-RBT-2)
- `enrolment` new VIP cards (R-VIP-1..6)
- `rebate`    the annual rebate (R-RBT-1)
- `jobs`      scheduled jobs (birthdays, the upgrade sweep)

Everything is re-exported here, so callers keep writing `from members import services`."""

from .cards import _card_number_allocate, card_replace, card_stock_check, card_stock_receive, voucher_exchange  # noqa: F401
from .enrolment import _qualifying_receipts_check, member_data_validate, member_enrol  # noqa: F401
from .jobs import _birthday_filter, birthday_greetings_send, birthday_mailing_list_build, upgrade_checks_run  # noqa: F401
from .ledger import (  # noqa: F401
    TIER_RANK,
    WALLET_FIELD,
    CardSettled,
    _db_money,
    _ledger_move,
    _require_active,
    card_upgrade_check,
    points_adjust,
    points_award_for_receipt,
    points_redeem,
    points_reverse_for_return,
    receipt_card_settle,
    receipt_points_compute,
    receipts_card_settle_many,
    stored_value_refund,
    stored_value_spend,
)
from .policy import member_policy_copy_as_new_version  # noqa: F401
from .rebate import _rebate_chunk_orm, _rebate_chunk_sql, annual_rebate_run  # noqa: F401
