from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "unit.create": _("Unit created"),
    "unit.move": _("Unit moved under another parent"),
    "roster.import": _("Roster imported from a file"),
    "member.create": _("Added to the roster"),
    "member.transfer": _("Transferred to another cell"),
    "member.set_group": _("Moved to another party group"),
    "member.update": _("Record corrected by a roster import"),
    "member.key_official": _("Key official flag changed"),
    "member.leave": _("No longer in the cell"),
    "member.roles_end": _("Roles in the cell ended with leaving it"),
    "transfer.issue": _("Transfer issued (introduction letter)"),
    "transfer.accept": _("Received into the new cell"),
    "transfer.refused": _("Transfer refused by the receiving side"),
    "transfer.cancelled": _("Transfer withdrawn by the sending side"),
    "rating.set": _("Year-end rating proposed by the cell"),
    "rating.decide": _("Year-end rating decided by the grassroots committee"),
    "supervision.kiem_tra": _("Checked by the cell"),
    "supervision.giam_sat": _("Supervised by the cell"),
    "plan.late_registration": _("Late registration opened"),
    "plan.create": _("Plan started"),
    "plan.submitted": _("Plan submitted"),
    "plan.returned": _("Plan returned for revision"),
    "plan.approved": _("Plan approved"),
    "plan.amending": _("Plan reopened for amendment"),
    "plan.comment": _("Comment on the plan"),
    "plan.comment_withdraw": _("Comment withdrawn by its author"),
    "plan.self_assess": _("Year-end self-assessment"),
    "collective.create": _("Collective registration started"),
    "collective.edit": _("Collective registration edited"),
    "collective.submitted": _("Collective registration submitted"),
    "collective.returned": _("Collective registration returned for revision"),
    "collective.approved": _("Collective registration approved"),
    "collective.amending": _("Collective registration reopened for amendment"),
    "collective.progress": _("Quarterly progress of a collective content reported"),
    "report.file": _("Quarterly progress reported"),
    "report.accept": _("Quarterly report accepted"),
    "report.ask_more": _("More asked on a quarterly report"),
    "report.evidence_remove": _("Evidence file removed from a quarterly report"),
    "meeting.record": _("Cell meeting recorded"),
    "deed.record": _("Good deed recorded in the register"),
    "deed.edit": _("Good deed corrected"),
    "deed.praise": _("Good deed praised at the cell meeting"),
    "proposal.send": _("Commendation proposed to the committee above"),
    "proposal.withdraw": _("Commendation proposal withdrawn"),
    "proposal.approved": _("Commendation approved"),
    "proposal.not_approved": _("Commendation not approved"),
    "review.edit": _("Review edited"),
    "review.finalise": _("Review issued"),
    "review.issue": _("Review issued"),
    "review.replace": _("Replacement of an issued review drafted"),
    "review.term_draft": _("Review of several years drafted"),
    "practice.propose": _("Model or good practice proposed"),
    "practice.edit": _("Proposed practice edited"),
    "practice.withdraw": _("Proposed practice withdrawn"),
    "practice.select": _("Practice selected by the committee"),
    "practice.decline": _("Practice not selected"),
    "practice.publish": _("Practice published"),
    "practice.adopt": _("Practice adopted by a cell"),
    "booklet.order": _("Booklet of good practices ordered"),
    "booklet.retry": _("Booklet of good practices rendered again"),
    "book.order": _("Book of registrations ordered"),
    "book.retry": _("Book of registrations rendered again"),
    "export.request": _("Large table export asked for"),
    "account.reset_code": _("One-time password reset code issued"),
    "account.reset_code_used": _("Password set with a reset code"),
    "account.second_factor": _("Second sign-in step set up"),
    "account.second_factor_removed": _("Second sign-in step removed"),
    "token.create": _("API access token created"),
    "token.revoke": _("API access token revoked"),
}


class AuditEvent(models.Model):
    """Who did what to which record, and when. Written by services, never edited."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=60)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("record type")
    )
    target_id = models.CharField(_("record number"), max_length=40)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"

    @property
    def label(self) -> str:
        """What happened, in the reader's language. Every action written by the code has a
        label (a test checks it); the code itself is shown only for rows written by an older
        version whose action no longer exists."""
        return str(ACTION_LABELS.get(self.action, self.action))
