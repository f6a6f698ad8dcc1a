"""A cell registers its own yearly contents with the district committee above it, through the
pages: draft, submit, returned, submitted again, approved, progress with evidence, amendment
kept and shown to the approver, the document."""

from django.test import Client
from django.urls import reverse

from registry.collective.models import Content, Registration

from ..factories import pass_second_factor
from ..pdfs import flat, needs_poppler, reading_text, save
from ..pledges.conftest import jpeg, pdf_file


def _content(n, **fields):
    base = {
        f"contents-{n}-kind": "model",
        f"contents-{n}-title": "",
        f"contents-{n}-measures": "",
        f"contents-{n}-expected_result": "",
        f"contents-{n}-target_value": "",
        f"contents-{n}-target_unit": "",
        f"contents-{n}-target_unit_other": "",
        f"contents-{n}-deadline": "",
        f"contents-{n}-responsible": "",
        f"contents-{n}-responsible_name": "",
        f"contents-{n}-ORDER": str(n + 1),
    }
    base.update({f"contents-{n}-{k}": v for k, v in fields.items()})
    return base


def edit_data(*contents, initial=0, **plan):
    data = {
        "plan_number": "06-KH/CB",
        "plan_date": "2026-01-15",
        "summary": "Thực hiện chuyên đề năm 2026",
        "contents-TOTAL_FORMS": str(len(contents)),
        "contents-INITIAL_FORMS": str(initial),
        "contents-MIN_NUM_FORMS": "0",
        "contents-MAX_NUM_FORMS": "40",
        "save": "1",
    }
    data.update(plan)
    for n, fields in enumerate(contents):
        data.update(_content(n, **fields))
    return data


