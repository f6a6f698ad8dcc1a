from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResetCode(models.Model):
    """A one-time code that lets a person without email choose a new password, issued by the
    secretary of their cell. Only its hash is kept; it works once, until `expires_at`, and a
    few wrong tries spend it."""

    MAX_TRIES = 5

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reset_codes",
        verbose_name=_("user account"),
    )
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("code given by"),
    )
    created_at = models.DateTimeField(_("code given at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    spent_at = models.DateTimeField(_("used or cancelled at"), null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")
        indexes = [models.Index(fields=["user", "spent_at"], name="signin_code_live_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.created_at:%Y-%m-%d %H:%M}"
