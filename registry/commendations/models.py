"""Good people, good deeds (người tốt, việc tốt) and commendations (biểu dương, khen thưởng).

A unit (usually a cell) keeps a register of good deeds: who (a member, or a collective: a unit
of its sub-tree or a collective named in words), the deed, its date, optional evidence, and
the day it was praised (biểu dương) at the cell's meeting. Praise is the cell's own; anything
higher is a proposal (đề nghị khen thưởng) sent to the committee that awards that level, which
approves it or not with a decision number and date (docs/decisions.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.members.models import Member
from registry.units.models import Unit


class Subject(models.TextChoices):
    PERSON = "person", _("A person")
    COLLECTIVE = "collective", _("A collective")


class Level(models.TextChoices):
    """Commendation levels, lowest first. Praise at the cell is recorded by the cell on the
    deed; the others are proposed upward to the committee whose kind is in `DECIDING_KINDS`."""

    PRAISE = "bieu_duong", _("Praise at the cell meeting (biểu dương)")
    GRASSROOTS_CERTIFICATE = (
        "giay_khen_co_so",
        _("Certificate of merit of the grassroots committee (giấy khen)"),
    )
    DISTRICT_CERTIFICATE = (
        "giay_khen_huyen",
        _("Certificate of merit of the district committee (giấy khen)"),
    )
    PROVINCE_MERIT = (
        "bang_khen_tinh",
        _("Certificate of merit of the province committee (bằng khen)"),
    )


# Which kinds of committee decide each proposed level: the nearest unit above the proposing
# one whose kind is listed. The kinds are data (`units.UnitKind`); a new kind is added here.
DECIDING_KINDS = {
    Level.GRASSROOTS_CERTIFICATE: ("dang_bo_co_so", "dang_uy_xa"),
    Level.DISTRICT_CERTIFICATE: ("huyen_uy", "dang_uy_khoi"),
    Level.PROVINCE_MERIT: ("tinh_uy", "dang_uy_truc_thuoc_tw"),
}
PROPOSED_LEVELS = tuple(DECIDING_KINDS)


def deed_evidence_path(instance, filename: str) -> str:
    # Like pledges' evidence: the stored name reveals nothing; the original name is kept apart.
    return f"deeds/{instance.date:%Y}/{uuid.uuid4().hex}"


class GoodDeed(models.Model):
    """One entry of the register of good people, good deeds (sổ ghi người tốt, việc tốt)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="good_deeds", verbose_name=_("register of")
    )
    subject = models.CharField(_("who"), max_length=12, choices=Subject)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="good_deeds",
        verbose_name=_("member"),
    )
    collective_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collective (a unit)"),
    )
    collective_name = models.CharField(_("collective (named)"), max_length=200, blank=True)
    deed = models.TextField(_("the good deed"))
    date = models.DateField(_("date of the deed"))
    evidence = models.FileField(
        _("evidence"), upload_to=deed_evidence_path, max_length=200, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("file type"), max_length=100, blank=True)
    praised_on = models.DateField(_("praised at the cell meeting of"), null=True, blank=True)
    praise_note = models.CharField(_("praise"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("good deed")
        verbose_name_plural = _("good deeds")
        indexes = [models.Index(fields=["unit", "date"], name="commend_deed_unit_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject="person", member__isnull=False, collective_unit__isnull=True)
                    | models.Q(subject="collective", member__isnull=True)
                ),
                name="commend_deed_subject_matches",
            )
        ]

    def __str__(self) -> str:
        return f"{self.who} – {self.date:%d/%m/%Y}"

    @property
    def who(self) -> str:
        if self.member_id:
            return self.member.full_name
        if self.collective_unit_id:
            return self.collective_unit.name
        return self.collective_name

    @property
    def is_praised(self) -> bool:
        return self.praised_on is not None


class Proposal(models.Model):
    """Đề nghị khen thưởng: sent by a unit to the committee that awards the level, decided by
    it (approved or not, with a decision number and date), or withdrawn before that."""

    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the decision")
        APPROVED = "approved", _("Approved by the committee")
        NOT_APPROVED = "not_approved", _("Not approved by the committee")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="proposals_sent", verbose_name=_("proposed by")
    )
    to_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="proposals_received",
        verbose_name=_("decided by"),
    )
    deed = models.ForeignKey(
        GoodDeed,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("good deed"),
    )
    subject = models.CharField(_("who"), max_length=12, choices=Subject)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendation_proposals",
        verbose_name=_("member"),
    )
    collective_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collective (a unit)"),
    )
    collective_name = models.CharField(_("collective (named)"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level)
    achievement = models.TextField(_("achievements"))
    status = models.CharField(_("state"), max_length=15, choices=Status, default=Status.SENT)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("commendation proposal")
        verbose_name_plural = _("commendation proposals")
        indexes = [
            models.Index(fields=["to_unit", "status"], name="commend_prop_inbox_idx"),
            models.Index(fields=["from_unit", "sent_on"], name="commend_prop_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject="person", member__isnull=False, collective_unit__isnull=True)
                    | models.Q(subject="collective", member__isnull=True)
                ),
                name="commend_prop_subject_matches",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "not_approved"])
                | models.Q(decision_date__isnull=False),
                name="commend_prop_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.who} – {self.get_level_display()}"

    @property
    def who(self) -> str:
        if self.member_id:
            return self.member.full_name
        if self.collective_unit_id:
            return self.collective_unit.name
        return self.collective_name

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.SENT
