from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-step/", views.verify, name="verify"),
    path("second-step/setup/", views.setup, name="setup"),
    path("reset/code/", views.reset_with_code, name="reset_code"),
    path("reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="signin/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="signin/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
