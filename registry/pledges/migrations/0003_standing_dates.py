from django.db import migrations, models


def backfill(apps, schema_editor):
    Plan = apps.get_model("pledges", "Plan")
    PlanItem = apps.get_model("pledges", "PlanItem")
    PlanSnapshot = apps.get_model("pledges", "PlanSnapshot")
    ProgressReport = apps.get_model("pledges", "ProgressReport")
    ProgressReport.objects.update(first_filed_at=models.F("filed_at"))
    Plan.objects.update(last_submitted_at=models.F("submitted_at"))
    for plan in Plan.objects.filter(approved_at__isnull=False):
        first = (
            PlanSnapshot.objects.filter(plan=plan).order_by("approved_at").values_list(
                "approved_at", flat=True
            ).first()
            or plan.approved_at
        )
        Plan.objects.filter(pk=plan.pk).update(first_approved_at=first)
        # Items of an approved plan counted from its first approval; items added during an
        # amendment that is not approved yet stay uncounted.
        items = PlanItem.objects.filter(plan=plan)
        if plan.status != "approved":
            items = items.filter(reports__isnull=False).distinct()
        PlanItem.objects.filter(pk__in=items.values("pk")).update(approved_at=first)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0002_report_review_and_comments")]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="last_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last submitted at"),
        ),
        migrations.AddField(
            model_name="plan",
            name="first_approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first approved at"),
        ),
        migrations.AddField(
            model_name="planitem",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="approved at"),
        ),
        migrations.AddField(
            model_name="planitem",
            name="pending_change",
            field=models.BooleanField(default=False, verbose_name="change waiting for approval"),
        ),
        migrations.AddField(
            model_name="progressreport",
            name="first_filed_at",
            field=models.DateTimeField(null=True, verbose_name="first filed at"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="progressreport",
            name="first_filed_at",
            field=models.DateTimeField(verbose_name="first filed at"),
        ),
    ]
