from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from registry.api.endpoints import api
from registry.directory import urls as directory
from registry.signin.views import with_second_step

admin.site.site_header = _("“Làm theo” registry – administration")
admin.site.site_title = _("“Làm theo” registry")
admin.site.index_title = _("Administration")
# The admin is for administrators only; everyone else works through the policy-checked pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
# The administration's sign-in is throttled like ours and leads to the same second step.
admin.site.login = with_second_step(admin.site.login)
urlpatterns = [
    path("", include("registry.portal.urls")),
    path("", include("registry.core.urls")),
    path("accounts/", include("registry.signin.urls")),
    path("accounts/", include("registry.accounts.urls")),
    path("accounts/tokens/", include("registry.api.urls")),
    path("api/v1/", api.urls),
    path("units/", include(directory.units)),
    path("members/", include(directory.members)),
    path("plans/", include("registry.pledges.urls")),
    path("cells/", include("registry.cells.urls")),
    path("collective/", include("registry.collective.urls")),
    path("commendations/", include("registry.commendations.urls")),
    path("notifications/", include("registry.notifications.urls")),
    path("reviews/", include("registry.reviews.urls")),
    path("practices/", include("registry.practices.urls")),
    path("exports/", include("registry.exports.urls")),
    path("rosters/", include("registry.rosters.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
