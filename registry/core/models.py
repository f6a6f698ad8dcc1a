from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Last time a periodic job ran in the worker: proof that beat and worker both live."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class StaleFigures(models.Model):
    """A cell's kept figures of a year that an event has changed and that wait to be
    recomputed (`cells.kept`). Written in the transaction of the event; removed by the
    recompute only if no later event has marked it again (`token`)."""

    cell_id = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    token = models.UUIDField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell_id", "year"], name="core_stale_one_per_cell_year")
        ]

    def __str__(self) -> str:
        return f"{self.cell_id}/{self.year}"
