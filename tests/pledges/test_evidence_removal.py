"""Evidence files leave the disk only with their rows, through one service: the member takes a
file off a report the cell has not accepted; nobody else can, and the admin cannot delete
plans, reports or evidence at all."""

import pytest
from django.urls import reverse

from registry.audit.models import AuditEvent
from registry.pledges import services
from registry.pledges.models import Evidence, Plan, ProgressReport

from ..factories import approved_plan, at
from .conftest import jpeg, pdf_file


@pytest.fixture
def report(people, programme_2026):
    plan = approved_plan(people.alice_member, people.alice, people.bob, created=at(2026, 2, 1))
    return services.report_file(
        item=plan.items.first(),
        quarter=1,
        actor=people.alice,
        status="in_progress",
        files=[jpeg(), pdf_file()],
        at=at(2026, 3, 20),
    )


def stored(evidence):
    return evidence.file.storage.exists(evidence.file.name)


def remove_url(evidence):
    return reverse("pledges:evidence_remove", args=[evidence.pk])


def test_the_member_removes_a_file_and_it_leaves_the_disk_with_its_row(
    report, login, people, django_capture_on_commit_callbacks
):
    photo, minutes = report.evidence.order_by("id")
    assert stored(photo)
    client = login(people.alice)
    page = client.get(reverse("pledges:report", args=[report.item.plan_id, report.item_id, 1]))
    assert remove_url(photo) in page.text
    asked = client.get(remove_url(photo))
    assert asked.status_code == 200 and photo.original_name in asked.text
    unconfirmed = client.post(remove_url(photo))
    assert unconfirmed.status_code == 400 and report.evidence.count() == 2 and stored(photo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(photo), {"confirm": "on"})
    assert response.status_code == 302
    assert list(report.evidence.all()) == [minutes]
    assert not stored(photo) and stored(minutes)
    assert AuditEvent.objects.filter(action="report.evidence_remove").count() == 1


def test_a_removal_rolled_back_keeps_row_and_file(report, people):
    photo = report.evidence.first()
    from django.db import transaction

    with transaction.atomic():
        services.evidence_remove(evidence=photo, actor=people.alice)
        transaction.set_rollback(True)
    assert Evidence.objects.filter(pk=photo.pk).exists() and stored(photo)


@pytest.mark.parametrize("who", ["bob", "charlie", "olga"])
def test_nobody_but_the_member_removes_a_file(report, login, people, who):
    photo = report.evidence.first()
    client = login(getattr(people, who))
    assert client.get(remove_url(photo)).status_code == 404
    response = client.post(remove_url(photo), {"confirm": "on"})
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists() and stored(photo)


def test_a_file_of_an_accepted_report_stays(
    report, login, people, django_capture_on_commit_callbacks
):
    services.report_accept(report=report, actor=people.bob, at=at(2026, 3, 21))
    photo = report.evidence.first()
    client = login(people.alice)
    page = client.get(reverse("pledges:report", args=[report.item.plan_id, report.item_id, 1]))
    assert remove_url(photo) not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(photo), {"confirm": "on"}, follow=True)
    assert "Chi bộ đã xác nhận báo cáo này nên không thể sửa nữa." in response.text
    assert Evidence.objects.filter(pk=photo.pk).exists() and stored(photo)


@pytest.mark.parametrize("model", [Plan, ProgressReport, Evidence])
def test_the_admin_cannot_delete_plans_reports_or_evidence(report, login, people, model):
    row = model.objects.first()
    opts = model._meta
    client = login(people.root)
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert 'value="delete_selected"' not in changelist.text
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert model.objects.filter(pk=row.pk).exists()
    assert Evidence.objects.count() == 2 and all(stored(e) for e in Evidence.objects.all())
