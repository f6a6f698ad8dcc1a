from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

# Sign-in, sign-out and the ways back in are in `registry.signin` (under the same prefix).
app_name = "accounts"
urlpatterns = [
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
