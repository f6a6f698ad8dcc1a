import uuid

from django.db import migrations, models
from django.utils import timezone


def mark_every_kept_year(apps, schema_editor):
    """Rows kept before this field have no people yet: mark each cell and year, so that the
    next reader or the periodic job recounts them before they are read."""
    QuarterFigures = apps.get_model("cells", "QuarterFigures")
    StaleFigures = apps.get_model("core", "StaleFigures")
    now = timezone.now()
    kept = QuarterFigures.objects.values_list("cell_id", "year").distinct().order_by()
    StaleFigures.objects.bulk_create(
        [StaleFigures(cell_id=c, year=y, token=uuid.uuid4(), marked_at=now) for c, y in kept],
        update_conflicts=True,
        unique_fields=["cell_id", "year"],
        update_fields=["token", "marked_at"],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0002_kept_figures"),
        ("core", "0003_kept_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="quarterfigures",
            name="people",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(mark_every_kept_year, migrations.RunPython.noop),
    ]
