import datetime

import pytest

from .. import factories
from ..pledges.conftest import _private_media, programme_2026  # noqa: F401  (shared fixtures)

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d, h=9):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def submitted_plan(member, user, items=("Việc một", "Việc hai")):
    return factories.submitted_plan(member, user, items=items)


@pytest.fixture
def alice_plan(people, programme_2026):  # noqa: F811
    return submitted_plan(people.alice_member, people.alice)
