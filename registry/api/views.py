"""The person's own API access tokens (on their account pages): made, shown once, revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core.forms import add_service_errors

from . import selectors, services
from .forms import TokenForm


@login_required
def tokens(request):
    may_create = policy.can_create_access_token(request.user)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and may_create and form.is_valid():
        try:
            _token, secret = services.token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": selectors.tokens_of(request.user),
            "form": form,
            "may_create": may_create,
            "secret": secret,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("tokens:list")
