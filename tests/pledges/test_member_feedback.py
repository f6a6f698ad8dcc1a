"""The member's feedback: on "my plan" the member reads the rating the cell recorded for the
year, with its justification, and the conclusions of the checks and supervision about them
(never those about another member), and prints their self-assessment with the cell's rating
in the Party layout."""

import datetime

import pytest
from django.urls import reverse

from registry.cells import services as cell_services
from registry.pledges import services

from ..factories import approved_plan, make_member
from ..pdfs import flat, needs_poppler, reading_text, save

TZ = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def plan(people, programme_2026):
    plan = approved_plan(
        people.alice_member, people.alice, people.bob, items=("Nuôi cá lồng trên lòng hồ",)
    )
    return services.plan_self_assess(
        plan=plan,
        actor=people.alice,
        text="Đã hoàn thành việc nuôi cá lồng, giúp ba hộ nghèo.",
        rating="tot",
        at=datetime.datetime(2026, 11, 2, 9, tzinfo=TZ),
    )


@pytest.fixture
def dung(tree):
    return make_member(tree.cell, "Lường Văn Dũng", group=tree.group1)


def rate_alice(tree, people):
    return cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=people.bob,
        level="xuat_sac",
        score=92,
        justification="Gương mẫu, vượt chỉ tiêu nuôi cá lồng.",
    )


def check(tree, people, member, conclusion):
    return cell_services.supervision_record(
        cell=tree.cell,
        actor=people.bob,
        member=member,
        kind="kiem_tra",
        date=datetime.date(2026, 10, 5),
        subject="Thực hiện bản đăng ký làm theo",
        findings="Đã làm đủ các việc đăng ký.",
        conclusion=conclusion,
    )


def test_before_the_cell_rates_the_member_sees_no_rating(login, people, plan):
    page = login(people.alice).get(reverse("pledges:my_plan_year", args=[2026]))
    assert page.status_code == 200
    assert 'id="rating"' not in page.text


def test_the_member_sees_the_cells_rating_with_its_justification(login, tree, people, plan):
    rate_alice(tree, people)
    page = login(people.alice).get(reverse("pledges:my_plan_year", args=[2026]))
    assert 'id="rating"' in page.text
    assert "Gương mẫu, vượt chỉ tiêu nuôi cá lồng." in page.text
    assert "92" in page.text
    assert str(people.bob) in page.text


def test_the_member_sees_the_check_conclusions_about_them_not_about_another(
    login, tree, people, plan, dung
):
    check(tree, people, people.alice_member, "Đồng chí Đức làm tốt, cần nhân rộng.")
    check(tree, people, dung, "Đồng chí Dũng cần báo cáo đúng hạn.")
    page = login(people.alice).get(reverse("pledges:my_plan_year", args=[2026]))
    assert "Đồng chí Đức làm tốt, cần nhân rộng." in page.text
    assert "Đồng chí Dũng cần báo cáo đúng hạn." not in page.text


def test_a_rating_recorded_later_shows_on_the_kept_page(login, tree, people, plan):
    alice = login(people.alice)
    url = reverse("pledges:my_plan_year", args=[2026])
    assert "Gương mẫu" not in alice.get(url).text
    rate_alice(tree, people)
    check(tree, people, people.alice_member, "Làm tốt.")
    page = alice.get(url).text
    assert "Gương mẫu" in page and "Làm tốt." in page


def test_the_member_sees_a_comment_beside_the_item_it_is_about(login, tree, people, plan):
    login(people.bob).post(
        reverse("cells:plan_review", args=[plan.pk]),
        {"action": "comment", "item": plan.items.get().pk, "text": "Nên ghi rõ số lồng cá."},
    )
    page = login(people.alice).get(reverse("pledges:my_plan_year", args=[2026]))
    item_part = page.text.split(f'id="item-{plan.items.get().pk}"')[1].split("</li>")[0]
    assert "Nên ghi rõ số lồng cá." in item_part


def test_the_self_assessment_page_shows_the_body_the_pdf_prints(login, tree, people, plan):
    rate_alice(tree, people)
    page = login(people.alice).get(reverse("pledges:self_assessment", args=[plan.pk]))
    assert "Bản tự kiểm điểm" in page.text
    assert "Gương mẫu, vượt chỉ tiêu nuôi cá lồng." in page.text
    assert reverse("pledges:self_assessment_pdf", args=[plan.pk]) in page.text


def test_a_member_of_another_cell_gets_404_for_the_pdf(login, people, plan):
    url = reverse("pledges:self_assessment_pdf", args=[plan.pk])
    assert login(people.charlie).get(url).status_code == 404


@needs_poppler
def test_the_printed_self_assessment_holds_the_text_and_the_rating(
    login, tree, people, plan, dung, tmp_path
):
    rate_alice(tree, people)
    check(tree, people, people.alice_member, "Đồng chí Đức làm tốt, cần nhân rộng.")
    check(tree, people, dung, "Đồng chí Dũng cần báo cáo đúng hạn.")
    response = login(people.alice).get(reverse("pledges:self_assessment_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(reading_text(save(response.content, tmp_path)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "BẢN TỰ KIỂM ĐIỂM" in text.upper()
    assert "Đã hoàn thành việc nuôi cá lồng, giúp ba hộ nghèo." in text
    assert "Hoàn thành xuất sắc nhiệm vụ" in text
    assert "92 điểm" in text
    assert "Gương mẫu, vượt chỉ tiêu nuôi cá lồng." in text
    assert "Đồng chí Đức làm tốt, cần nhân rộng." in text
    assert "Đồng chí Dũng" not in text
    assert "Nguyễn Văn Đức" in text


@needs_poppler
def test_the_secretary_prints_a_members_self_assessment(login, tree, people, plan, tmp_path):
    response = login(people.bob).get(reverse("pledges:self_assessment_pdf", args=[plan.pk]))
    assert response.status_code == 200
    text = flat(reading_text(save(response.content, tmp_path)))
    assert "Chi bộ chưa đánh giá, xếp loại." in text


def test_the_secretary_reads_the_same_feedback_on_the_members_plan(login, tree, people, plan):
    rate_alice(tree, people)
    check(tree, people, people.alice_member, "Đồng chí Đức làm tốt, cần nhân rộng.")
    page = login(people.bob).get(reverse("pledges:detail", args=[plan.pk])).text
    assert "Gương mẫu, vượt chỉ tiêu nuôi cá lồng." in page
    assert "Đồng chí Đức làm tốt, cần nhân rộng." in page
    assert "Kết luận kiểm tra, giám sát đối với đảng viên" in page
