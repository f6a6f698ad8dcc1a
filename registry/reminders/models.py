from django.db import models

from registry.units.models import Unit


class UnitSweep(models.Model):
    """The last day for which a unit's reminders were swept. A batch of the daily sweep claims
    its units for the day inside its own transaction (`services.remind_units`), so each unit
    is swept once a day whatever the duplicate beats, redelivered tasks or second runs: those
    find the units done and cost one lookup. A batch that fails leaves its units unclaimed.
    `send_reminders --again` sweeps them once more (the inbox still records each reminder
    once)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    day = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.day}"
