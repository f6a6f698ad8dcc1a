import shutil

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from registry.directory.selectors import unit_overview
from registry.members import selectors
from registry.members.models import Member, Membership
from registry.portal.seeding import SEEDS_DIR
from registry.units.models import Unit


def table_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.fixture
def seeded(db):
    call_command("load_seeds", "--demo-accounts", verbosity=0)


def test_loading_twice_changes_no_table(seeded):
    before = table_counts()
    call_command("load_seeds", "--demo-accounts", verbosity=0)
    assert table_counts() == before
    assert before["units.Unit"] > 30 and before["members.Member"] > 90


def test_chi_bo_khoi_dang_has_27_members_in_5_groups(seeded):
    cell = Unit.objects.get(code="son-la/muong-la/khoi-dang")
    counts = selectors.unit_member_counts(unit=cell)
    assert counts.party_members == 27
    groups = Unit.objects.get_children(cell)
    assert [g.name for g in groups] == [f"Tổ đảng số {i}" for i in range(1, 6)]
    assert (
        Membership.objects.filter(cell=cell, end_date__isnull=True, group__isnull=False).count()
        == 27
    )


def test_province_counts_match_the_seed_file(seeded):
    data = yaml.safe_load((SEEDS_DIR / "members.yaml").read_text(encoding="utf-8"))
    expected = sum(
        len(c.get("members") or []) for c in data["cells"] if c["cell"].startswith("son-la/")
    )
    province = Unit.objects.get(code="son-la")
    assert selectors.unit_member_counts(unit=province).party_members == expected
    per_child = {
        u.code: c.party_members
        for u, c in unit_overview(unit=province, today=timezone.localdate())[1]
    }
    assert per_child["son-la/muong-la"] == sum(
        len(c.get("members") or [])
        for c in data["cells"]
        if c["cell"].startswith("son-la/muong-la/")
    )


def test_demo_accounts_need_demo_mode(db, settings):
    settings.DEMO_MODE = False
    call_command("load_seeds", verbosity=0)
    assert not apps.get_model("accounts", "User").objects.exists()
    assert Member.objects.exists()


def test_a_broken_seed_file_loads_nothing(db, tmp_path):
    directory = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, directory)
    members = directory / "members.yaml"
    members.write_text(
        members.read_text(encoding="utf-8") + "\n  - cell: khong-ton-tai\n    members: []\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="khong-ton-tai"):
        call_command("load_seeds", "--directory", str(directory), verbosity=0)
    assert Unit.objects.count() == 0
    assert Member.objects.count() == 0


def test_demo_plans_cover_every_state(seeded):
    from registry.pledges.models import Plan, ProgressReport

    states = set(Plan.objects.filter(year=2026).values_list("status", flat=True))
    assert {"draft", "submitted", "returned", "approved"} <= states
    duc = Plan.objects.get(member__card_number="94763812", year=2026)
    assert duc.status == "approved"
    assert set(ProgressReport.objects.filter(item__plan=duc).values_list("quarter", flat=True)) == {
        1,
        2,
    }


def test_the_demo_has_a_mid_term_review_of_the_district_from_its_yearly_figures(seeded):
    from registry.reviews.models import Review

    review = Review.objects.get(kind="term", unit__code="son-la/muong-la")
    assert (review.first_year, review.year, review.closing, review.status) == (
        2025,
        2026,
        False,
        "draft",
    )
    assert [row["year"] for row in review.figures["years"]] == [2025, 2026]
    assert review.figures["years"][-1]["figures"]["items"] > 0
    assert "kiểm tra 07 và giám sát 09 đảng viên" in review.results
