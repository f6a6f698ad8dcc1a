"""Every error of the API in one JSON shape, worded in Vietnamese:

    {"loi": {"ma": "khong_tim_thay", "thong_diep": "…",
             "chi_tiet": [{"truong": …, "thong_diep": …}]}}

`ma` is a stable code a program can test, `thong_diep` a sentence for a person, `chi_tiet` the
field-by-field problems (empty when there are none)."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("registry.api")

# Service refusals that are about the object's present state, not the request's content.
CONFLICT_CODES = {"state", "window", "exists"}


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)


class BadRequest(Exception):
    def __init__(self, message: str):
        self.message = message


def _codes() -> dict[int, tuple[str, str]]:
    return {
        400: ("yeu_cau_khong_hop_le", _("The request cannot be carried out as it is.")),
        401: (
            "chua_xac_thuc",
            _("Sign in, or send a valid personal access token (Authorization: Bearer …)."),
        ),
        403: ("khong_duoc_phep", _("You may not do this.")),
        404: ("khong_tim_thay", _("Not found, or not within your reach.")),
        405: ("phuong_thuc_khong_ho_tro", _("This address does not take this method.")),
        409: ("xung_dot_trang_thai", _("This cannot be done in the present state.")),
        413: ("yeu_cau_qua_lon", _("The request is too large.")),
        422: ("du_lieu_khong_hop_le", _("Some values sent are not valid.")),
        429: ("qua_nhieu_yeu_cau", _("Too many requests; wait a little and try again.")),
        500: ("loi_may_chu", _("Something went wrong on our side; nothing was saved.")),
    }


def body(status: int, message: str | None = None, details: list | None = None) -> dict:
    code, default = _codes().get(status, _codes()[500 if status >= 500 else 400])
    return {"loi": {"ma": code, "thong_diep": message or default, "chi_tiet": details or []}}


def error_response(status: int, message: str | None = None, details: list | None = None):
    response = JsonResponse(
        body(status, message, details), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _field_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("This value is required.")
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", "")) or _("This value is not valid.")
    if kind.startswith(("greater_than", "less_than")) or kind in {
        "decimal_max_digits",
        "decimal_max_places",
        "decimal_whole_digits",
    }:
        return _("This value is out of range.")
    if kind in {"string_too_long", "too_long"}:
        return _("This is too long.")
    if kind in {"literal_error", "enum"}:
        return _("This value is not one of those allowed.")
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    if kind.endswith(("_parsing", "_type")) or kind in {"model_attributes_type", "dict_type"}:
        return _("This value is not of the right type.")
    return _("This value is not valid.")


def _service_details(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"truong": None if field == "__all__" else field, "thong_diep": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"truong": None, "thong_diep": message} for message in exc.messages]


def service_refusal(exc: DjangoValidationError):
    """A service's refusal: 409 when it is about the object's state, 400 otherwise."""
    codes = {e.code for e in exc.error_list} if hasattr(exc, "error_list") else set()
    if hasattr(exc, "error_dict"):
        codes = {e.code for errors in exc.error_dict.values() for e in errors}
    status = 409 if codes & CONFLICT_CODES else 400
    return error_response(status, " ".join(exc.messages), _service_details(exc))


def install(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        details = [
            {
                "truong": ".".join(str(part) for part in error.get("loc", ())),
                "thong_diep": _field_message(error),
            }
            for error in exc.errors
        ]
        return error_response(422, details=details)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(404)

    @api.exception_handler(PermissionDenied)
    def denied(request, exc):
        return error_response(403)

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        return service_refusal(exc)

    @api.exception_handler(BadRequest)
    def bad_request(request, exc):
        return error_response(400, exc.message)

    @api.exception_handler(RateLimited)
    def limited(request, exc):
        response = error_response(429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 403:
            return error_response(403, _("The CSRF check failed: send the X-CSRFToken header."))
        return error_response(exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500)
