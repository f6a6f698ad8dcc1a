"""Who may not: a member without a role, the secretary of the cell next door, the district's
officer on the cell's own register, a cell secretary on the district's decision, a decision
without the second step. Bad input is refused in Vietnamese and writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.commendations import services
from registry.commendations.models import GoodDeed, Proposal
from registry.commendations.selectors import commendation_counts
from registry.core.periods import Period

from ..factories import (
    D,
    commendation_proposal,
    good_deed,
    make_unit,
    pass_second_factor,
    verified,
)
from ..pledges.conftest import html_disguised_as_jpeg
from ..text import visible_text

pytestmark = pytest.mark.usefixtures("may_2026")


def test_nobody_outside_the_cell_leaders_keeps_its_register(client, tree, people):
    deed = good_deed(tree.cell, people.bob, member=people.alice_member)
    pages = [
        reverse("commendations:deed_new", args=[tree.cell.pk]),
        reverse("commendations:deed_edit", args=[deed.pk]),
        reverse("commendations:deed_praise", args=[deed.pk]),
        reverse("commendations:proposal_new", args=[tree.cell.pk]) + f"?deed={deed.pk}",
    ]
    # alice (a member without a role), charlie (next door), olga (the district reads only).
    for user in (people.alice, people.charlie, people.olga):
        c = pass_second_factor(client, user)
        for url in pages:
            assert c.get(url).status_code == 404, (user, url)
            assert c.post(url, {"deed": "x", "praised_on": "2026-05-01"}).status_code == 404
    register = reverse("commendations:register", args=[tree.cell.pk])
    assert pass_second_factor(client, people.charlie).get(register).status_code == 404
    assert pass_second_factor(client, people.alice).get(register).status_code == 404
    assert pass_second_factor(client, people.olga).get(register).status_code == 200
    deed.refresh_from_db()
    assert deed.praised_on is None and Proposal.objects.count() == 0


def test_only_the_receiving_committee_decides_and_with_the_second_step(client, tree, people):
    proposal = commendation_proposal(tree.cell, people.bob)
    url = reverse("commendations:proposal_decide", args=[proposal.pk])
    data = {
        "outcome": "approved",
        "decision_number": "1-QĐ/HU",
        "decision_date": "2026-05-20",
        "confirm": "on",
    }
    for user in (people.bob, people.charlie):
        assert pass_second_factor(client, user).post(url, data).status_code == 404
    # olga, signed in with her password only: the page says why, nothing is written.
    client.force_login(people.olga)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "bước đăng nhập thứ hai" in visible_text(response.text)
    proposal.refresh_from_db()
    assert proposal.status == "sent"
    with pytest.raises(PermissionDenied):
        services.proposal_decide(
            proposal=proposal,
            actor=verified(people.charlie),
            approved=True,
            decision_number="1",
            decision_date=D(2026, 5, 20),
        )


def test_charlie_cannot_withdraw_the_proposal_of_the_cell_next_door(client, tree, people):
    proposal = commendation_proposal(tree.cell, people.bob)
    url = reverse("commendations:proposal_withdraw", args=[proposal.pk])
    assert pass_second_factor(client, people.charlie).post(url).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "sent"


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(client, tree, people):
    bob = pass_second_factor(client, people.bob)
    response = bob.post(
        reverse("commendations:deed_new", args=[tree.cell.pk]),
        {
            "subject": "collective",
            "collective_unit": tree.group1.pk,
            "collective_name": "Chi hội Phụ nữ",
            "deed": "Giúp dân thu hoạch",
            "date": "2026-12-01",
            "evidence": html_disguised_as_jpeg(),
        },
    )
    text = visible_text(response.text)
    assert "Ngày này chưa đến." in text
    assert "Chỉ chọn một đơn vị hoặc ghi một tên, không cả hai." in text
    assert "Tệp “anh.jpg” không thuộc loại được nhận" in text
    assert GoodDeed.objects.count() == 0

    proposal = commendation_proposal(tree.cell, people.bob)
    olga = pass_second_factor(client, people.olga)
    response = olga.post(
        reverse("commendations:proposal_decide", args=[proposal.pk]),
        {
            "outcome": "not_approved",
            "decision_number": "2-QĐ/HU",
            "decision_date": "2026-05-20",
            "confirm": "on",
        },
    )
    assert "Hãy ghi lý do không đồng ý khen thưởng." in visible_text(response.text)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_number) == ("sent", "")


def test_praise_is_the_cells_own_and_a_level_needs_a_committee_that_awards_it(tree, people):
    deed = good_deed(tree.cell, people.bob, member=people.alice_member)
    with pytest.raises(Exception) as refused:
        services.proposal_send(
            from_unit=tree.cell, actor=people.bob, level="bieu_duong", achievement="x", deed=deed
        )
    assert "Biểu dương tại chi bộ do chi bộ tự ghi nhận" in str(refused.value)
    # Chi bộ Khối Đảng is a chi bộ cơ sở right under the district: no grassroots committee.
    with pytest.raises(Exception) as refused:
        services.proposal_send(
            from_unit=tree.cell,
            actor=people.bob,
            level="giay_khen_co_so",
            achievement="x",
            deed=deed,
        )
    assert "Không có cấp ủy cấp trên nào" in str(refused.value)
    province = services.proposal_send(
        from_unit=tree.cell, actor=people.bob, level="bang_khen_tinh", achievement="x", deed=deed
    )
    assert province.to_unit == tree.province
    with pytest.raises(Exception) as refused:
        services.proposal_send(
            from_unit=tree.cell,
            actor=people.bob,
            level="bang_khen_tinh",
            achievement="x",
            deed=deed,
        )
    assert "đã được đề nghị" in str(refused.value)
    with pytest.raises(Exception) as refused:
        services.deed_praise(deed=deed, actor=people.bob, praised_on=D(2026, 2, 1))
    assert "Ngày này trước ngày 02/03/2026." in str(refused.value)
    assert Proposal.objects.count() == 1


def test_counting_costs_the_same_queries_for_two_units_below_or_twenty(tree, people):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            commendation_counts(unit=tree.province, period=Period(2026), on=D(2026, 5, 20))
        return len(ctx.captured_queries)

    good_deed(tree.cell, people.bob, member=people.alice_member)
    few = queries()
    for i in range(20):
        district = make_unit(f"Huyện ủy {i}", "huyen_uy", tree.province)
        cell = make_unit(f"Chi bộ {i}", "chi_bo_co_so", district)
        GoodDeed.objects.create(
            unit=cell,
            subject="collective",
            collective_name="Tổ",
            deed="Việc tốt",
            date=D(2026, 4, 1),
            recorded_at=tree.cell.good_deeds.get().recorded_at,
        )
    assert queries() == few == 3  # whether there is any, then the two counts
    total, by_path = commendation_counts(unit=tree.province, period=Period(2026), on=D(2026, 5, 20))
    assert total.deeds == 21 and len(by_path) == 21
