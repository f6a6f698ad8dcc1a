import datetime

import pytest
import time_machine

from ..factories import TZ


@pytest.fixture
def in_april():
    """10 April 2026: quarter I is over (its deadline was 25/03), quarter II has begun."""
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, tzinfo=TZ), tick=False):
        yield
