"""Who is asking: a personal access token (`Authorization: Bearer lt_…`) or, for the site's
own pages, the session (with the CSRF check for unsafe methods). Either way the request's
user is the person, so every endpoint asks the same policy as the pages; and each token (or
session user) may make `API_RATE_PER_MINUTE` requests a minute, counted in the cache."""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .errors import RateLimited
from .models import AccessToken
from .selectors import token_for_secret

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
TOUCH_EVERY = datetime.timedelta(minutes=1)


def check_rate(key: str) -> None:
    """Count one request of `key` in the current minute; refuse past the limit, saying how
    many seconds are left until the next minute."""
    limit = settings.API_RATE_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    name = f"api-rate:{key}:{window}"
    cache.add(name, 0, timeout=120)
    try:
        n = cache.incr(name)
    except ValueError:  # evicted between the two calls
        cache.set(name, 1, timeout=120)
        n = 1
    if n > limit:
        raise RateLimited(retry_after=int(60 - now % 60) + 1)


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        found = token_for_secret(token)
        if found is None:
            return None
        check_rate(f"token:{found.pk}")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.access_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """The site's own session: only a session that passed every sign-in step reaches here
    (`signin.middleware.SecondStepMiddleware`, answered in JSON by `api.middleware`)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise HttpError(403, "CSRF")
        check_rate(f"user:{user.pk}")
        return user
