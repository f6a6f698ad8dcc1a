"""The API's contract (issue 13, point 5): schemathesis generates requests from the OpenAPI
schema, valid and invalid, and sends them through the WSGI application on the test database,
with a member's token and a secretary's. No answer may be a server error, and every answer
must match the schema (its status documented, its body of the documented shape)."""

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ..factories import approved_plan, at, submitted_plan
from .conftest import make_token

# Examples per operation and token: 12 operations × 2 tokens stay well under two minutes.
EXAMPLES = 10


@pytest.fixture
def demo_like(tree, people, programme_2026, settings):
    """The tree of the personas with plans in each state, a report, and the two tokens."""
    settings.API_RATE_PER_MINUTE = 100_000
    plan = approved_plan(
        people.alice_member, people.alice, people.bob, items=("Học tập", "Giúp đỡ")
    )
    from registry.pledges import services

    services.report_file(
        item=plan.items.first(), quarter=1, actor=people.alice, status="done", at=at(2026, 3, 20)
    )
    submitted_plan(people.bob_member, people.bob, items=("Sinh hoạt chi bộ",))
    submitted_plan(people.charlie_member, people.charlie)
    return {"member": make_token(people.alice), "secretary": make_token(people.bob)}


def exercise(operation, secret: str) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"},
            checks=[not_a_server_error, response_schema_conformance],
        )

    run()


@pytest.fixture
def connection_kept():
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction; Django's own test client keeps it open the same way."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.mark.django_db
def test_the_api_keeps_its_contract_for_a_member_and_a_secretary(demo_like, connection_kept):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures = []
    with time_machine.travel(at(2026, 3, 20), tick=True):
        for operation in operations:
            for persona, secret in demo_like.items():
                try:
                    exercise(operation, secret)
                except Exception as exc:  # collect every operation's failure, then report
                    failures.append(f"{persona} {operation.label}: {exc}")
    assert failures == []
