"""Fixtures of the model tests."""

import pytest
from model_helpers import HEFT_PAPER

from model.formats import load_graph


@pytest.fixture
def paper():
    """The example graph of the HEFT paper (10 tasks, 3 workers), read afresh for each test."""
    return load_graph(HEFT_PAPER)
