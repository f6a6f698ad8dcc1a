from django.db import models


class Heartbeat(models.Model):
    """Last time a periodic job ran in the worker: proof that beat and worker both live."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
