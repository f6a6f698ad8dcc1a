import datetime

import pytest

from .. import factories

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d, h=9):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def submitted_plan(member, user, items=("Việc một", "Việc hai")):
    return factories.submitted_plan(member, user, items=items)


@pytest.fixture
def alice_plan(people, programme_2026):
    return submitted_plan(people.alice_member, people.alice)
