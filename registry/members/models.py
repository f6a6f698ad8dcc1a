import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.text import clean_spaces, fold
from registry.units.models import Unit

CARD_SEPARATORS = re.compile(r"[\s.\-]")
CARD_FORMAT = re.compile(r"^\d{6,12}$")


def normalise_card_number(value: str) -> str:
    """'21.076.213' and '21 076 213' are the same card: keep the digits only.
    Returns '' when the value is not a card number at all."""
    digits = CARD_SEPARATORS.sub("", value or "")
    return digits if CARD_FORMAT.match(digits) else ""


def validate_card_number(value: str) -> None:
    if not normalise_card_number(value):
        raise ValidationError(
            _("A party card number has 6 to 12 digits (dots and spaces are allowed)."),
            code="card_format",
        )


def validate_citizen_id(value: str) -> None:
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("A citizen ID (CCCD) has exactly 12 digits."), code="cccd")


# What a person's record holds, in the order forms show it.
PERSON_FIELDS = [
    "full_name",
    "category",
    "card_number",
    "status",
    "birth_date",
    "gender",
    "admission_date",
    "full_membership_date",
    "citizen_id",
    "phone",
    "job_title",
    "workplace",
]


def name_columns(full_name: str) -> tuple[str, str, str]:
    """A person's name as kept, its folded form (what accent-insensitive search matches) and
    its sort key (the given name first, as Vietnamese lists are ordered)."""
    full_name = clean_spaces(full_name)
    search_name = fold(full_name)
    return full_name, search_name, f"{search_name.rsplit(' ', 1)[-1]} {search_name}"


