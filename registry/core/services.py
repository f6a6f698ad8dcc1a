from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name: str = "beat") -> Heartbeat:
    beat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
    return beat
