import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.audit.models import AuditEvent
from registry.core.text import fold
from registry.members import services
from registry.members.models import Member, Membership, normalise_card_number

from ..factories import make_member


def test_transfer_closes_one_period_and_opens_the_next(tree, people):
    member = people.alice_member
    services.member_transfer(
        member=member, to_cell=tree.next_cell, on=datetime.date(2025, 3, 1), actor=people.bob
    )

    old, new = Membership.objects.filter(member=member).order_by("start_date")
    assert (old.cell, old.end_date, old.end_reason) == (
        tree.cell,
        datetime.date(2025, 3, 1),
        "transfer",
    )
    assert (new.cell, new.end_date) == (tree.next_cell, None)
    event = AuditEvent.objects.get(action="member.transfer")
    assert event.actor == people.bob
    assert event.data["from_cell"] == tree.cell.pk


def test_transfer_to_the_same_cell_is_refused_and_changes_nothing(tree, people):
    with pytest.raises(ValidationError, match="đang sinh hoạt tại chi bộ này"):
        services.member_transfer(member=people.alice_member, to_cell=tree.cell)
    assert Membership.objects.filter(member=people.alice_member).count() == 1


def test_transfer_into_a_group_of_another_cell_is_refused(tree, people):
    with pytest.raises(ValidationError):
        services.member_transfer(
            member=people.alice_member, to_cell=tree.next_cell, to_group=tree.group1
        )
    assert (
        Membership.objects.get(member=people.alice_member, end_date__isnull=True).cell == tree.cell
    )


def test_a_person_has_at_most_one_open_period(tree, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            member=people.alice_member, cell=tree.next_cell, start_date=datetime.date.today()
        )


def test_a_party_member_needs_a_card_and_a_participant_has_none(tree):
    with pytest.raises(ValidationError):
        make_member(tree.cell, "Không Thẻ", card_number=None)
    with pytest.raises(ValidationError):
        make_member(
            tree.cell, "Công Chức", category=Member.Category.CIVIL_SERVANT, card_number="12345678"
        )
    participant = make_member(tree.cell, "Cầm Thị Hoa", category=Member.Category.CIVIL_SERVANT)
    assert participant.card_number is None


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("21.076.213", "21076213"), ("21 076 213", "21076213"), ("12-345-678", "12345678")],
)
def test_card_numbers_are_stored_as_digits(tree, raw, stored):
    assert make_member(tree.cell, "A", card_number=raw).card_number == stored


@pytest.mark.parametrize("bad", ["ABC12345", "12345", "1234567890123", "12/345/678"])
def test_malformed_card_numbers_are_refused_with_a_clear_message(tree, bad):
    with pytest.raises(ValidationError) as exc:
        make_member(tree.cell, "A", card_number=bad)
    assert "Số thẻ đảng viên gồm từ 6 đến 12 chữ số" in str(exc.value)
    assert not Member.objects.filter(full_name="A").exists()


def test_card_numbers_are_unique(tree):
    make_member(tree.cell, "A", card_number="11112222")
    with pytest.raises(ValidationError):
        make_member(tree.next_cell, "B", card_number="11.112.222")


def test_names_are_folded_for_search_and_sorted_by_given_name(tree):
    a = make_member(tree.cell, "  Nguyễn   Văn Đức ")
    assert a.full_name == "Nguyễn Văn Đức"
    assert a.search_name == "nguyen van duc"
    make_member(tree.cell, "Đinh Văn An")
    names = list(
        Member.objects.filter(memberships__cell=tree.cell).values_list("full_name", flat=True)
    )
    assert names == ["Đinh Văn An", "Nguyễn Văn Đức"]


def test_fold_handles_every_vietnamese_letter():
    assert fold("ĂÂĐÊÔƠƯ ăâđêôơư Ừ ữ Ỳ ỵ") == "aadeoou aadeoou u u y y"
    assert normalise_card_number("abc") == ""


def test_search_matches_whole_words_and_the_start_of_the_last_one(tree):
    from registry.members.selectors import matching_members

    duc = make_member(tree.cell, "Nguyễn Văn Đức")
    loi = make_member(tree.cell, "Hà Văn Lợi")
    lo = make_member(tree.cell, "Lò Văn Bun")

    def names(query):
        return set(matching_members(query).filter(pk__in=[duc.pk, loi.pk, lo.pk]))

    assert names("nguyen van d") == {duc}
    assert names("lo van") == {lo}
    assert names("van lo") == {loi, lo}
    assert names("loi") == {loi}
    assert names("an") == set()


def test_a_change_of_party_group_does_not_restart_the_stay_in_the_cell(tree, people):
    import datetime

    from registry.members.selectors import in_cell_since

    services.member_set_group(
        member=people.alice_member, group=tree.group1, on=datetime.date(2026, 5, 15)
    )
    current = people.alice_member.memberships.current().get()
    assert current.start_date == datetime.date(2026, 5, 15)
    assert in_cell_since(current) == datetime.date(2020, 1, 1)
