"""One truth: the cell overview, the reviews, their charts and the roll-up say the same thing,
counted by hand, through a year in which people transfer, change party group and amend.

    Huyện ủy Mường La ── Chi bộ Khối Đảng (A): alice, bob (secretary), dana (deputy), tùng, mai
                      └─ Chi bộ bản Nà Lốc (B): charlie (secretary)

- Plans approved in February: alice (1 item), bob (1), tùng (1), mai (2). dana never registers.
- Quarter I (deadline 25/03): alice, bob and mai report on time; tùng does not.
- 10/04: alice's amendment adds a second item, approved the same day: it counts from quarter II.
- 15/05: tùng moves from party group 1 to party group 2 (a dated period).
- 10/05: mai reports her first item for quarter II; on 20/05 she is transferred to B, with that
  report still waiting to be accepted; on 30/06 she reports the second, late.
- Quarter II (deadline 25/06): bob on time (15/06); alice's first item on 20/06, the added one
  late on 30/06; tùng nothing.
"""

import pytest
from django.db.models import Count

from registry.cells import figures as cell_figures
from registry.cells.selectors import cell_dashboard
from registry.core.periods import Period
from registry.members import services as members
from registry.members.models import Membership
from registry.pledges import services as plans
from registry.pledges import standing
from registry.pledges.models import ProgressReport
from registry.reviews import services as reviews
from registry.reviews.pdf import review_chart

from ..factories import D, UserFactory, approved_plan, at, give_role, make_member

FIGURES = [
    "members",
    "registered",
    "approved_plans",
    "items",
    "items_in_progress",
    "items_done",
    "items_not_reported",
    "reports_on_time",
    "reports_late",
    "reports_missing",
    "reports_not_due",
]


def report(plan, position, quarter, when, status="in_progress"):
    item = plan.items.get(position=position)
    return plans.report_file(
        item=item, quarter=quarter, actor=plan.member.user, status=status, at=when
    )


@pytest.fixture
def year(tree, people, programme_2026):
    dana = UserFactory(username="dana")
    make_member(tree.cell, "Hà Thị Dung", group=tree.group1, user=dana)
    give_role(dana, tree.cell, "deputy_secretary")
    tung_user, mai_user = UserFactory(username="tung"), UserFactory(username="mai")
    tung = make_member(tree.cell, "Lường Văn Tùng", group=tree.group1, user=tung_user)
    mai = make_member(tree.cell, "Điêu Thị Mai", group=tree.group2, user=mai_user)
    feb = {"created": at(2026, 2, 1)}
    p = {
        "alice": approved_plan(people.alice_member, people.alice, people.bob, items=("A1",), **feb),
        "bob": approved_plan(people.bob_member, people.bob, dana, items=("B1",), **feb),
        "tung": approved_plan(tung, tung_user, people.bob, items=("T1",), **feb),
        "mai": approved_plan(mai, mai_user, people.bob, items=("M1", "M2"), **feb),
    }
    report(p["alice"], 1, 1, at(2026, 3, 20))
    report(p["bob"], 1, 1, at(2026, 3, 22))
    report(p["mai"], 1, 1, at(2026, 3, 20))
    report(p["mai"], 2, 1, at(2026, 3, 20))
    plan = p["alice"]
    plans.plan_request_amendment(
        plan=plan, actor=people.alice, reason="Thêm việc", at=at(2026, 4, 9)
    )
    plans.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="",
        items=[{"id": plan.items.get().pk, "action": "A1"}, {"action": "A2 (thêm)"}],
    )
    plans.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 4, 9))
    plans.plan_approve(plan=plan, actor=people.bob, at=at(2026, 4, 10))
    report(p["mai"], 1, 2, at(2026, 5, 10))
    members.member_set_group(member=tung, group=tree.group2, on=D(2026, 5, 15))
    members.member_transfer(member=mai, to_cell=tree.next_cell, on=D(2026, 5, 20))
    report(p["bob"], 1, 2, at(2026, 6, 15))
    report(p["alice"], 1, 2, at(2026, 6, 20))
    report(p["alice"], 2, 2, at(2026, 6, 30))
    report(p["mai"], 2, 2, at(2026, 6, 30))
    return p


