"""Load the demo data set in seeds/ (YAML, readable by a person).

Idempotent: every record is found by a natural key (unit code, card number, citizen ID,
year and scope, username) and only created or changed when it differs, so loading twice
leaves every table as it was. All of it is one transaction: a bad file loads nothing."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.cells import services as cell_services
from registry.cells.models import CellMeeting, Supervision, YearRating
from registry.cells.selectors import cell_party_members
from registry.collective import services as collective_services
from registry.collective.models import Registration
from registry.commendations import services as commendation_services
from registry.commendations.models import GoodDeed
from registry.indicators.models import Indicator
from registry.members import services as member_services
from registry.members.models import Member, normalise_card_number
from registry.pledges import services as pledge_services
from registry.pledges.models import Plan
from registry.programmes.models import Programme
from registry.signin import services as signin_services
from registry.units import services as unit_services
from registry.units.models import STANDING_COMMITTEE_KINDS, EthicalStandard, Unit, UnitKind

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


class SeedError(Exception):
    pass


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.changed
        bucket[what] = bucket.get(what, 0) + 1


def _read(directory: Path, name: str) -> dict:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
    except FileNotFoundError:
        raise SeedError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not valid YAML: {exc}") from None


def _set_changed(obj, values: dict, validate: bool = False) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed and validate:
        obj.full_clean()
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _load_unit(node: dict, parent: Unit | None, kinds: dict, report: SeedReport, units: dict):
    code = node["code"]
    try:
        kind = kinds[node["kind"]]
    except KeyError:
        raise SeedError(f"unit {code}: unknown kind {node.get('kind')!r}") from None
    values = {
        "name": node["name"],
        "kind": kind,
        "abbreviation": node.get("abbreviation") or "",
        "place": node.get("place") or "",
        "has_committee": bool(node.get("has_committee", False)),
        "has_standing_committee": bool(
            node.get("has_standing_committee", kind.code in STANDING_COMMITTEE_KINDS)
        ),
    }
    unit = Unit.objects.select_related("kind").filter(code=code).first()
    if unit is None:
        unit = unit_services.unit_create(parent=parent, code=code, **values)
        report.count("units", True)
    else:
        if _set_changed(unit, values):
            report.count("units", False)
        current_parent = Unit.objects.get_parent(unit, update=True)
        if (current_parent and current_parent.pk) != (parent and parent.pk):
            unit = unit_services.unit_move(unit=unit, new_parent=parent)
            report.count("units", False)
    units[code] = unit
    standards = node.get("standards") or []
    for position, text in enumerate(standards, start=1):
        standard, created = EthicalStandard.objects.get_or_create(
            unit=unit, position=position, defaults={"text": text}
        )
        if created:
            report.count("standards", True)
        elif _set_changed(standard, {"text": text}):
            report.count("standards", False)
    EthicalStandard.objects.filter(unit=unit, position__gt=len(standards)).delete()
    for child in node.get("children") or []:
        _load_unit(child, unit, kinds, report, units)


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _time(value) -> datetime.time | None:
    """'14:00' (YAML may read an unquoted one as minutes since midnight)."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return datetime.time(value // 60, value % 60)
    return datetime.time.fromisoformat(str(value))


def _member_fields(row: dict, category: str) -> dict:
    party = category == Member.Category.PARTY_MEMBER
    return {
        "full_name": row["name"],
        "category": category,
        "card_number": str(row["card"]) if party else None,
        "status": row.get("status", "") if party else "",
        "birth_date": _date(row.get("born")),
        "gender": row.get("gender", ""),
        "admission_date": _date(row.get("admitted")) if party else None,
        "full_membership_date": _date(row.get("full_member")) if party else None,
        "citizen_id": str(row["citizen_id"]) if row.get("citizen_id") else None,
        "phone": str(row.get("phone") or ""),
        "job_title": row.get("job", ""),
        "workplace": row.get("workplace", ""),
        "is_key_official": bool(row.get("key_official")),
    }


