import re

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware:
    """Vietnamese unless the person chose another language (the cookie set by the
    language switch). Unlike Django's LocaleMiddleware, the browser's Accept-Language is
    ignored: an English-language phone in a Vietnamese cell still gets Vietnamese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Control characters nobody types: C0 except tab, line feed and carriage return (which text
# areas send), DEL and C1. NUL is refused by PostgreSQL in text and cuts C strings elsewhere.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


class InputGuardMiddleware:
    """The one place that refuses typed input no page may store or search: any query-string
    or form value (or name, or uploaded file name) with a control character, and any single
    value longer than `settings.MAX_VALUE_CHARS` (far above every form's own `max_length`).
    The request gets a 400 page that says nothing was saved; no view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _refused(request) -> bool:
        limit = settings.MAX_VALUE_CHARS
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if has_control_characters(key):
                    return True
                for value in values:
                    if len(value) > limit or has_control_characters(value):
                        return True
        if request.method == "POST" and request.FILES:
            for _name, uploads in request.FILES.lists():
                if any(has_control_characters(upload.name or "") for upload in uploads):
                    return True
        return False


class PrivatePagesMiddleware:
    """Headers of every answer: the site's Content-Security-Policy (a view may send a stricter
    one, as evidence downloads do), and, for a signed-in person, `Cache-Control: private,
    no-store` on everything (pages, plan PDFs, review exports, evidence files): what they see is
    personal data that no shared cache or back button may keep."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
