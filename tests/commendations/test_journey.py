"""A good deed is written in the cell's register, praised at the cell meeting, proposed to the
district committee, approved there under a numbered decision, and counted in the district's
review, the page and the PDF alike."""

import datetime

import pytest
from django.urls import reverse

from registry.audit.services import audit_events_for
from registry.commendations.models import GoodDeed, Proposal
from registry.core.periods import FIRST_YEAR
from registry.reviews import services as reviews
from registry.reviews.pdf import document_context

from ..factories import D, at, commendation_proposal, good_deed, pass_second_factor, verified
from ..text import visible_text

pytestmark = pytest.mark.usefixtures("may_2026")


def test_a_cell_proposes_the_district_approves_and_the_review_counts_it(client, tree, people):
    bob = pass_second_factor(client, people.bob)
    response = bob.post(
        reverse("commendations:deed_new", args=[tree.cell.pk]),
        {
            "subject": "person",
            "member": people.alice_member.pk,
            "deed": "Nhặt được ví trả lại người đánh rơi",
            "date": "2026-04-10",
        },
    )
    assert response.status_code == 302
    deed = GoodDeed.objects.get()
    assert (deed.unit, deed.member, deed.date) == (tree.cell, people.alice_member, D(2026, 4, 10))

    response = bob.post(
        reverse("commendations:deed_praise", args=[deed.pk]),
        {"praised_on": "2026-05-05", "note": "Biểu dương trong sinh hoạt chi bộ tháng 5"},
    )
    assert response.status_code == 302
    response = bob.post(
        reverse("commendations:proposal_new", args=[tree.cell.pk]) + f"?deed={deed.pk}",
        {"level": "giay_khen_huyen", "achievement": "Gương người tốt, việc tốt"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.to_unit, proposal.status, proposal.member) == (
        tree.district,
        "sent",
        people.alice_member,
    )
    register = visible_text(bob.get(reverse("commendations:register", args=[tree.cell.pk])).text)
    assert "Nguyễn Văn Đức" in register and "Chờ quyết định" in register

    olga = pass_second_factor(client, people.olga)
    inbox = olga.get(reverse("commendations:inbox", args=[tree.district.pk]))
    assert [r["p"] for r in inbox.context["waiting"]] == [proposal]
    decision = {
        "outcome": "approved",
        "decision_number": "125-QĐ/HU",
        "decision_date": "2026-05-20",
    }
    url = reverse("commendations:proposal_decide", args=[proposal.pk])
    unconfirmed = olga.post(url, decision)  # a decision is final: the box must be ticked
    assert unconfirmed.status_code == 200 and "Đánh dấu vào ô để xác nhận" in unconfirmed.text
    assert Proposal.objects.get(pk=proposal.pk).status == "sent"
    response = olga.post(url, {**decision, "confirm": "on"})
    assert response.status_code == 302, response.context["form"].errors
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_number, proposal.decision_date) == (
        "approved",
        "125-QĐ/HU",
        D(2026, 5, 20),
    )
    assert [e.action for e in audit_events_for(proposal)] == ["proposal.approved", "proposal.send"]

    review, _ = reviews.review_generate(
        unit=tree.district, kind="quarter", year=2026, quarter=2, at=at(2026, 5, 20)
    )
    assert review.commendations == {
        "deeds": 1,
        "praised": 1,
        "proposals": 1,
        "approved_collectives": 0,
        "approved_persons": 1,
    }
    text = "được khen thưởng 0 lượt tập thể, 1 lượt cá nhân"
    page = olga.get(reverse("reviews:detail", args=[review.pk]))
    assert text in visible_text(page.text)
    from django.template.loader import render_to_string

    printed = render_to_string("pdf/review.html", {**document_context(review, preview=True)})
    assert text in visible_text(printed)


def test_counts_follow_the_period_and_the_sub_tree(tree, people):
    """The seed's "khen thưởng 3 lượt tập thể, 5 lượt cá nhân", in small: approved
    commendations split into collectives and persons, in the quarter of their decision."""
    olga = verified(people.olga)
    for i in range(2):
        p = commendation_proposal(tree.cell, people.bob, collective_name=f"Tổ {i}")
        decide(p, olga, D(2026, 5, 20))
    deed = good_deed(tree.next_cell, people.charlie, member=people.charlie_member)
    p = commendation_proposal(tree.next_cell, people.charlie, deed=deed)
    decide(p, olga, D(2026, 5, 20))
    refused = commendation_proposal(tree.cell, people.bob)
    decide(refused, olga, D(2026, 5, 20), approved=False, reason="Chưa đủ tiêu chuẩn")
    commendation_proposal(tree.cell, people.bob).refresh_from_db()  # still waiting

    from registry.commendations.selectors import unit_commendations
    from registry.core.periods import Period

    total, rows = unit_commendations(unit=tree.district, period=Period(2026, 2), on=D(2026, 5, 20))
    assert (total.proposals, total.approved_collectives, total.approved_persons) == (5, 2, 1)
    assert total.deeds == 0  # the deed is of 02/03, in quarter I
    by_name = {u.name: c for u, c in rows}
    assert by_name["Chi bộ Khối Đảng"].approved_collectives == 2
    assert by_name["Chi bộ bản Nà Lốc"].approved_persons == 1
    quarter_one, _ = unit_commendations(
        unit=tree.district, period=Period(2026, 1), on=D(2026, 5, 20)
    )
    assert quarter_one.approved == 0 and quarter_one.deeds == 1  # the deed of 02/03
    elsewhere, _ = unit_commendations(
        unit=tree.other_district, period=Period(2026), on=D(2026, 5, 20)
    )
    assert not elsewhere.any


