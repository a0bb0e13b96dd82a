from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at():
    """`at(2026, 12, 1, 10)` → an aware store-local datetime."""

    def make(*args):
        return datetime(*args, tzinfo=SH)

    return make


@pytest.fixture
def sewing_kits(db, supervisor):
    from desk import services
    from tests.factories.desk import SupplyItemFactory

    item = SupplyItemFactory(code="sewing-kit", name="针线包")
    services.supply_receive(item=item, quantity=10, user=supervisor, note="入库")
    item.refresh_from_db()
    return item