def _load_person(row: dict, category: str, cell: Unit, units: dict, report: SeedReport):
    fields = _member_fields(row, category)
    group = None
    if row.get("group"):
        group = units.get(f"{cell.code}/{row['group']}")
        if group is None:
            raise SeedError(f"{row['name']}: {cell.code} has no party group {row['group']!r}")
    if fields["card_number"]:
        fields["card_number"] = (
            normalise_card_number(fields["card_number"]) or fields["card_number"]
        )
        member = Member.objects.filter(card_number=fields["card_number"]).first()
    elif fields["citizen_id"]:
        member = Member.objects.filter(citizen_id=fields["citizen_id"]).first()
    else:
        raise SeedError(f"{row['name']}: a participant needs a citizen_id (their key in the seeds)")
    since = fields["admission_date"] or datetime.date(2016, 1, 1)
    if member is None:
        member_services.member_create(cell=cell, group=group, since=since, **fields)
        report.count("members", True)
        return
    if _set_changed(member, fields, validate=True):
        report.count("members", False)
    current = member_services.current_membership(member)
    if current is None or current.cell_id != cell.pk:
        member_services.member_transfer(member=member, to_cell=cell, to_group=group)
        report.count("memberships", False)
    elif current.group_id != (group.pk if group else None):
        member_services.member_set_group(member=member, group=group)
        report.count("memberships", False)


def _load_members(data: dict, units: dict, report: SeedReport) -> None:
    for entry in data.get("cells") or []:
        cell = units.get(entry["cell"])
        if cell is None:
            raise SeedError(f"members.yaml: unknown cell {entry['cell']!r}")
        for row in entry.get("members") or []:
            _load_person(row, Member.Category.PARTY_MEMBER, cell, units, report)
        for row in entry.get("participants") or []:
            _load_person(row, row["category"], cell, units, report)


def _load_programmes(data: dict, units: dict, report: SeedReport) -> None:
    for row in data.get("programmes") or []:
        scope = None
        if row.get("scope"):
            scope = units.get(row["scope"])
            if scope is None:
                raise SeedError(f"programmes.yaml: unknown scope {row['scope']!r}")
        values = {
            "name": row.get("name") or "",
            "directive": row.get("directive") or "",
            "theme": row.get("theme") or "",
            "term_theme": row.get("term_theme") or "",
            "key_officials_first": row.get("key_officials_first"),
            **{
                key: _date(row.get(key))
                for key in (
                    "registration_opens",
                    "registration_closes",
                    "others_register_from",
                    "q1_deadline",
                    "q2_deadline",
                    "q3_deadline",
                    "q4_deadline",
                )
            },
        }
        programme = Programme.objects.filter(year=row["year"], scope=scope).first()
        if programme is None:
            programme = Programme(year=row["year"], scope=scope, **values)
            programme.full_clean()
            programme.save()
            report.count("programmes", True)
        elif _set_changed(programme, values, validate=True):
            report.count("programmes", False)


def demo_accounts_spec(directory: Path = SEEDS_DIR) -> list[dict]:
    return _read(directory, "accounts.yaml").get("accounts") or []


def _load_accounts(directory: Path, units: dict, report: SeedReport) -> None:
    User = get_user_model()
    second_factor = _read(directory, "accounts.yaml").get("second_factor") or {}
    for spec in demo_accounts_spec(directory):
        member = None
        if spec.get("card"):
            member = Member.objects.filter(
                card_number=normalise_card_number(str(spec["card"]))
            ).first()
            if member is None:
                raise SeedError(f"accounts.yaml: no member with card {spec['card']}")
            username = f"dv{member.card_number}"
        else:
            username = spec["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=member.full_name if member else spec.get("name", ""),
                email=spec.get("email", ""),
                is_superuser=bool(spec.get("administrator")),
                is_staff=bool(spec.get("administrator")),
            )
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            report.count("accounts", True)
        if member is not None and member.user_id != user.pk:
            member.user = user
            member.save(update_fields=["user"])
        for role in spec.get("roles") or []:
            unit = units.get(role["unit"])
            if unit is None:
                raise SeedError(f"accounts.yaml: unknown unit {role['unit']!r}")
            _, created = RoleAssignment.objects.get_or_create(
                user=user, unit=unit, role=role["role"]
            )
            if created:
                report.count("roles", True)
        if (
            second_factor
            and policy.second_factor_required(user)
            and not signin_services.has_second_factor(user)
        ):
            # the documented demo authenticator and recovery codes (accounts.yaml)
            signin_services.second_factor_install(
                user=user,
                key_hex=second_factor["key_hex"],
                recovery_codes=list(second_factor["recovery_codes"]),
            )
            report.count("second factors", True)