def decide(proposal, user, day, approved=True, reason=""):
    from registry.commendations import services

    return services.proposal_decide(
        proposal=proposal,
        actor=user,
        approved=approved,
        decision_number="12-QĐ/HU",
        decision_date=day,
        reason=reason,
    )


def test_a_proposal_can_be_withdrawn_until_it_is_decided(client, tree, people):
    waiting = commendation_proposal(tree.cell, people.bob)
    decided = commendation_proposal(tree.cell, people.bob, collective_name="Chi đoàn")
    decide(decided, verified(people.olga), D(2026, 5, 20))
    bob = pass_second_factor(client, people.bob)
    for proposal in (waiting, decided):
        bob.post(reverse("commendations:proposal_withdraw", args=[proposal.pk]))
    waiting.refresh_from_db()
    decided.refresh_from_db()
    assert (waiting.status, waiting.withdrawn_on) == ("withdrawn", D(2026, 5, 20))
    assert decided.status == "approved"
    page = bob.get(reverse("commendations:proposals", args=[tree.cell.pk]))
    assert "Đề nghị này không còn chờ quyết định" in visible_text(page.text)


def test_the_register_lists_a_year_and_refuses_a_year_that_is_no_year(client, tree, people):
    good_deed(tree.cell, people.bob, member=people.alice_member, deed="Hiến đất làm đường")
    bob = pass_second_factor(client, people.bob)
    url = reverse("commendations:register", args=[tree.cell.pk])
    assert "Hiến đất làm đường" in bob.get(url + "?year=2026").text
    assert "Hiến đất làm đường" not in bob.get(url + "?year=2025").text
    assert bob.get(url + "?year=abc").status_code == 404
    assert bob.get(url + "?year=99999").status_code == 404


def test_the_unit_page_shows_the_counts_per_unit_below(client, tree, people):
    good_deed(tree.cell, people.bob, member=people.alice_member)
    olga = pass_second_factor(client, people.olga)
    response = olga.get(reverse("units:detail", args=[tree.district.pk]))
    counts = {u.name: c.deeds for u, c in response.context["deeds_children"]}
    assert counts == {"Chi bộ Khối Đảng": 1, "Chi bộ bản Nà Lốc": 0}
    assert response.context["deeds_total"].deeds == 1
    assert reverse("commendations:inbox", args=[tree.district.pk]) in response.text


def test_evidence_is_kept_with_the_deed_and_read_only_within_reach(client, tree, people):
    from ..pledges.conftest import jpeg

    deed = good_deed(tree.cell, people.bob, member=people.alice_member, evidence=jpeg())
    assert deed.evidence_type == "image/jpeg" and deed.evidence_name == "anh-minh-chung.jpg"
    url = reverse("commendations:deed_evidence", args=[deed.pk])
    response = pass_second_factor(client, people.olga).get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert pass_second_factor(client, people.charlie).get(url).status_code == 404


def test_a_named_collective_or_a_unit_below_but_not_both(tree, people):
    from registry.commendations import services

    deed = services.deed_record(
        unit=tree.cell,
        actor=people.bob,
        subject="collective",
        collective_unit=tree.group1,
        deed="Tổ đảng giúp hộ nghèo làm nhà",
        date=datetime.date(2026, 5, 1),
    )
    assert deed.who == "Tổ đảng số 1"


def test_the_deed_form_says_which_days_it_takes_before_a_wrong_one_is_typed(client, tree, people):
    bob = pass_second_factor(client, people.bob)
    page = visible_text(bob.get(reverse("commendations:deed_new", args=[tree.cell.pk])).text)
    assert f"Ngày từ 01/01/{FIRST_YEAR} đến hôm nay" in page
    refused = bob.post(
        reverse("commendations:deed_new", args=[tree.cell.pk]),
        {
            "subject": "person",
            "member": people.alice_member.pk,
            "deed": "Giúp dân",
            "date": "2015-12-31",
        },
    )
    assert "Ngày từ 01/01/" in visible_text(refused.text)  # the hint stays beside the error


def test_praise_and_decision_forms_say_the_first_day_they_take(client, tree, people):
    deed = good_deed(tree.cell, people.bob, member=people.alice_member, date=D(2026, 4, 10))
    bob = pass_second_factor(client, people.bob)
    praise = visible_text(bob.get(reverse("commendations:deed_praise", args=[deed.pk])).text)
    assert "Ngày từ 10/04/2026 đến hôm nay" in praise
    proposal = commendation_proposal(tree.cell, people.bob)
    olga = pass_second_factor(client, people.olga)
    page = olga.get(reverse("commendations:proposal_decide", args=[proposal.pk])).text
    assert f"Ngày từ {proposal.sent_on:%d/%m/%Y} đến hôm nay" in visible_text(page)