def review_figures(unit, quarter, on):
    review, _ = reviews.review_generate(
        unit=unit, kind="quarter", year=2026, quarter=quarter, at=on
    )
    return review


def pick(f):
    return {k: f[k] for k in FIGURES}


def test_each_cell_counted_by_hand_after_the_quarter(tree, year):
    a = pick(review_figures(tree.cell, 2, at(2026, 7, 5)).figures)
    b = pick(review_figures(tree.next_cell, 2, at(2026, 7, 5)).figures)
    assert a == {
        "members": 4,  # alice, bob, dana, tùng on 30/06: mai has left for B
        "registered": 3,
        "approved_plans": 3,
        "items": 4,  # A1, A2 (counts from quarter II), B1, T1
        "items_in_progress": 3,
        "items_done": 0,
        "items_not_reported": 1,  # T1
        "reports_on_time": 1,  # bob
        "reports_late": 1,  # alice: A2 on 30/06
        "reports_missing": 1,  # tùng
        "reports_not_due": 0,
    }
    assert b == {
        "members": 2,  # charlie and mai
        "registered": 1,
        "approved_plans": 1,
        "items": 2,
        "items_in_progress": 2,
        "items_done": 0,
        "items_not_reported": 0,
        "reports_on_time": 0,
        "reports_late": 1,  # mai's second item on 30/06
        "reports_missing": 0,
        "reports_not_due": 0,
    }


def test_a_closed_quarter_stays_where_it_was_made(tree, year):
    q1_a = pick(review_figures(tree.cell, 1, at(2026, 7, 5)).figures)
    q1_b = pick(review_figures(tree.next_cell, 1, at(2026, 7, 5)).figures)
    # On 31/03 mai was in A: her quarter I counts there, on time; A2 did not exist yet.
    assert (q1_a["members"], q1_a["registered"], q1_a["items"]) == (5, 4, 5)
    assert (q1_a["reports_on_time"], q1_a["reports_missing"]) == (3, 1)
    assert (q1_b["members"], q1_b["registered"], q1_b["items"]) == (1, 0, 0)
    # The overview of A, looked at after the transfer, tells quarter I the same way.
    board = cell_dashboard(cell=tree.cell, year=2026, quarter=1, today=D(2026, 7, 5))
    assert pick(board.f) == q1_a


@pytest.mark.parametrize(
    "day",
    [D(2026, 6, 20), D(2026, 7, 5)],
    ids=["draft before the deadline", "draft after the deadline"],
)
def test_overview_review_charts_and_roll_up_agree(tree, year, day):
    cells = [tree.cell, tree.next_cell]
    parts = []
    for cell in cells:
        review = review_figures(cell, 2, at(day.year, day.month, day.day))
        board = cell_dashboard(cell=cell, year=2026, quarter=2, today=day)
        assert pick(board.f) == pick(review.figures), cell
        assert board.f["by_quarter"] == review.figures["by_quarter"], cell
        # The page's chart and the PDF's are drawn from the same series, "not reported" in.
        assert str(board.chart) == str(review_chart(review))
        assert "Chưa báo cáo" in str(board.chart)
        # Each list behind a figure holds as many plans as the figure says.
        for state in ("on_time", "late", "missing", "not_due"):
            assert board.reports[state].count == review.figures[f"reports_{state}"], state
        assert board.items_total == review.figures["items"]
        parts.append(review.figures)
    district = review_figures(tree.district, 2, at(day.year, day.month, day.day))
    total = cell_figures.add_up(parts)
    assert pick(district.figures) == pick(total)
    assert district.figures["by_quarter"] == total["by_quarter"]
    rows = {row["name"]: pick(row) for row in district.children}
    assert rows == {cell.name: pick(f) for cell, f in zip(cells, parts, strict=True)}