class Member(models.Model):
    """A person attached to a cell: a party member, or a participant who is not one
    (công chức, viên chức, người lao động) but studies and registers with the cell."""

    class Category(models.TextChoices):
        PARTY_MEMBER = "dang_vien", _("Party member")
        CIVIL_SERVANT = "cong_chuc", _("Civil servant (not a party member)")
        PUBLIC_EMPLOYEE = "vien_chuc", _("Public employee (not a party member)")
        WORKER = "nguoi_lao_dong", _("Employee (not a party member)")

    class Status(models.TextChoices):
        FULL = "chinh_thuc", _("Full member")
        PROBATIONARY = "du_bi", _("Probationary member")

    class Gender(models.TextChoices):
        MALE = "nam", _("Male")
        FEMALE = "nu", _("Female")

    full_name = models.CharField(_("full name"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    # Vietnamese lists are ordered by given name (the last word), then the full name.
    sort_name = models.CharField(max_length=250, editable=False, db_index=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category, default=Category.PARTY_MEMBER
    )
    card_number = models.CharField(
        _("party card number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_card_number],
    )
    status = models.CharField(_("membership status"), max_length=20, choices=Status, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=5, choices=Gender, blank=True)
    admission_date = models.DateField(_("date of admission"), null=True, blank=True)
    full_membership_date = models.DateField(_("date of full membership"), null=True, blank=True)
    citizen_id = models.CharField(
        _("citizen ID (CCCD)"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_citizen_id],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    job_title = models.CharField(_("position / job"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    # Key official (cán bộ chủ chốt, người đứng đầu): registers and acts first ("trên trước,
    # dưới sau"); counted apart. Set on the roster (`cells.services.roster_set_key_official`).
    is_key_official = models.BooleanField(
        _("key official"),
        default=False,
        help_text=_("Cán bộ chủ chốt, người đứng đầu: registers first and is counted apart."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_name", "id"]
        # The few key officials of a province, found without reading everyone.
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(is_key_official=True),
                name="members_key_official_idx",
            )
        ]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(category="dang_vien")
                | (models.Q(card_number__isnull=False) & ~models.Q(status="")),
                name="members_party_member_has_card_and_status",
                violation_error_message=_(
                    "A party member needs a party card number and a membership status."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(category="dang_vien")
                | (models.Q(card_number__isnull=True) & models.Q(status="")),
                name="members_participant_has_no_card",
                violation_error_message=_(
                    "Someone who is not a party member has no card number or membership status."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.derive_columns()
        if update_fields := kwargs.get("update_fields"):
            kwargs["update_fields"] = {*update_fields, "search_name", "sort_name"}
        super().save(*args, **kwargs)

    def derive_columns(self) -> None:
        """Derived columns only: the folded name is what accent-insensitive search matches.
        `save()` calls it; writes in bulk (`members.services.members_create_bulk`) too."""
        self.full_name, self.search_name, self.sort_name = name_columns(self.full_name)
        if self.card_number:
            self.card_number = normalise_card_number(self.card_number) or self.card_number
        else:
            self.card_number = None
        self.citizen_id = self.citizen_id or None

    def clean(self):
        # Before uniqueness is checked: "21.076.213" and "21076213" are the same card.
        if self.card_number:
            self.card_number = normalise_card_number(self.card_number) or self.card_number

    @property
    def is_party_member(self) -> bool:
        return self.category == self.Category.PARTY_MEMBER


class MembershipQuerySet(models.QuerySet):
    """The one definition of "in a cell": a period covers the days from `start_date` up to,
    not including, `end_date` (a transfer on 10/04 ends the old period and starts the new
    one on 10/04, so on any day a person is in one cell at most)."""

    def current(self):
        """Periods open now: who is in which cell (and party group) today."""
        return self.filter(end_date__isnull=True)

    def at(self, day: datetime.date):
        """Periods covering `day`: who was in which cell (and party group) that day."""
        return self.filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=day)).filter(
            start_date__lte=day
        )

    def during(self, first: datetime.date, last: datetime.date):
        """Periods covering at least one day from `first` to `last`."""
        return self.filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=first)).filter(
            start_date__lte=last
        )

    def in_year(self, year):
        """Periods covering at least one day of `year` (a number, or an expression such as
        `OuterRef("year")`). A period ending on 1 January never covered that year."""
        return self.filter(
            models.Q(start_date__year__lte=year)
            & (
                models.Q(end_date__isnull=True)
                | models.Q(end_date__year__gt=year)
                | (models.Q(end_date__year=year) & ~models.Q(end_date__month=1, end_date__day=1))
            )
        )

    def party_members(self):
        return self.filter(member__category=Member.Category.PARTY_MEMBER)


class Membership(models.Model):
    """One period of a person in a cell (sinh hoạt đảng) and party group. A transfer, or a
    change of party group, closes one period and opens the next, so everything attached to
    the person keeps its dated history."""

    class EndReason(models.TextChoices):
        TRANSFER = "transfer", _("Transferred to another cell")
        REGROUP = "regroup", _("Moved to another party group")
        LEFT = "left", _("Left the cell")
        DECEASED = "deceased", _("Deceased")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member")
    )
    cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("cell"),
    )
    group = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_memberships",
        verbose_name=_("party group"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["member", "-start_date", "-id"]
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(end_date__isnull=True),
                name="members_one_open_membership",
                violation_error_message=_("This person already belongs to a cell."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="members_membership_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["cell", "end_date"], name="members_cell_open_idx")]

    def __str__(self) -> str:
        return f"{self.member} – {self.cell}"

    def covers(self, day: datetime.date) -> bool:
        """This period covers `day` (`MembershipQuerySet.at`, for one row in hand)."""
        return self.start_date <= day and (self.end_date is None or self.end_date > day)

    def clean(self):
        if self.cell_id and not self.cell.kind.is_cell:
            raise ValidationError({"cell": _("A membership period must be in a cell.")})
        if self.group_id and not (
            self.group.kind.is_group and self.cell_id and self.group.path.startswith(self.cell.path)
        ):
            raise ValidationError(
                {"group": _("This party group does not belong to the chosen cell.")}
            )

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Transfer(models.Model):
    """Chuyển sinh hoạt đảng, as the Party does it: the sending cell (or a committee above it)
    issues the introduction letter, the receiving cell accepts it. Until then the person stays
    in the sending cell; acceptance closes that period and opens one in the receiving cell."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving cell")
        ACCEPTED = "accepted", _("Received")
        REFUSED = "refused", _("Refused by the receiving cell")
        CANCELLED = "cancelled", _("Withdrawn by the sending side")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member")
    )
    from_cell = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("from cell")
    )
    to_cell = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to cell")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    status = models.CharField(
        _("state"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    # The day the person is in the receiving cell from: the day of acceptance.
    effective_on = models.DateField(_("in the new cell from"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="members_one_pending_transfer",
                violation_error_message=_("A transfer of this person is already waiting."),
            ),
            models.CheckConstraint(
                condition=~models.Q(from_cell=models.F("to_cell")),
                name="members_transfer_to_another_cell",
            ),
        ]
        indexes = [
            models.Index(fields=["to_cell", "status"], name="members_transfer_in_idx"),
            models.Index(fields=["from_cell", "status"], name="members_transfer_out_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.from_cell} → {self.to_cell}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
