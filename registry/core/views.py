from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@never_cache
@require_GET
def healthz(request):
    user = request.user
    report = health_report(with_vendors=user.is_authenticated and user.is_superuser)
    return JsonResponse(report, status=200 if report["ok"] else 503)
