"""Lists that scale: the roster, the ratings, the meetings, the checks, the reviews and a
unit's units below are read a page at a time, searched without accents and filtered by GET
parameters; a bad page or filter never answers a 500, and the number of queries does not grow
with the cell. Their exports hold what the filters show."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.cells import services as cell_services
from registry.members.models import Member, Membership
from registry.reviews.models import Review

from ..factories import D, give_role, make_member, make_unit, submitted_plan

NOW = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def roster_url(cell, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("units:detail", args=[cell.pk]) + ("?" + query if query else "")


def names(response) -> list[str]:
    """The people a roster page lists, in order."""
    return [m.member.full_name for m in response.context["roster"]]


def _add_people(cell, n: int, group=None):
    """`n` party members in `cell` at once (no plan), named "Người k"."""
    start = Member.objects.count()
    members = Member.objects.bulk_create(
        Member(
            full_name=f"Người {start + i}",
            search_name=f"nguoi {start + i}",
            sort_name=f"{start + i:06d}",
            card_number=str(70_000_000 + start + i),
            status=Member.Status.FULL,
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(member=m, cell=cell, group=group, start_date=D(2020, 1, 1)) for m in members
    )
    return members


@pytest.fixture
def roster(tree, people, programme_2026):
    """The cell of the shared tree: alice (Nguyễn Văn Đức, group 2, registered), bob (Lò Văn
    Thắng, group 1, key official), a probationary member, a participant who is not a party
    member."""
    submitted_plan(people.alice_member, people.alice)
    Member.objects.filter(pk=people.bob_member.pk).update(is_key_official=True)
    make_member(tree.cell, "Hà Thị Mai", group=tree.group1, status=Member.Status.PROBATIONARY)
    make_member(tree.cell, "Cầm Văn Sáng", category=Member.Category.CIVIL_SERVANT)
    return tree.cell


# --- The roster --------------------------------------------------------------------------------


def test_searching_without_accents_finds_the_name_with_them(roster, login):
    client = login(people_bob(roster))
    response = client.get(roster_url(roster, q="nguyen van duc"))
    assert names(response) == ["Nguyễn Văn Đức"]
    assert names(client.get(roster_url(roster, q="NGUYEN  van  Đuc"))) == ["Nguyễn Văn Đức"]


def _fold(page: str) -> str:
    fold = r"<details[^>]*data-fold-filters[^>]*>\s*<summary>.*?</summary>"
    return re.search(fold, page, re.S)[0]


def test_the_filters_fold_on_a_phone_unless_one_is_in_use(roster, login):
    client = login(people_bob(roster))
    plain = _fold(client.get(reverse("units:detail", args=[roster.pk])).text)
    assert " open" not in plain and "Lọc và tìm" in plain and "đang dùng" not in plain
    narrowed = _fold(client.get(roster_url(roster, status="full", q="duc")).text)
    assert " open" in narrowed and "2 đang dùng" in narrowed
    page = client.get(roster_url(roster, status="full")).text
    assert "js/fold_filters.js" in page and 'name="status"' in page  # still a plain GET form
    ratings = client.get(reverse("cells:ratings", args=[roster.pk]) + "?year=2026&rated=no").text
    assert "1 đang dùng" in _fold(ratings)
    assert " open" not in _fold(client.get(reverse("cells:ratings", args=[roster.pk])).text)


def people_bob(cell):
    return Member.objects.get(full_name="Lò Văn Thắng").user


def test_the_roster_filters_by_party_group_status_registration_and_key_officials(
    roster, tree, login
):
    client = login(people_bob(roster))
    everybody = names(client.get(roster_url(roster)))
    assert len(everybody) == 4
    assert names(client.get(roster_url(roster, group=tree.group1.pk))) == [
        "Hà Thị Mai",
        "Lò Văn Thắng",
    ]
    assert names(client.get(roster_url(roster, status="probationary"))) == ["Hà Thị Mai"]
    assert names(client.get(roster_url(roster, status="others"))) == ["Cầm Văn Sáng"]
    assert "Cầm Văn Sáng" not in names(client.get(roster_url(roster, status="full")))
    assert names(client.get(roster_url(roster, registered="yes"))) == ["Nguyễn Văn Đức"]
    assert "Nguyễn Văn Đức" not in names(client.get(roster_url(roster, registered="no")))
    assert names(client.get(roster_url(roster, key=1))) == ["Lò Văn Thắng"]
    both = client.get(roster_url(roster, group=tree.group1.pk, status="full", registered="no"))
    assert names(both) == ["Lò Văn Thắng"]
    # The card shows who has not registered yet.
    assert "chưa đăng ký" in client.get(roster_url(roster, key=1)).text


@pytest.mark.parametrize(
    "params",
    [
        {"status": "everyone'--"},
        {"registered": "maybe"},
        {"group": "abc"},
        {"group": "-1"},
        {"group": "99999999999999999999999"},
        {"key": "yes"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999"},
        {"q": "x" * 500},
    ],
)
def test_a_bad_roster_filter_or_page_shows_the_list_never_a_500(roster, login, params):
    client = login(people_bob(roster))
    response = client.get(roster_url(roster, **params))
    assert response.status_code == 200
    if "q" not in params:
        assert len(names(response)) == 4


def test_a_party_group_of_another_cell_is_no_filter(roster, tree, login):
    other = make_unit("Tổ đảng khác", "to_dang", tree.next_cell)
    client = login(people_bob(roster))
    assert len(names(client.get(roster_url(roster, group=other.pk)))) == 4


def test_the_roster_is_read_a_page_at_a_time(roster, login):
    _add_people(roster, 60)
    client = login(people_bob(roster))
    first = client.get(roster_url(roster))
    assert first.context["roster"].paginator.count == 64
    assert len(names(first)) == 50 and 'rel="next"' in first.text
    last = client.get(roster_url(roster, page=2))
    assert len(names(last)) == 14 and 'rel="prev"' in last.text
    # The pager keeps the filters.
    filtered = client.get(roster_url(roster, status="full"))
    assert "status=full" in re.search(r'href="([^"]*)" rel="next"', filtered.text).group(1)


def csv(client, url) -> str:
    return b"".join(client.get(url).streaming_content).decode("utf-8-sig")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_the_roster_reads_as_many_queries_for_200_people_as_for_5(tree, login, people):
    small = make_unit("Chi bộ nhỏ", "chi_bo_co_so", tree.district)
    large = make_unit("Chi bộ lớn", "chi_bo_co_so", tree.district)
    _add_people(small, 5)
    _add_people(large, 200)
    give_role(people.olga, small, "secretary")
    give_role(people.olga, large, "secretary")
    client = login(people.olga)
    for params in ({}, {"status": "full", "registered": "no", "q": "nguoi"}):
        counts = {_queries(client, roster_url(cell, **params)) for cell in (small, large)}
        assert len(counts) == 1, (params, counts)


def test_the_roster_export_holds_what_the_filters_show(roster, login):
    client = login(people_bob(roster))
    url = reverse("exports:table", args=["roster", roster.pk])
    everybody = csv(client, url + "?format=csv")
    probationary = csv(client, url + "?format=csv&status=probationary")
    assert "Nguyễn Văn Đức" in everybody and "Hà Thị Mai" in everybody
    assert "Hà Thị Mai" in probationary and "Nguyễn Văn Đức" not in probationary
    searched = csv(client, url + "?format=csv&query=nguyen+van+duc")
    assert "Nguyễn Văn Đức" in searched and "Lò Văn Thắng" not in searched
    # The page's export links carry its filters.
    page = client.get(roster_url(roster, status="probationary", key=1))
    assert "status=probationary&amp;key=1&amp;format=xlsx" in page.text


# --- The ratings -------------------------------------------------------------------------------


def ratings_url(cell, **params):
    query = "&".join(f"{k}={v}" for k, v in {"year": 2026, **params}.items())
    return reverse("cells:ratings", args=[cell.pk]) + "?" + query


def rated(response) -> list[str]:
    return [member.full_name for member, _plan, _rating in response.context["rows"]]


@pytest.fixture
def ratings(roster, people):
    cell_services.rating_set(
        cell=roster,
        member=people.alice_member,
        year=2026,
        actor=people.bob,
        level="tot",
        score=80,
        justification="Hoàn thành tốt",
    )
    return roster


def test_the_ratings_filter_by_rated_level_group_and_name(ratings, tree, login):
    client = login(people_bob(ratings))
    assert rated(client.get(ratings_url(ratings))) == [
        "Nguyễn Văn Đức",
        "Hà Thị Mai",
        "Lò Văn Thắng",
    ]  # party members only, by given name
    assert rated(client.get(ratings_url(ratings, rated="yes"))) == ["Nguyễn Văn Đức"]
    assert rated(client.get(ratings_url(ratings, rated="no"))) == ["Hà Thị Mai", "Lò Văn Thắng"]
    assert rated(client.get(ratings_url(ratings, level="tot"))) == ["Nguyễn Văn Đức"]
    assert rated(client.get(ratings_url(ratings, level="xuat_sac"))) == []
    assert rated(client.get(ratings_url(ratings, group=tree.group1.pk))) == [
        "Hà Thị Mai",
        "Lò Văn Thắng",
    ]
    assert rated(client.get(ratings_url(ratings, q="duc"))) == ["Nguyễn Văn Đức"]
    # The distribution is the cell's, whatever the filters.
    narrowed = client.get(ratings_url(ratings, rated="no"))
    assert narrowed.context["distribution"]["tot"] == 1


def test_a_bad_ratings_filter_shows_the_list_and_a_bad_year_is_404(ratings, login):
    client = login(people_bob(ratings))
    for params in ({"level": "best"}, {"rated": "1"}, {"group": "x"}, {"page": "zz"}):
        assert len(rated(client.get(ratings_url(ratings, **params)))) == 3, params
    assert client.get(ratings_url(ratings, year=99999)).status_code == 404
    assert client.get(ratings_url(ratings, year="abc")).status_code == 404


def test_the_ratings_read_as_many_queries_for_200_people_as_for_5(tree, login, people):
    small = make_unit("Chi bộ nhỏ", "chi_bo_co_so", tree.district)
    large = make_unit("Chi bộ lớn", "chi_bo_co_so", tree.district)
    _add_people(small, 5)
    _add_people(large, 200)
    give_role(people.olga, small, "secretary")
    give_role(people.olga, large, "secretary")
    client = login(people.olga)
    for params in ({}, {"rated": "no", "q": "nguoi"}):
        counts = {_queries(client, ratings_url(cell, **params)) for cell in (small, large)}
        assert len(counts) == 1, (params, counts)
    page = client.get(ratings_url(large))
    assert len(rated(page)) == 30 and page.context["rows"].paginator.count == 200


def test_the_ratings_export_holds_what_the_filters_show(ratings, login):
    client = login(people_bob(ratings))
    url = reverse("exports:table", args=["ratings", ratings.pk]) + "?format=csv&year=2026"
    everybody = csv(client, url)
    not_rated = csv(client, url + "&rated=no")
    assert "Nguyễn Văn Đức" in everybody and "Nguyễn Văn Đức" not in not_rated
    assert "Lò Văn Thắng" in not_rated


# --- Meetings and checks -----------------------------------------------------------------------


@pytest.fixture
def dated(roster, people):
    for day in (D(2025, 5, 10), D(2026, 3, 10), D(2026, 6, 10)):
        cell_services.meeting_record(
            cell=roster,
            actor=people.bob,
            date=day,
            chair=people.bob_member,
            attendees=[people.bob_member],
            conclusions=f"Kết luận {day:%d/%m/%Y}",
        )
    for day, kind in ((D(2025, 4, 1), "kiem_tra"), (D(2026, 4, 1), "giam_sat")):
        cell_services.supervision_record(
            cell=roster,
            actor=people.bob,
            member=people.alice_member,
            kind=kind,
            date=day,
            subject=f"Việc {kind}",
            findings="Tốt",
            conclusion="Đạt",
        )
    return roster


def test_meetings_filter_by_year(dated, login):
    client = login(people_bob(dated))
    url = reverse("cells:meetings", args=[dated.pk])
    assert len(client.get(url).context["meetings"]) == 3
    this_year = client.get(url + "?year=2026")
    assert [m.date.year for m in this_year.context["meetings"]] == [2026, 2026]
    assert "Kết luận 10/05/2025" not in this_year.text
    assert client.get(url + "?year=abc").status_code == 404
    assert client.get(url + "?page=abc").status_code == 200
    export = reverse("exports:table", args=["meetings", dated.pk]) + "?format=csv&year=2025"
    assert len(re.findall(r"Kết luận \d", csv(client, export))) == 1


def test_checks_filter_by_year_and_kind(dated, login):
    client = login(people_bob(dated))
    url = reverse("cells:checks", args=[dated.pk])
    assert len(client.get(url).context["rows"]) == 2
    assert [r.kind for r in client.get(url + "?year=2026").context["rows"]] == ["giam_sat"]
    assert [r.kind for r in client.get(url + "?kind=kiem_tra").context["rows"]] == ["kiem_tra"]
    assert len(client.get(url + "?kind=nonsense").context["rows"]) == 2
    assert client.get(url + "?year=1900").status_code == 404
    export = reverse("exports:table", args=["checks", dated.pk]) + "?format=csv&kind=giam_sat"
    text = csv(client, export)
    assert "Việc giam_sat" in text and "Việc kiem_tra" not in text


def test_meetings_are_read_a_page_at_a_time(roster, people, login):
    for i in range(25):
        cell_services.meeting_record(
            cell=roster,
            actor=people.bob,
            date=D(2024, 1, 1) + datetime.timedelta(days=30 * i),
            chair=people.bob_member,
            attendees=[people.bob_member],
            conclusions="Họp",
        )
    client = login(people.bob)
    url = reverse("cells:meetings", args=[roster.pk])
    assert len(client.get(url).context["meetings"]) == 20
    assert len(client.get(url + "?page=2").context["meetings"]) == 5


# --- The reviews list --------------------------------------------------------------------------


def _review(unit, *, kind="quarter", year=2026, quarter=3, status="draft", number=None):
    return Review.objects.create(
        unit=unit,
        kind=kind,
        year=year,
        quarter=quarter if kind == "quarter" else 0,
        status=status,
        number=number,
        issued_year=year if number else None,
        generated_at=timezone.now(),
    )


@pytest.fixture
def reviews(tree):
    _review(tree.district, quarter=3)
    _review(tree.cell, quarter=3)
    _review(tree.next_cell, quarter=3, status="final", number=1)
    _review(tree.cell, quarter=2)
    _review(tree.cell, kind="year", year=2025)
    return tree


def listed(response) -> list[tuple]:
    return [(r.unit.name, r.kind, r.year, r.quarter) for r in response.context["page"]]


def test_the_reviews_list_is_grouped_by_period_then_level(reviews, people, login):
    client = login(people.olga)
    response = client.get(reverse("reviews:list"))
    assert listed(response) == [
        ("Huyện ủy Mường La", "quarter", 2026, 3),
        ("Chi bộ Khối Đảng", "quarter", 2026, 3),
        ("Chi bộ bản Nà Lốc", "quarter", 2026, 3),
        ("Chi bộ Khối Đảng", "quarter", 2026, 2),
        ("Chi bộ Khối Đảng", "year", 2025, 0),
    ]
    heads = re.findall(r'<h2 class="group-head">(.*?)</h2>', response.text)
    assert len(heads) == 4  # Q3 district, Q3 cells, Q2 cells, year 2025 cells
    assert "III/2026" in heads[0] and "Huyện ủy" in heads[0] and "III/2026" in heads[1]


def test_the_reviews_list_filters_by_level_period_and_state(reviews, people, login):
    client = login(people.olga)
    url = reverse("reviews:list")
    cells = client.get(url + "?level=chi_bo_co_so")
    assert {name for name, *_rest in listed(cells)} == {"Chi bộ Khối Đảng", "Chi bộ bản Nà Lốc"}
    assert listed(client.get(url + "?period=year")) == [("Chi bộ Khối Đảng", "year", 2025, 0)]
    assert len(listed(client.get(url + "?period=q3&year=2026"))) == 3
    assert listed(client.get(url + "?status=final")) == [("Chi bộ bản Nà Lốc", "quarter", 2026, 3)]
    for bad in ("?level=nope", "?period=q9", "?status=burnt", "?page=x"):
        assert len(listed(client.get(url + bad))) == 5, bad
    assert client.get(url + "?year=20260").status_code == 404


def test_the_reviews_list_reads_as_many_queries_for_many_reviews_as_for_few(tree, people, login):
    client = login(people.olga)
    _review(tree.cell, quarter=1)
    few = _queries(client, reverse("reviews:list") + "?status=draft")
    for year in range(2017, 2026):
        for q in (1, 2, 3, 4):
            _review(tree.district, year=year, quarter=q)
            _review(tree.next_cell, year=year, quarter=q)
    assert _queries(client, reverse("reviews:list") + "?status=draft") == few


# --- A unit's units below ----------------------------------------------------------------------


def test_a_committee_pages_and_filters_the_units_below(tree, people, login):
    for i in range(23):
        make_unit(f"Chi bộ thôn {i:02d}", "chi_bo_co_so", tree.district)
    make_unit("Đảng bộ xã Mường Bú", "dang_bo_co_so", tree.district)
    client = login(people.olga)
    url = reverse("units:detail", args=[tree.district.pk])

    def units_below(params=""):
        body = client.get(url + params).context["body"]
        table = body.split('class="muted list-count"')[1].split("</table>")[0]
        return re.findall(r'<th scope="row" data-label="[^"]*"><a href="[^"]*">([^<]*)</a>', table)

    assert len(units_below()) == 20
    assert len(units_below("?units_page=2")) == 6  # 23 + the two cells of the shared tree + 1
    assert units_below("?kind=dang_bo_co_so") == ["Đảng bộ xã Mường Bú"]
    assert units_below("?find=muong+bu") == ["Đảng bộ xã Mường Bú"]
    assert units_below("?find=thon+01") == ["Chi bộ thôn 01"]
    for bad in ("?kind=<b>", "?units_page=abc", "?units_page=-1", "?find=" + "x" * 300):
        assert client.get(url + bad).status_code == 200, bad


# --- Pickers -----------------------------------------------------------------------------------


def test_the_attendee_picker_is_a_plain_list_with_a_filter_for_scripts(roster, login):
    client = login(people_bob(roster))
    page = client.get(reverse("cells:meeting_new", args=[roster.pk])).text
    assert "js/pick_filter.js" in page
    assert 'data-pick-item="Nguyễn Văn Đức"' in page
    assert page.count('type="checkbox" name="attendees"') == 3  # the party members
    assert "data-tick-all" not in page  # the script adds its buttons: nothing dead without it


def test_member_pickers_can_be_searched(roster, login):
    client = login(people_bob(roster))
    check = client.get(reverse("cells:check_new", args=[roster.pk])).text
    assert "data-pick-select" in check and "js/pick_filter.js" in check
    meeting = client.get(reverse("cells:meeting_new", args=[roster.pk])).text
    for name in ("chair", "minute_taker"):
        select = re.search(rf'<select name="{name}"[^>]*>', meeting).group(0)
        assert "data-pick-select" in select, name


# --- The overview's lists in full --------------------------------------------------------------


def test_a_list_of_the_overview_is_searched_by_name_without_accents(roster, login):
    client = login(people_bob(roster))
    url = reverse("cells:list", args=[roster.pk, "not-registered"]) + "?year=2026&q=4"
    everybody = [m.member.full_name for m in client.get(url).context["l"].page]
    assert everybody == ["Hà Thị Mai", "Lò Văn Thắng"]
    found = client.get(url + "&find=thang")
    assert [m.member.full_name for m in found.context["l"].page] == ["Lò Văn Thắng"]
    plans = reverse("cells:list", args=[roster.pk, "plans-submitted"]) + "?year=2026"
    assert len(client.get(plans + "&find=nguyen+van+duc").context["l"].page) == 1
    assert len(client.get(plans + "&find=thang").context["l"].page) == 0
    assert client.get(url + "&find=" + "x" * 300 + "&page=abc").status_code == 200
