"""A large export (a province's roster), prepared by a worker (`core.exports`) and kept for
its owner to download for `KEPT_DAYS`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.models import RenderedFile

KEPT_DAYS = 7  # a prepared export is kept this long for its owner, then removed


class TableExport(RenderedFile):
    """One table (`exports.tables.TABLES`) of one object, as its owner may read it, in one
    format. The worker builds the table again as the owner (`requested_by`), so the policy is
    asked again when the file is written."""

    Status = RenderedFile.Status

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    what = models.CharField(_("table"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("of"), null=True, blank=True)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format)
    title = models.CharField(_("title"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="exports_mine_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.format}) – {self.get_status_display()}"

    @property
    def progress_pct(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(99, self.rows_written * 100 // self.rows) if self.rows else 0
