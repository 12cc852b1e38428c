import pytest

from bot.text.segment import load_dictionary
from tests.support.faq_kb import ROOT


@pytest.fixture(autouse=True, scope="session")
def product_dictionary():
    load_dictionary(ROOT / "data" / "dictionary")
