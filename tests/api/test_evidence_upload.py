"""A member's app attaches evidence to a quarterly report through the API (issue 13, point 4):
multipart to `/plans/{plan}/items/{item}/reports/{quarter}/evidence`, through the report
page's service and its file check. Outside the member's own reports it answers 404; a refused
file answers the API's error in Vietnamese and nothing is stored."""

import time_machine
from django.test import Client
from django.urls import reverse

from registry.pledges import services as plans
from registry.pledges.models import Evidence

from ..factories import approved_plan, at, pass_second_factor
from ..pledges.conftest import html_disguised_as_jpeg, jpeg, pdf_file
from .conftest import Api, make_token


def reported(people):
    """Alice's approved plan with her first quarter's report on its first item."""
    plan = approved_plan(
        people.alice_member, people.alice, people.bob, items=("Học tập chuyên đề", "Giúp đỡ")
    )
    item = plan.items.order_by("position").first()
    plans.report_file(
        item=item,
        quarter=1,
        actor=people.alice,
        status="in_progress",
        account="Đã học hai buổi",
        at=at(2026, 3, 10),
    )
    return plan, item


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_member_uploads_evidence_to_their_own_report(people, programme_2026, settings):
    plan, item = reported(people)
    api = Api(make_token(people.alice))
    url = f"/api/v1/plans/{plan.pk}/items/{item.pk}/reports/1/evidence"
    with time_machine.travel(at(2026, 3, 20), tick=True):
        response = api.upload(url, jpeg("ảnh buổi học.jpg"), pdf_file("biên bản.pdf"))
    assert response.status_code == 201, response.content
    report = next(r for i in response.json()["items"] if i["id"] == item.pk for r in i["reports"])
    assert report["account"] == "Đã học hai buổi" and report["status"] == "in_progress"
    assert [(e["name"], e["content_type"]) for e in report["evidence"]] == [
        ("ảnh buổi học.jpg", "image/jpeg"),
        ("biên bản.pdf", "application/pdf"),
    ]
    assert len(stored_files(settings)) == 2
    # The secretary finds the file on the site, as if it had been added on the page.
    evidence = Evidence.objects.get(original_name="ảnh buổi học.jpg")
    bob = pass_second_factor(Client(), people.bob)
    download = bob.get(reverse("pledges:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == jpeg().read()


def test_another_member_gets_404_and_nothing_is_stored(people, programme_2026, settings):
    plan, item = reported(people)
    url = f"/api/v1/plans/{plan.pk}/items/{item.pk}/reports/1/evidence"
    with time_machine.travel(at(2026, 3, 20), tick=True):
        for user in (people.bob, people.charlie):  # her secretary, the secretary next door
            response = Api(make_token(user)).upload(url, jpeg())
            assert response.status_code == 404
            assert response.json()["loi"]["ma"] == "khong_tim_thay"
        # No report yet for the second quarter, nor on the second item: nothing to attach to.
        alice = Api(make_token(people.alice))
        other = plan.items.exclude(pk=item.pk).get()
        for missing in (
            f"/api/v1/plans/{plan.pk}/items/{item.pk}/reports/2/evidence",
            f"/api/v1/plans/{plan.pk}/items/{other.pk}/reports/1/evidence",
        ):
            assert alice.upload(missing, jpeg()).status_code == 404
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_a_bad_file_gets_the_vietnamese_refusal_and_nothing_is_stored(
    people, programme_2026, settings
):
    plan, item = reported(people)
    api = Api(make_token(people.alice))
    url = f"/api/v1/plans/{plan.pk}/items/{item.pk}/reports/1/evidence"
    filed_at = item.reports.get().filed_at
    with time_machine.travel(at(2026, 3, 20), tick=True):
        # A good photo beside a web page named like a photo: neither is kept.
        response = api.upload(url, jpeg(), html_disguised_as_jpeg())
    assert response.status_code == 400
    error = response.json()["loi"]
    assert error["ma"] == "yeu_cau_khong_hop_le"
    [detail] = error["chi_tiet"]
    assert detail["truong"] == "files"
    assert detail["thong_diep"].startswith("Tệp “anh.jpg” không thuộc loại được nhận")
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []
    assert item.reports.get().filed_at == filed_at  # the report is as it was

    # No file at all is a request of the wrong shape.
    with time_machine.travel(at(2026, 3, 20), tick=True):
        empty = api.client.post(url, {}, headers=api.headers)
    assert empty.status_code == 422
    assert empty.json()["loi"]["ma"] == "du_lieu_khong_hop_le"
