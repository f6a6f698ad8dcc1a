"""The people of the generated province: members (mostly party members, some participants),
their accounts, their membership periods (a few transferred or moved to another party group
during the year, as dated periods the way `members.services` records them), and the roles of
each cell and committee."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from registry.access.models import RoleAssignment
from registry.core.text import fold
from registry.members.models import Member, Membership

from . import words
from .tree import Node
from .writer import Ids, Writer

D = datetime.date
YEAR = datetime.timedelta(days=365)
Role = RoleAssignment.Role
UNUSABLE_PASSWORD = "!generated"  # no sign-in with a password until one is set

ACCOUNT_SHARE = 0.92
KEY_OFFICIAL_SHARE = 0.03  # cán bộ chủ chốt: the cell secretaries first, then deputies
PARTICIPANT_SHARE = 0.07
TRANSFER_SHARE = 0.03
REGROUP_SHARE = 0.02


@dataclass
class Period:
    cell: Node
    group: Node | None
    start: datetime.date
    end: datetime.date | None = None


@dataclass
class Person:
    member_id: int
    user_id: int | None
    is_party: bool
    periods: list[Period] = field(default_factory=list)

    def cell_on(self, day: datetime.date) -> Node | None:
        for p in self.periods:
            if p.start <= day and (p.end is None or day < p.end):
                return p.cell
        return None


@dataclass
class Leaders:
    secretary: int
    deputy: int
    committee: list[int] = field(default_factory=list)

    def decider_for(self, owner_user_id: int | None) -> int:
        """Who approves and accepts for the cell: the secretary, or on the secretary's own
        plan the deputy (`access.policy.plan_deciders`)."""
        return self.deputy if owner_user_id == self.secretary else self.secretary


@dataclass
class People:
    persons: list[Person]
    leaders: dict[int, Leaders]  # by cell id
    officers: dict[int, list[int]]  # committee id → user ids


def _name(rng: random.Random, gender: str) -> str:
    family = rng.choices([f for f, _w in words.FAMILY], [w for _f, w in words.FAMILY])[0]
    return f"{family} {rng.choice(words.MIDDLE[gender])} {rng.choice(words.GIVEN[gender])}"


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


class _Rows:
    """The tables this module writes, and how each row is made."""

    def __init__(self, writer: Writer, ids: Ids, year: int):
        self.ids, self.year = ids, year
        self.users = writer.table(
            get_user_model(),
            "id", "password", "last_login", "is_superuser", "username", "first_name",
            "last_name", "email", "is_staff", "is_active", "date_joined", "email_reminders",
        )  # fmt: skip
        self.members = writer.table(
            Member,
            "id", "full_name", "search_name", "sort_name", "category", "card_number", "status",
            "birth_date", "gender", "admission_date", "full_membership_date", "citizen_id",
            "phone", "job_title", "workplace", "is_key_official", "user", "created_at",
            "updated_at",
        )  # fmt: skip
        self.periods = writer.table(
            Membership,
            "id", "member", "cell", "group", "start_date", "end_date", "end_reason", "note",
        )  # fmt: skip
        self.roles = writer.table(RoleAssignment, "id", "user", "unit", "role", "created_at")
        self.joined = datetime.datetime(year - 1, 12, 20, 8, tzinfo=datetime.UTC)

    def user(self, username: str, name: str) -> int:
        pk = self.ids.take(get_user_model())
        self.users.add(
            pk, UNUSABLE_PASSWORD, None, False, username, name, "", "", False, True,
            self.joined, True,
        )  # fmt: skip
        return pk

    def role(self, user_id: int, unit_id: int, role: str) -> None:
        self.roles.add(self.ids.take(RoleAssignment), user_id, unit_id, role, self.joined)


def _member(rows: _Rows, rng, cell: Node, cards, citizen_ids) -> tuple[Person, datetime.date]:
    year = rows.year
    gender = rng.choice(("nam", "nu"))
    name = _name(rng, gender)
    folded = fold(name)
    is_party = cell.size < 10 or rng.random() > PARTICIPANT_SHARE
    born = _day_between(rng, D(1958, 1, 1), D(2002, 12, 31))
    admitted = full = None
    status, card = "", None
    if is_party:
        admitted = _day_between(rng, born + 20 * YEAR, D(year - 1, 6, 30))
        status = "du_bi" if admitted.year >= year - 1 and rng.random() < 0.5 else "chinh_thuc"
        full = admitted + YEAR if status == "chinh_thuc" else None
        card = str(next(cards))
    category = "dang_vien" if is_party else rng.choice(("cong_chuc", "vien_chuc", "nguoi_lao_dong"))
    citizen = str(next(citizen_ids)) if rng.random() < 0.6 else None
    job, workplace = rng.choice(words.JOBS)
    member_id = rows.ids.take(Member)
    user_id = None
    if rng.random() < ACCOUNT_SHARE:
        user_id = rows.user(f"dv{card}" if card else f"qc{member_id}", name)
    since = max(
        admitted or D(year - 6, 1, 1), _day_between(rng, D(year - 8, 1, 1), D(year - 1, 9, 1))
    )
    rows.members.add(
        member_id, name, folded, f"{folded.rsplit(' ', 1)[-1]} {folded}", category, card, status,
        born, gender, admitted, full, citizen, f"09{rng.randint(10_000_000, 99_999_999)}", job,
        workplace, False, user_id, rows.joined, rows.joined,
    )  # fmt: skip
    return Person(member_id, user_id, is_party), since


def _periods(person: Person, cell: Node, since, rng, cells: list[Node], moves_until) -> None:
    """One open period, or two when the person was transferred or changed party group."""
    group = rng.choice(cell.groups) if cell.groups else None
    roll = rng.random()
    first_move = D(moves_until.year, 2, 1)
    if moves_until <= first_move or roll >= TRANSFER_SHARE + REGROUP_SHARE:
        person.periods.append(Period(cell, group, since))
        return
    day = _day_between(rng, first_move, moves_until)
    if roll < TRANSFER_SHARE:
        target = rng.choice(cells)
        if target is cell:
            person.periods.append(Period(cell, group, since))
            return
        new_group = rng.choice(target.groups) if target.groups else None
        person.periods += [Period(cell, group, since, day), Period(target, new_group, day)]
    elif len(cell.groups) > 1:
        other = rng.choice([g for g in cell.groups if g is not group])
        person.periods += [Period(cell, group, since, day), Period(cell, other, day)]
    else:
        person.periods.append(Period(cell, group, since))


def _write_periods(rows: _Rows, person: Person) -> None:
    for i, p in enumerate(person.periods):
        reason = ""
        if p.end is not None:
            moved = person.periods[i + 1].cell is not p.cell
            reason = Membership.EndReason.TRANSFER if moved else Membership.EndReason.REGROUP
        rows.periods.add(
            rows.ids.take(Membership),
            person.member_id,
            p.cell.id,
            p.group.id if p.group else None,
            p.start,
            p.end,
            reason,
            "",
        )


def _cell_leaders(rows: _Rows, cell: Node, stay: list[Person], rng) -> Leaders | None:
    """Secretary, deputy and (in a cell with a committee) committee members, chosen among the
    party members with an account who stayed in the cell all year."""
    able = [p for p in stay if p.is_party and p.user_id]
    if len(able) < 2:
        return None
    chosen = rng.sample(able, min(len(able), 2 + (rng.randint(1, 4) if cell.size >= 9 else 0)))
    leaders = Leaders(chosen[0].user_id, chosen[1].user_id, [p.user_id for p in chosen[2:]])
    rows.role(leaders.secretary, cell.id, Role.SECRETARY)
    rows.role(leaders.deputy, cell.id, Role.DEPUTY_SECRETARY)
    for user_id in leaders.committee:
        rows.role(user_id, cell.id, Role.COMMITTEE_MEMBER)
    return leaders


def _officers(rows: _Rows, committees: list[Node], rng) -> dict[int, list[int]]:
    result = {}
    for unit in committees:
        n = 4 if unit.kind == "tinh_uy" else 2
        users = [
            rows.user(f"cb{unit.id}-{k}", _name(rng, rng.choice(("nam", "nu")))) for k in range(n)
        ]
        rows.role(users[0], unit.id, Role.SECRETARY)
        for user_id in users[1:]:
            rows.role(user_id, unit.id, Role.OFFICER)
        result[unit.id] = users
    return result


def build(
    *,
    cells: list[Node],
    committees: list[Node],
    year: int,
    last_day: datetime.date,
    rng: random.Random,
    ids: Ids,
    writer: Writer,
) -> People:
    rows = _Rows(writer, ids, year)
    total = sum(c.size for c in cells)
    cards = iter(rng.sample(range(10_000_000, 100_000_000), total))
    citizen_ids = iter(rng.sample(range(10**11, 10**12), total))
    persons: list[Person] = []
    stayers: dict[int, list[Person]] = {}
    for cell in cells:
        for _ in range(cell.size):
            person, since = _member(rows, rng, cell, cards, citizen_ids)
            _periods(person, cell, since, rng, cells, last_day)
            persons.append(person)
            if len(person.periods) == 1 or person.periods[1].cell is cell:
                stayers.setdefault(cell.id, []).append(person)
    writer.flush()  # users and members first: periods and roles refer to them
    for person in persons:
        _write_periods(rows, person)
    leaders = {}
    for cell in cells:
        found = _cell_leaders(rows, cell, stayers.get(cell.id, []), rng)
        if found:
            leaders[cell.id] = found
    officers = _officers(rows, committees, rng)
    writer.flush()
    _key_officials(persons, leaders, rng)
    return People(persons, leaders, officers)


def _key_officials(persons: list[Person], leaders: dict, rng) -> None:
    """About `KEY_OFFICIAL_SHARE` of the members are key officials (`Member.is_key_official`):
    every cell's secretary, then deputies drawn at random up to the share. One UPDATE of the
    members just written (written with the flag false: the leaders are chosen after)."""
    member_of = {p.user_id: p.member_id for p in persons if p.user_id}
    chosen = {member_of[found.secretary] for found in leaders.values()}
    wanted = round(KEY_OFFICIAL_SHARE * len(persons))
    deputies = [member_of[found.deputy] for found in leaders.values()]
    rng.shuffle(deputies)
    for member_id in deputies:
        if len(chosen) >= wanted:
            break
        chosen.add(member_id)
    Member.objects.filter(pk__any=sorted(chosen)).update(is_key_official=True)