def test_before_the_deadline_nothing_is_missing_yet(tree, year):
    a = pick(review_figures(tree.cell, 2, at(2026, 6, 20)).figures)
    b = pick(review_figures(tree.next_cell, 2, at(2026, 6, 20)).figures)
    # On 20/06 bob has reported; alice's A2, tùng and mai's second item are not due yet.
    assert (a["reports_on_time"], a["reports_missing"], a["reports_not_due"]) == (1, 0, 2)
    assert (b["reports_on_time"], b["reports_missing"], b["reports_not_due"]) == (0, 0, 1)


def test_a_transfer_inside_the_district_leaves_its_registered_count_unchanged(tree, year):
    before = review_figures(tree.district, 1, at(2026, 7, 5)).figures
    after = review_figures(tree.district, 2, at(2026, 7, 5)).figures
    assert (before["members"], before["registered"]) == (6, 4)
    assert (after["members"], after["registered"]) == (6, 4)


def test_the_dated_group_change_keeps_each_quarter_in_its_group(tree, year):
    q1 = cell_dashboard(cell=tree.cell, year=2026, quarter=1, today=D(2026, 7, 5))
    q2 = cell_dashboard(cell=tree.cell, year=2026, quarter=2, today=D(2026, 7, 5))
    groups = {
        q: {g.group.name: (g.registered, g.total) for g in d.groups if g.group}
        for q, d in ((1, q1), (2, q2))
    }
    # tùng is in group 1 on 31/03 and in group 2 on 30/06; mai in group 2 of A on 31/03 only.
    assert groups[1] == {"Tổ đảng số 1": (2, 3), "Tổ đảng số 2": (2, 2)}  # dana: none
    assert groups[2] == {"Tổ đảng số 1": (1, 2), "Tổ đảng số 2": (2, 2)}


def test_the_receiving_cell_follows_the_moved_plan_up(tree, people, year):
    pending = ProgressReport.objects.get(item__plan=year["mai"], quarter=2, item__position=1)
    b = cell_dashboard(cell=tree.next_cell, year=2026, quarter=2, today=D(2026, 7, 5))
    a = cell_dashboard(cell=tree.cell, year=2026, quarter=2, today=D(2026, 7, 5))
    assert pending in b.to_review and pending not in a.to_review
    with pytest.raises(Exception) as refused:
        plans.report_accept(report=pending, actor=people.bob, at=at(2026, 7, 6))
    assert refused.type.__name__ == "PermissionDenied"
    plans.report_accept(report=pending, actor=people.charlie, at=at(2026, 7, 6))
    assert ProgressReport.objects.get(pk=pending.pk).review == "accepted"


def test_period_figures_for_a_set_of_cells_do_not_depend_on_the_set(tree, year):
    together = cell_figures.period_figures(
        cells=[tree.cell, tree.next_cell], period=Period(2026, 2), on=D(2026, 7, 5)
    )
    alone = cell_figures.period_figures(cells=[tree.cell], period=Period(2026, 2), on=D(2026, 7, 5))
    assert together[tree.cell.pk] == alone[tree.cell.pk]


@pytest.mark.parametrize(
    "on", [D(2026, 3, 24), D(2026, 3, 26), D(2026, 4, 10), D(2026, 6, 26), D(2026, 7, 5)], ids=str
)
@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_the_set_based_form_of_a_quarter_still_to_report_agrees(tree, year, quarter, on):
    """`unreported` over all plans at once says what `quarter_state` says plan by plan: a
    quarter is missing or not yet due exactly when one of its items has no report, and the
    reminder's count of items is the items that count less those filed."""
    period = Period(2026, quarter)
    if not period.has_started(on):
        return
    counted = standing.standing_of_members(
        member_ids=Membership.objects.values("member_id"), period=period, on=on
    )
    unreported = dict(
        standing.unreported(period, on).values_list("plan_id").annotate(n=Count("pk")).order_by()
    )
    for q in counted.values():
        if q.plan is None:
            continue
        still = q.plan.state in (standing.ReportState.MISSING, standing.ReportState.NOT_DUE)
        assert (q.plan.id in unreported) == still
        assert unreported.get(q.plan.id, 0) == q.plan.items - q.plan.filed
