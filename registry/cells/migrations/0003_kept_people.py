import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def mark_every_kept_year(apps, schema_editor):
    """Rows kept before `QuarterPeople` existed have no people yet: mark each cell and year,
    so that the next reader or the periodic job recounts them before they are read."""
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
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuarterPeople",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("quarter", models.PositiveSmallIntegerField()),
                ("people", models.JSONField(default=list)),
                (
                    "cell",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cell", "year", "quarter"), name="cells_people_one_per_quarter"
                    )
                ],
            },
        ),
        migrations.RunPython(mark_every_kept_year, migrations.RunPython.noop),
    ]
