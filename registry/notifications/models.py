from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One reminder for one person: the inbox. The unique (user, rule, period, step) is what
    makes a reminder arrive once: a second sweep, a retried task or a second beat process can
    only try to insert the same row again, and the database refuses it. `rule` is a kind that
    an app registered (`kinds.register`); `period` is a key in that app's own format."""

    class Email(models.TextChoices):
        PENDING = "pending", _("to send")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed, will retry")
        SKIPPED = "skipped", _("not emailed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user account"),
    )
    rule = models.CharField(_("rule"), max_length=40)
    period = models.CharField(_("period"), max_length=40)
    step = models.CharField(_("step"), max_length=20)
    # The words are written when the reminder is shown (in the reader's language) from these.
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=10, choices=Email, default=Email.PENDING)
    email_claim = models.UUIDField(_("claimed by"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    email_next_try = models.DateTimeField(_("next attempt"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_error = models.CharField(_("sending error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "rule", "period", "step"], name="notifications_once"
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notifications_unread_idx"),
            models.Index(fields=["email_status"], name="notifications_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_rule_display()} ({self.period})"

    def get_rule_display(self) -> str:
        from .kinds import label

        return label(self.rule)