@needs_poppler
def test_a_cell_registers_with_the_district_and_follows_its_contents_up(
    tree, people, programme_2026, in_april, tmp_path
):
    bob = pass_second_factor(Client(), people.bob)  # the cell's secretary
    olga = pass_second_factor(Client(), people.olga)  # an officer of the district above
    page = reverse("collective:unit", args=[tree.cell.pk, 2026])

    # The cell's unit page leads to the registration; nothing is registered yet.
    assert page in bob.get(reverse("units:detail", args=[tree.cell.pk])).text
    response = bob.get(page)
    assert "Bắt đầu đăng ký" in response.text

    response = bob.post(reverse("collective:start", args=[tree.cell.pk, 2026]))
    registration = Registration.objects.get(unit=tree.cell, year=2026)
    assert response["Location"] == reverse("collective:edit", args=[registration.pk])
    assert registration.status == "draft"

    data = edit_data(
        {
            "kind": "model",
            "title": "Mô hình “Dân vận khéo” trong vận động nhân dân",
            "measures": "Phân công đảng viên phụ trách hộ",
            "target_value": "12",
            "target_unit": "hộ",
            "deadline": "2026-12-31",
            "responsible": str(people.alice_member.pk),
        },
        {
            "kind": "breakthrough",
            "title": "Cải cách hành chính, giải quyết hồ sơ đúng hạn",
            "target_value": "98,5",
            "target_unit": "%",
            "responsible_name": "Đồng chí Bí thư chi bộ",
        },
    )
    data["plan_file"] = pdf_file("ke-hoach-06.pdf")
    response = bob.post(reverse("collective:edit", args=[registration.pk]), data)
    assert response.status_code == 302, response.content
    registration.refresh_from_db()
    assert (registration.plan_number, registration.plan_file_name) == (
        "06-KH/CB",
        "ke-hoach-06.pdf",
    )
    first, second = registration.contents.order_by("position")
    assert (first.responsible, first.target_unit) == (people.alice_member, "hộ")
    assert str(second.target_value) == "98.50"

    bob.post(reverse("collective:submit", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "submitted"

    # The district sees it waiting, and returns it with a comment.
    waiting = olga.get(reverse("collective:waiting", args=[tree.district.pk]))
    assert tree.cell.name in waiting.text
    olga.post(
        reverse("collective:decide", args=[registration.pk]),
        {"action": "return", "comment": "Bổ sung chỉ tiêu cụ thể cho mô hình"},
    )
    registration.refresh_from_db()
    assert registration.status == "returned"
    assert "Bổ sung chỉ tiêu cụ thể cho mô hình" in bob.get(page).text

    bob.post(reverse("collective:submit", args=[registration.pk]))
    response = olga.post(
        reverse("collective:decide", args=[registration.pk]),
        {"action": "approve", "next": "waiting"},
    )
    assert response["Location"].startswith(reverse("collective:waiting", args=[tree.district.pk]))
    registration.refresh_from_db()
    assert registration.status == "approved"
    assert registration.approved_by == people.olga
    assert registration.snapshots.count() == 1
    assert "Nothing" not in olga.get(response["Location"]).text

    # Approved in April: quarter I has nothing to report, quarter II is reported with a photo.
    assert (
        bob.post(
            reverse("collective:progress", args=[registration.pk, first.pk, 1]), {"status": "done"}
        ).status_code
        == 200
    )
    assert not first.progress.exists()
    response = bob.post(
        reverse("collective:progress", args=[registration.pk, first.pk, 2]),
        {
            "status": "in_progress",
            "value_reached": "5",
            "account": "Đã vận động 5 hộ",
            "files": [jpeg()],
        },
    )
    assert response.status_code == 302, response.content
    progress = first.progress.get(quarter=2)
    assert not progress.is_late and progress.evidence.count() == 1
    shown = olga.get(page).text
    assert "Đã vận động 5 hộ" in shown and "anh-minh-chung.jpg" in shown
    download = olga.get(reverse("collective:evidence", args=[progress.evidence.get().pk]))
    assert download.status_code == 200
    assert bob.get(reverse("collective:plan_file", args=[registration.pk])).status_code == 200

    # The document, in the Party's layout.
    document = olga.get(reverse("collective:pdf", args=[registration.pk]))
    assert document["Content-Type"] == "application/pdf"
    text = flat(reading_text(save(document.content, tmp_path)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Kế hoạch số 06-KH/CB" in text
    assert "Nội dung đột phá" in text and "Mô hình" in text


def test_an_amendment_keeps_the_approved_version_and_shows_the_approver_what_changed(
    tree, people, programme_2026, in_april
):
    from ..factories import collective_registration

    registration = collective_registration(
        tree.cell,
        people.bob,
        contents=(("model", "Mô hình dân vận khéo"), ("breakthrough", "Chuyển đổi số")),
        approver=people.olga,
    )
    bob = pass_second_factor(Client(), people.bob)
    olga = pass_second_factor(Client(), people.olga)
    response = bob.post(
        reverse("collective:amend", args=[registration.pk]),
        {"reason": "Điều chỉnh theo Nghị quyết của Huyện ủy"},
    )
    assert response["Location"] == reverse("collective:edit", args=[registration.pk])
    model, digital = registration.contents.order_by("position")
    data = edit_data(
        {"id": str(model.pk), "kind": "model", "title": "Mô hình dân vận khéo ở bản"},
        {"id": str(digital.pk), "kind": "breakthrough", "title": "Chuyển đổi số"},
        {"kind": "model", "title": "Mô hình tự quản về an ninh trật tự"},
        initial=2,
    )
    assert bob.post(reverse("collective:edit", args=[registration.pk]), data).status_code == 302
    bob.post(reverse("collective:submit", args=[registration.pk]))

    shown = olga.get(reverse("collective:unit", args=[tree.cell.pk, 2026])).text
    assert "Mô hình dân vận khéo ở bản" in shown and "<del>Mô hình dân vận khéo</del>" in shown
    assert "Mô hình tự quản về an ninh trật tự" in shown
    assert "Điều chỉnh theo Nghị quyết của Huyện ủy" in shown
    # Until approved, the committee above still counts the approved version's contents.
    assert Content.objects.filter(registration=registration, approved_at__isnull=True).count() == 1

    olga.post(reverse("collective:decide", args=[registration.pk]), {"action": "approve"})
    registration.refresh_from_db()
    assert registration.status == "approved"
    first, latest = registration.snapshots.order_by("approved_at", "id")
    assert [c["title"] for c in first.content["contents"]] == [
        "Mô hình dân vận khéo",
        "Chuyển đổi số",
    ]
    assert len(latest.content["contents"]) == 3
