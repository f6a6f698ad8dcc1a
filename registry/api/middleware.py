"""The API's answers are JSON in Vietnamese, whatever answers them: a session that still owes
its second sign-in step, the input guard's refusal of control characters, an address that
does not exist, a method not taken, a crash. Placed before `SecondStepMiddleware`."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from registry.signin.middleware import PENDING_STEP

from .errors import error_response


class ApiAnswersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.API_PREFIX

    def __call__(self, request):
        if not request.path.startswith(self.prefix):
            return self.get_response(request)
        with translation.override("vi"):
            step = request.session.get(PENDING_STEP) if hasattr(request, "session") else None
            if step and request.user.is_authenticated:
                return error_response(
                    401, _("Finish signing in (the second step) before using the API.")
                )
            response = self.get_response(request)
            content_type = response.get("Content-Type", "")
            if response.status_code >= 400 and not content_type.startswith("application/json"):
                message = None
                if response.status_code == 400:
                    message = _(
                        "The request holds characters that cannot be stored (control "
                        "characters) or a value far too long; nothing was saved."
                    )
                kept = {k: v for k, v in response.items() if k in ("Allow", "Retry-After")}
                response = error_response(response.status_code, message)
                for k, v in kept.items():
                    response[k] = v
            return response