def _at(value, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(_date(value), datetime.time(hour), tzinfo=_TZ)


def _member_account(member: Member):
    """Demo plans need their member to sign in: give the member an account if missing."""
    User = get_user_model()
    if member.user_id:
        return member.user
    user, created = User.objects.get_or_create(
        username=f"dv{member.card_number}", defaults={"first_name": member.full_name}
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    member.user = user
    member.save(update_fields=["user"])
    return user


def _approver(plan: Plan):
    managers = RoleAssignment.objects.filter(
        unit=plan.cell, role__in=RoleAssignment.MANAGING_ROLES
    ).select_related("user")
    others = [r.user for r in managers if r.user_id != plan.member.user_id]
    if others:
        return others[0]
    raise SeedError(
        f"plans.yaml: {plan.cell} has no other secretary or deputy account to decide on "
        f"{plan.member}'s plan (nobody approves their own)"
    )


def _load_indicators(data: dict, units: dict, report: SeedReport) -> None:
    """The catalogue of standard indicators (reference data, loaded in every mode)."""
    for position, row in enumerate(data.get("indicators") or [], start=1):
        scope = None
        if row.get("scope"):
            scope = units.get(row["scope"])
            if scope is None:
                raise SeedError(f"indicators.yaml: unknown scope {row['scope']!r}")
        values = {"name": row["name"], "unit": row["unit"], "scope": scope, "position": position}
        indicator = Indicator.objects.filter(code=row["code"]).first()
        if indicator is None:
            indicator = Indicator(code=row["code"], **values)
            indicator.full_clean()
            indicator.save()
            report.count("indicators", True)
        elif _set_changed(indicator, values, validate=True):
            report.count("indicators", False)


def _indicator(code: str | None) -> Indicator | None:
    if not code:
        return None
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise SeedError(f"plans.yaml: unknown indicator {code!r}")
    return indicator


def _load_plans(directory: Path, report: SeedReport) -> None:
    for row in _read(directory, "plans.yaml").get("plans") or []:
        member = Member.objects.filter(card_number=normalise_card_number(str(row["card"]))).first()
        if member is None:
            raise SeedError(f"plans.yaml: no member with card {row['card']}")
        year = row["year"]
        if Plan.objects.filter(member=member, year=year).exists():
            continue
        owner = _member_account(member)
        plan = pledge_services.plan_create(
            member=member, year=year, actor=owner, at=_at(row["created"])
        )
        standards = {s.position: s.pk for s in plan.cell.standards.all()}
        items = [
            {
                "action": item["action"],
                "measures": item.get("measures", ""),
                "expected_result": item.get("expected", ""),
                "target_value": Decimal(str(item["target"])) if "target" in item else None,
                "target_unit": item.get("unit", ""),
                "deadline": _date(item.get("deadline")),
                "quarter": item.get("quarter"),
                "is_breakthrough": item.get("breakthrough", False),
                "indicator": _indicator(item.get("indicator")),
                "standards": [standards[p] for p in item.get("standards", [])],
            }
            for item in row["items"]
        ]
        pledge_services.plan_save(
            plan=plan, actor=owner, study_content=row.get("study", ""), items=items
        )
        state = row["state"]
        if state != "draft":
            pledge_services.plan_submit(
                plan=plan, actor=owner, commitment_confirmed=True, at=_at(row["submitted"])
            )
        if state == "returned":
            pledge_services.plan_return(
                plan=plan,
                actor=_approver(plan),
                comment=row["returned"]["comment"],
                at=_at(row["returned"]["date"]),
            )
        if state == "approved":
            pledge_services.plan_approve(plan=plan, actor=_approver(plan), at=_at(row["approved"]))
            for item, spec in zip(plan.items.order_by("position"), row["items"], strict=True):
                for rep in spec.get("reports", []):
                    pledge_services.report_file(
                        item=item,
                        quarter=rep["quarter"],
                        actor=owner,
                        status=rep["status"],
                        value_reached=Decimal(str(rep["value"])) if "value" in rep else None,
                        account=rep.get("account", ""),
                        at=_at(rep["date"], hour=16),
                    )
        report.count("plans", True)


def _load_cell_work(directory: Path, report: SeedReport) -> None:
    data = _read(directory, "cell_work.yaml")
    if not data:
        return
    cell = Unit.objects.select_related("kind").get(code=data["cell"])
    secretary = _approver(Plan(cell=cell, member=Member()))

    def member(card):
        return Member.objects.get(card_number=normalise_card_number(str(card)))

    present = list(cell_party_members(cell))
    for row in data.get("meetings") or []:
        day = _date(row["date"])
        if CellMeeting.objects.filter(cell=cell, date=day).exists():
            continue
        absent = {normalise_card_number(str(c)) for c in row.get("absent", [])}
        cell_services.meeting_record(
            cell=cell,
            actor=secretary,
            date=day,
            chair=member(row["chair"]),
            attendees=[m for m in present if m.card_number not in absent],
            conclusions=row["conclusions"],
            place=row.get("place", ""),
            starts_at=_time(row.get("starts_at")),
            ends_at=_time(row.get("ends_at")),
            minute_taker=member(row["minute_taker"]) if row.get("minute_taker") else None,
            agenda=row.get("agenda", ""),
            content=row.get("content", ""),
            absence_reasons={
                member(card).pk: reason for card, reason in (row.get("reasons") or {}).items()
            },
            at=_at(day, hour=17),
        )
        report.count("meetings", True)
    for row in data.get("checks") or []:
        day = _date(row["date"])
        person = member(row["member"])
        if Supervision.objects.filter(cell=cell, member=person, date=day).exists():
            continue
        cell_services.supervision_record(
            cell=cell,
            actor=secretary,
            member=person,
            kind=row["kind"],
            date=day,
            subject=row["subject"],
            findings=row["findings"],
            conclusion=row["conclusion"],
            at=_at(day, hour=17),
        )
        report.count("checks", True)
    for row in data.get("ratings") or []:
        person = member(row["member"])
        if YearRating.objects.filter(member=person, year=row["year"]).exists():
            continue
        cell_services.rating_set(
            cell=cell,
            member=person,
            year=row["year"],
            actor=secretary,
            level=row["level"],
            score=row.get("score"),
            justification=row["justification"],
            at=_at(datetime.date(row["year"], 12, 20)),
        )
        report.count("ratings", True)


def _account(ref) -> object:
    """A demo account by user name or by its member's card number."""
    User = get_user_model()
    user = User.objects.filter(username=str(ref)).first()
    if user is None:
        member = Member.objects.filter(card_number=normalise_card_number(str(ref))).first()
        user = member.user if member else None
    if user is None:
        raise SeedError(f"collective.yaml: no account {ref!r}")
    return user


def _load_collective(directory: Path, report: SeedReport) -> None:
    for row in _read(directory, "collective.yaml").get("registrations") or []:
        unit = Unit.objects.select_related("kind").get(code=row["unit"])
        if Registration.objects.filter(unit=unit, year=row["year"]).exists():
            continue
        drafter = _account(row["by"])
        created = _at(row["created"])
        registration = collective_services.registration_create(
            unit=unit, year=row["year"], actor=drafter, at=created
        )
        contents = [
            {
                "kind": c["kind"],
                "title": c["title"],
                "measures": c.get("measures", ""),
                "expected_result": c.get("expected", ""),
                "target_value": Decimal(str(c["target"])) if "target" in c else None,
                "target_unit": c.get("unit", ""),
                "indicator": _indicator(c.get("indicator")),
                "deadline": _date(c.get("deadline")),
                "responsible": Member.objects.get(
                    card_number=normalise_card_number(str(c["in_charge_card"]))
                )
                if "in_charge_card" in c
                else None,
                "responsible_name": c.get("in_charge", ""),
            }
            for c in row["contents"]
        ]
        collective_services.registration_save(
            registration=registration,
            actor=drafter,
            plan_number=row["plan"]["number"],
            plan_date=_date(row["plan"]["date"]),
            summary=row.get("summary", ""),
            contents=contents,
            at=created,
        )
        if "submitted" in row:
            collective_services.registration_submit(
                registration=registration, actor=drafter, at=_at(row["submitted"])
            )
        if "approved" in row:
            collective_services.registration_approve(
                registration=registration,
                actor=_account(row["approver"]),
                at=_at(row["approved"]),
            )
            for content, spec in zip(
                registration.contents.order_by("position"), row["contents"], strict=True
            ):
                for rep in spec.get("reports", []):
                    collective_services.progress_file(
                        content=content,
                        quarter=rep["quarter"],
                        actor=drafter,
                        status=rep["status"],
                        value_reached=Decimal(str(rep["value"])) if "value" in rep else None,
                        account=rep.get("account", ""),
                        at=_at(rep["date"], hour=16),
                    )
        report.count("collective registrations", True)


def _load_commendations(directory: Path, report: SeedReport) -> None:
    """The cell's good deeds, praised at its meeting, and its proposals decided by the
    district's officer, through the services with historical dates. Loaded once."""
    data = _read(directory, "commendations.yaml")
    if not data:
        return
    cell = Unit.objects.select_related("kind").get(code=data["cell"])
    if GoodDeed.objects.filter(unit=cell).exists():
        return
    secretary = _approver(Plan(cell=cell, member=Member()))

    def who(row) -> dict:
        if "member" in row:
            card = normalise_card_number(str(row["member"]))
            return {"subject": "person", "member": Member.objects.get(card_number=card)}
        if "group" in row:
            return {"subject": "collective", "collective_unit": Unit.objects.get(code=row["group"])}
        return {"subject": "collective", "collective_name": row["collective"]}

    deeds = {}
    for row in data.get("deeds") or []:
        day = _date(row["date"])
        deed = commendation_services.deed_record(
            unit=cell, actor=secretary, deed=row["deed"], date=day, at=_at(day, 17), **who(row)
        )
        if row.get("praised_on"):
            praised = _date(row["praised_on"])
            commendation_services.deed_praise(
                deed=deed,
                actor=secretary,
                praised_on=praised,
                note=row.get("praise_note", ""),
                at=_at(praised, 17),
            )
        deeds[row["key"]] = deed
        report.count("good deeds", True)
    for row in data.get("proposals") or []:
        sent = _date(row["sent"])
        deed = deeds.get(row.get("deed"))
        proposal = commendation_services.proposal_send(
            from_unit=cell,
            actor=secretary,
            level=row["level"],
            achievement=row["achievement"],
            deed=deed,
            at=_at(sent, 10),
            **({} if deed else who(row)),
        )
        report.count("commendation proposals", True)
        if row.get("decision"):
            decided = _date(row["decided"])
            officer = _officer_of(proposal.to_unit)
            commendation_services.proposal_decide(
                proposal=proposal,
                actor=officer,
                approved=row.get("approved", True),
                decision_number=row["decision"],
                decision_date=decided,
                reason=row.get("reason", ""),
                at=_at(decided, 15),
            )


def _officer_of(unit: Unit):
    """The demo account of the committee's office, as it is after its second sign-in step
    (the demo authenticator is documented in accounts.yaml): it records the decisions."""
    role = RoleAssignment.objects.filter(unit=unit, role=RoleAssignment.Role.OFFICER).first()
    if role is None:
        raise SeedError(f"commendations.yaml: {unit} has no officer account to decide")
    user = role.user
    user.is_verified = lambda: True
    return user


def _account(key) -> object:
    """A demo account by card number or user name; the administrator when none is given."""
    User = get_user_model()
    if not key:
        return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    member = Member.objects.filter(card_number=normalise_card_number(str(key))).first()
    if member is not None and member.user_id:
        return member.user
    user = User.objects.filter(username=key).first()
    if user is None:
        raise SeedError(f"practices.yaml: no account {key!r}")
    return user


def _load_practices(directory: Path, report: SeedReport) -> None:
    from registry.pledges.models import PlanItem
    from registry.practices import services as practice_services
    from registry.practices.models import Practice

    for row in _read(directory, "practices.yaml").get("practices") or []:
        unit = Unit.objects.select_related("kind").get(code=row["unit"])
        if Practice.objects.filter(unit=unit, title=row["title"]).exists():
            continue
        item = None
        if row.get("breakthrough_of"):
            card = normalise_card_number(str(row["breakthrough_of"]))
            item = (
                PlanItem.objects.filter(
                    plan__member__card_number=card, plan__year=row["year"], is_breakthrough=True
                )
                .order_by("position")
                .first()
            )
        practice = practice_services.practice_propose(
            unit=unit,
            actor=_account(row.get("by")),
            year=row["year"],
            title=row["title"],
            field=row["field"],
            description=row["description"].strip(),
            results=row["results"].strip(),
            source=Practice.Source.BREAKTHROUGH if item else Practice.Source.SCRATCH,
            plan_item=item,
            at=_at(row["proposed"]),
        )
        if row.get("published"):
            decider = _account(row.get("decided_by"))
            at = _at(row["published"])
            practice = practice_services.practice_select(practice=practice, actor=decider, at=at)
            practice = practice_services.practice_publish(practice=practice, actor=decider, at=at)
            for adoption in row.get("adoptions") or []:
                practice_services.adoption_record(
                    practice=practice,
                    cell=Unit.objects.select_related("kind").get(code=adoption["cell"]),
                    actor=_account(adoption.get("by")),
                    adopted_on=_date(adoption["date"]),
                    note=adoption.get("note", ""),
                    at=_at(adoption["date"], hour=16),
                )
        report.count("practices", True)


def _load_term_reviews(directory: Path, report: SeedReport) -> None:
    """Reviews of several years, drafted through the service by the committee's officer and
    written as the officer would; left as drafts, to be previewed and issued in the demo."""
    from registry.reviews import services as review_services
    from registry.reviews.models import Review

    for row in _read(directory, "reviews.yaml").get("term_reviews") or []:
        unit = Unit.objects.select_related("kind").get(code=row["unit"])
        if Review.objects.filter(
            unit=unit, kind=Review.Kind.TERM, first_year=row["first_year"], year=row["last_year"]
        ).exists():
            continue
        actor = _account(row.get("by"))
        review, _outcome = review_services.review_term_draft(
            unit=unit,
            first_year=row["first_year"],
            last_year=row["last_year"],
            closing=bool(row.get("closing")),
            actor=actor,
            at=_at(row["drafted"]),
        )
        review_services.review_update_text(
            review=review,
            actor=actor,
            seen_version=review.version,
            **{
                name: (row.get(name) or "").strip()
                for name in ("results", "limitations", "next_tasks")
            },
        )
        report.count("term reviews", True)


@transaction.atomic
def load_seeds(*, directory: Path = SEEDS_DIR, with_demo_accounts: bool) -> SeedReport:
    report = SeedReport()
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    units: dict[str, Unit] = {}
    try:
        for root in _read(directory, "units.yaml").get("units") or []:
            _load_unit(root, None, kinds, report, units)
        _load_members(_read(directory, "members.yaml"), units, report)
        _load_programmes(_read(directory, "programmes.yaml"), units, report)
        _load_indicators(_read(directory, "indicators.yaml"), units, report)
        if with_demo_accounts:
            _load_accounts(directory, units, report)
            _load_plans(directory, report)
            _load_cell_work(directory, report)
            _load_collective(directory, report)
            _load_commendations(directory, report)
            _load_practices(directory, report)
            _load_term_reviews(directory, report)
    except (KeyError, TypeError) as exc:
        raise SeedError(f"missing or malformed field: {exc}") from exc
    except ValidationError as exc:
        raise SeedError(f"invalid record: {'; '.join(exc.messages)}") from exc
    return report
