from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A sign-in account. The person behind it, when a party member or participant, is the
    linked `members.Member`; roles live in `access.RoleAssignment`."""

    email = models.EmailField(_("email address"), blank=True)
    email_reminders = models.BooleanField(
        _("send me reminders by email"),
        default=True,
        help_text=_("Reminders always appear in the application; this adds a daily email."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email",
                violation_error_message=_("Another account already uses this email address."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
