import datetime

import pytest
from django.test import Client
from django.utils import timezone

from registry.access import policy
from registry.api import services

from ..factories import verified


def make_token(user, *, name="Ứng dụng sổ tay", days=90, at=None) -> str:
    """A token made through the service, as the account page does (by a session that passed
    the second step, when the person must pass one); returns the secret."""
    if policy.second_factor_required(user):
        verified(user)
    _token, secret = services.token_create(user=user, name=name, days=days, at=at)
    return secret


class Api:
    """A client of the JSON API with a bearer token."""

    def __init__(self, secret: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(
            path, data or {}, content_type="application/json", headers=self.headers
        )

    def upload(self, path, *files):
        """A multipart POST of `files` under the field `files`."""
        return self.client.post(path, {"files": list(files)}, headers=self.headers)

    def put(self, path, data=None):
        return self.client.put(
            path, data or {}, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as():
    def _api(user, **kwargs) -> Api:
        return Api(make_token(user, **kwargs))

    return _api


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)
