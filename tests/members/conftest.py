import pytest

from tests.factories.members import stock_cards


@pytest.fixture
def card_stock(db):
    return stock_cards(500)
