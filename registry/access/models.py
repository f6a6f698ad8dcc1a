from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.units.models import Unit


class RoleAssignment(models.Model):
    """A user's role in a unit. Every role reads the unit's whole sub-tree; the secretary
    and deputy secretary also act for the unit (see `access.policy`)."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        COMMITTEE_MEMBER = "committee_member", _("Committee member")
        OFFICER = "officer", _("Officer of the committee")

    MANAGING_ROLES = (Role.SECRETARY, Role.DEPUTY_SECRETARY)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("user account"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="roles", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="access_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.unit}"

    @classmethod
    def signing_leaders(cls, unit: Unit) -> list[tuple[str, str]]:
        """The unit's secretaries and deputies as (role, name), first appointed first: whom
        `core.documents.default_signature` chooses the signer from. One query."""
        return cls.signing_leaders_of([unit]).get(unit.pk, [])

    @classmethod
    def signing_leaders_of(cls, units) -> dict[int, list[tuple[str, str]]]:
        """`signing_leaders` of each of `units`, {unit id: leaders}, in one query."""
        rows = (
            cls.objects.filter(unit__in=units, role__in=cls.MANAGING_ROLES)
            .select_related("user", "user__member")
            .order_by("created_at", "id")
        )
        leaders: dict[int, list[tuple[str, str]]] = {}
        for row in rows:
            leaders.setdefault(row.unit_id, []).append((row.role, _person_name(row.user)))
        return leaders

    def clean(self):
        if self.unit_id and self.unit.kind.is_group:
            raise ValidationError(
                {"unit": _("Roles belong to a cell or a committee, not to a party group.")}
            )


def _person_name(user) -> str:
    member = getattr(user, "member", None)
    return member.full_name if member else user.get_full_name()
