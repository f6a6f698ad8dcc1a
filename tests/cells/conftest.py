import datetime

import pytest

from registry.pledges import services

from ..pledges.conftest import _private_media, programme_2026  # noqa: F401  (shared fixtures)

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d, h=9):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def submitted_plan(member, user, items=("Việc một", "Việc hai")):
    plan = services.plan_create(member=member, year=2026, actor=user, at=at(2026, 2, 1))
    services.plan_save(
        plan=plan, actor=user, study_content="", items=[{"action": a} for a in items]
    )
    return services.plan_submit(plan=plan, actor=user, commitment_confirmed=True, at=at(2026, 2, 2))


@pytest.fixture
def alice_plan(people, programme_2026):  # noqa: F811
    return submitted_plan(people.alice_member, people.alice)
