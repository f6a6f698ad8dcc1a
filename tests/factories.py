"""Test data builders. Units and members are made through the services, like real data."""

import datetime
import importlib
import itertools

import factory
from django.contrib.auth import get_user_model

from registry.access.models import RoleAssignment
from registry.members import services as member_services
from registry.members.models import Member
from registry.units import services as unit_services
from registry.units.models import Unit, UnitKind

PASSWORD = "mat-khau-thu-2026"
D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d, h=9) -> datetime.datetime:
    """A moment in Vietnam's time zone."""
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


_cards = itertools.count(10_000_001)


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def ensure_unit_kinds() -> None:
    """The kinds come from a data migration; a transactional test's flush removes them."""
    migration = importlib.import_module("registry.units.migrations.0002_unit_kinds")
    for code, name, position, is_cell, is_group in migration.KINDS:
        UnitKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "position": position, "is_cell": is_cell, "is_group": is_group},
        )


def make_unit(name: str, kind_code: str, parent: Unit | None = None, **fields) -> Unit:
    return unit_services.unit_create(parent=parent, kind=kind(kind_code), name=name, **fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_member(
    cell: Unit,
    full_name: str = "Lò Văn Thử",
    group: Unit | None = None,
    user=None,
    since=datetime.date(2020, 1, 1),
    **fields,
) -> Member:
    fields.setdefault("category", Member.Category.PARTY_MEMBER)
    if fields["category"] == Member.Category.PARTY_MEMBER:
        fields.setdefault("card_number", str(next(_cards)))
        fields.setdefault("status", Member.Status.FULL)
    return member_services.member_create(
        cell=cell, group=group, since=since, full_name=full_name, user=user, **fields
    )


def give_role(user, unit: Unit, role: str) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, unit=unit, role=role)


def submitted_plan(
    member, user, *, year=2026, items=("Việc",), study_content="", created=None, submitted=None
):
    """A plan made and submitted through the services, as its member would. `items` are
    actions, or dicts of item fields."""
    from registry.pledges import services

    tz = datetime.timezone(datetime.timedelta(hours=7))
    created = created or datetime.datetime(year, 2, 1, 9, tzinfo=tz)
    submitted = submitted or created + datetime.timedelta(days=1)
    plan = services.plan_create(member=member, year=year, actor=user, at=created)
    services.plan_save(
        plan=plan,
        actor=user,
        study_content=study_content,
        items=[item if isinstance(item, dict) else {"action": item} for item in items],
    )
    return services.plan_submit(plan=plan, actor=user, commitment_confirmed=True, at=submitted)


def approved_plan(member, user, secretary, **kwargs):
    """`submitted_plan`, then approved by the cell's secretary a day later."""
    from registry.pledges import services

    plan = submitted_plan(member, user, **kwargs)
    return services.plan_approve(
        plan=plan, actor=secretary, at=plan.submitted_at + datetime.timedelta(days=1)
    )


def verified(user):
    """`user` as the request of a session that passed the second sign-in step sees it (what
    django-otp's middleware installs), for calling a service directly. The user gets a
    confirmed authenticator if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    user.otp_device = device
    user.is_verified = lambda: True
    return user


def pass_second_factor(client, user):
    """Sign `user` in on `client` with a session that passed the second step, as if they
    had typed the code of their authenticator (the device is recorded in the session, and
    django-otp's middleware checks it on every request)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    device = verified(user).otp_device
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def collective_contents(*kinds_and_titles) -> list[dict]:
    """Contents for a collective registration: ("model", "Mô hình …"), ("breakthrough", …), or
    a content's fields as a dict."""
    return [
        dict(entry) if isinstance(entry, dict) else {"kind": entry[0], "title": entry[1]}
        for entry in kinds_and_titles
    ]


def collective_registration(
    unit,
    drafter,
    *,
    year=2026,
    contents=(("model", "Mô hình dân vận khéo"),),
    plan_number="06-KH/CB",
    plan_date=None,
    submit=True,
    approver=None,
    created=None,
):
    """A collective registration made through the services, as the unit's leaders would:
    drafted, saved, submitted (unless `submit` is false) and approved by `approver` if given."""
    from registry.collective import services

    created = created or at(year, 2, 1)
    registration = services.registration_create(unit=unit, year=year, actor=drafter, at=created)
    services.registration_save(
        registration=registration,
        actor=drafter,
        plan_number=plan_number,
        plan_date=plan_date or datetime.date(year, 1, 15),
        summary="",
        contents=collective_contents(*contents),
        at=created,
    )
    if submit:
        registration = services.registration_submit(
            registration=registration, actor=drafter, at=created + datetime.timedelta(days=1)
        )
    if approver is not None:
        registration = services.registration_approve(
            registration=registration, actor=approver, at=created + datetime.timedelta(days=2)
        )
    return registration


def good_deed(unit, actor, *, member=None, collective_name="", date=None, deed="Việc tốt", **kw):
    """A good deed written into `unit`'s register through the service, by its secretary
    `actor` (a member's deed if `member`, else a named collective's)."""
    from registry.commendations import services

    subject = "person" if member is not None else "collective"
    return services.deed_record(
        unit=unit,
        actor=actor,
        subject=subject,
        member=member,
        collective_name=collective_name or ("" if member else "Hội Phụ nữ bản"),
        deed=deed,
        date=date or datetime.date(2026, 3, 2),
        **kw,
    )


def commendation_proposal(unit, actor, *, deed=None, level="giay_khen_huyen", **kw):
    """A commendation proposal sent through the service from `unit` by its secretary."""
    from registry.commendations import services

    if deed is None:
        kw.setdefault("subject", "collective")
        kw.setdefault("collective_name", "Hội Phụ nữ bản")
    return services.proposal_send(
        from_unit=unit, actor=actor, level=level, achievement="Thành tích", deed=deed, **kw
    )


def proposed_practice(unit, user, *, title="Nuôi cá lồng trên lòng hồ", year=2026, **fields):
    """A practice proposed by `unit` through the service, as its secretary would."""
    from registry.practices import services

    values = {
        "field": "economy",
        "description": "Tổ hợp tác nuôi cá lồng, đảng viên đi đầu góp vốn.",
        "results": "12 hộ thoát nghèo trong năm.",
        **fields,
    }
    return services.practice_propose(
        unit=unit, actor=verified(user), year=year, title=title, **values
    )


def published_practice(unit, proposer, committee_officer, **kwargs):
    """`proposed_practice`, then selected and published by `committee_officer`."""
    from registry.practices import services

    practice = proposed_practice(unit, proposer, **kwargs)
    practice = services.practice_select(practice=practice, actor=verified(committee_officer))
    return services.practice_publish(practice=practice, actor=committee_officer)
