from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import kinds, services
from .forms import PreferencesForm

# The ids just marked read by "mark all as read", kept for the one page that offers the undo.
UNDO_KEY = "notifications_read_undo"
UNDO_MAX_IDS = 1000


@login_required
def notification_list(request):
    undo_ids = request.session.pop(UNDO_KEY, None) or []
    rows = list(request.user.notifications.all()[:100])
    items = [(n, kinds.describe(n)) for n in rows]
    response = render(
        request,
        "notifications/list.html",
        {
            "items": items,
            "today": timezone.localdate(),
            "form": PreferencesForm(instance=request.user),
            "undo_ids": ",".join(str(pk) for pk in undo_ids),
        },
    )
    return response


@login_required
@require_POST
def mark_all_read(request):
    ids = services.mark_all_read(user=request.user)
    if ids:
        request.session[UNDO_KEY] = ids[:UNDO_MAX_IDS]
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read_undo(request):
    ids = [
        int(part)
        for part in request.POST.get("ids", "").split(",")[:UNDO_MAX_IDS]
        if part.strip().isdigit() and len(part.strip()) < 12
    ]
    if services.mark_all_read_undo(user=request.user, ids=ids):
        messages.success(request, _("The reminders are unread again."))
    else:
        messages.info(request, _("Too late to undo: the reminders stay read."))
    return redirect("notifications:list")


@login_required
@require_POST
def open_notification(request, pk: int):
    n = request.user.notifications.filter(pk=pk).first()
    if n is None:  # somebody else's, or cleared since: nothing to open, like any unknown page
        raise Http404
    services.mark_read(user=request.user, ids=[n.pk])
    return redirect(n.url or "notifications:list")


@login_required
@require_POST
def mark_unread(request, pk: int):
    changed = services.mark_unread(user=request.user, ids=[pk])
    if not changed and not request.user.notifications.filter(pk=pk).exists():
        raise Http404  # somebody else's, or cleared since
    messages.success(request, _("The reminder is marked as unread."))
    return redirect("notifications:list")


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your reminder settings have been saved."))
    return redirect("notifications:list")
