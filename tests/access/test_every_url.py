"""Every URL pattern of the site, asked for another unit's objects by everybody who may not
see them: a member of another cell, the secretary of the cell next door, an officer of
another district and an anonymous visitor. Every answer is a 404 (or 403, or 405 for a
method the page does not take), or, for the anonymous visitor, a redirect to sign in; and
nothing in the database changes (issue 11, point 7).

A new URL pattern must be added to `ROUTES` (how to fill its parameters with the victim's
objects) or to `OWN_PAGES` (pages about the person asking, which take no object): the test
`test_every_url_pattern_is_in_the_table` fails until it is."""

import hashlib
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.api.services import token_create
from registry.cells import services as cells
from registry.cells.models import RegistrationBook
from registry.collective import services as collective
from registry.exports.models import TableExport
from registry.notifications.models import Notification
from registry.pledges import services as plans
from registry.practices.models import Booklet
from registry.reviews import services as reviews
from registry.reviews.models import ReviewExport
from registry.rosters.models import RosterImport, RosterImportRow

from ..factories import (
    D,
    UserFactory,
    approved_plan,
    at,
    collective_registration,
    commendation_proposal,
    give_role,
    good_deed,
    make_member,
    make_unit,
    pass_second_factor,
    proposed_practice,
)
from ..pledges.conftest import jpeg, pdf_file

# Namespaces and names that are not the application's pages: the admin checks staff itself
# (see `test_the_admin_sends_non_staff_to_its_sign_in`), the health check and the language
# switch are public and store nothing. The JSON API answers tokens as well as sessions and
# names its objects in paths of its own: `tests/api/test_outsiders.py` walks every operation of
# its OpenAPI schema with the same victim and outsiders.
EXCLUDED_NAMESPACES = {"admin", "api"}
PUBLIC = {
    "core:healthz",
    "set_language",
    "signin:login",
    "signin:logout",
    "signin:password_reset",
    "signin:password_reset_done",
    "signin:password_reset_confirm",
    "signin:password_reset_complete",
    "signin:reset_code",
}


@dataclass(frozen=True)
class Route:
    """How to fill a pattern's parameters from the victim's objects (`w`)."""

    kwargs: object  # callable(w) -> dict


# Pages about the person asking (their plan, their inbox, their password): no object of
# anybody else's can be named in their URL. Anonymous visitors are sent to sign in.
OWN_PAGES = {
    "portal:home": Route(lambda w: {}),
    "pledges:my_plan": Route(lambda w: {}),
    "pledges:my_plan_year": Route(lambda w: {"year": 2026}),
    "pledges:start": Route(lambda w: {}),
    "pledges:board": Route(lambda w: {}),
    "notifications:list": Route(lambda w: {}),
    "notifications:read_all": Route(lambda w: {}),
    "notifications:read_all_undo": Route(lambda w: {}),
    "notifications:preferences": Route(lambda w: {}),
    "portal:help": Route(lambda w: {}),
    "portal:help_role": Route(lambda w: {"role": "secretary"}),
    "reviews:list": Route(lambda w: {}),
    "practices:library": Route(lambda w: {}),
    "exports:mine": Route(lambda w: {}),
    "exports:library": Route(lambda w: {}),
    "accounts:password_change": Route(lambda w: {}),
    "accounts:password_change_done": Route(lambda w: {}),
    "signin:verify": Route(lambda w: {}),
    "signin:setup": Route(lambda w: {}),
    "tokens:list": Route(lambda w: {}),
}

# Pages that name an object: filled with the victim cell's.
ROUTES = {
    "units:detail": Route(lambda w: {"pk": w.cell.pk}),
    "units:rollup": Route(lambda w: {"pk": w.district.pk}),
    "members:detail": Route(lambda w: {"pk": w.member.pk}),
    "cells:dashboard": Route(lambda w: {"pk": w.cell.pk}),
    "cells:list": Route(lambda w: {"pk": w.cell.pk, "what": "not-registered"}),
    "cells:bulk_approve": Route(lambda w: {"pk": w.cell.pk}),
    "cells:late_registration": Route(lambda w: {"pk": w.cell.pk, "member_pk": w.member.pk}),
    "cells:ratings": Route(lambda w: {"pk": w.cell.pk}),
    "cells:rating_decide": Route(lambda w: {"pk": w.cell.pk}),
    "cells:rating_edit": Route(lambda w: {"pk": w.cell.pk, "member_pk": w.member.pk}),
    "cells:meetings": Route(lambda w: {"pk": w.cell.pk}),
    "cells:meeting_new": Route(lambda w: {"pk": w.cell.pk}),
    "cells:checks": Route(lambda w: {"pk": w.cell.pk}),
    "cells:checks_pdf": Route(lambda w: {"pk": w.cell.pk}),
    "cells:meeting_minutes": Route(lambda w: {"pk": w.cell.pk, "meeting_pk": w.meeting.pk}),
    "cells:registers": Route(lambda w: {"pk": w.cell.pk}),
    "cells:roster_pdf": Route(lambda w: {"pk": w.cell.pk}),
    "cells:book_status": Route(lambda w: {"book_pk": w.book.pk}),
    "cells:book_retry": Route(lambda w: {"book_pk": w.book.pk}),
    "cells:book_download": Route(lambda w: {"book_pk": w.book.pk}),
    "cells:check_new": Route(lambda w: {"pk": w.cell.pk}),
    "cells:roster_add": Route(lambda w: {"pk": w.cell.pk}),
    "cells:roster_receive": Route(lambda w: {"pk": w.cell.pk}),
    "cells:roster_member": Route(lambda w: {"pk": w.cell.pk, "member_pk": w.member.pk}),
    "cells:transfer_decide": Route(lambda w: {"transfer_pk": w.transfer.pk}),
    "cells:plan_review": Route(lambda w: {"plan_pk": w.plan.pk}),
    "cells:report_review": Route(lambda w: {"report_pk": w.report.pk}),
    "tokens:revoke": Route(lambda w: {"pk": w.token.pk}),
    "pledges:detail": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:edit": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:autosave": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:submit": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:amend": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:pdf": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:self_assessment_pdf": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:report": Route(lambda w: {"pk": w.plan.pk, "item_pk": w.item.pk, "quarter": 1}),
    "pledges:self_assessment": Route(lambda w: {"pk": w.plan.pk}),
    "pledges:evidence": Route(lambda w: {"pk": w.evidence.pk}),
    "pledges:evidence_remove": Route(lambda w: {"pk": w.evidence.pk}),
    "pledges:board_cell": Route(lambda w: {"cell_pk": w.cell.pk, "year": 2026}),
    "collective:unit": Route(lambda w: {"unit_pk": w.cell.pk, "year": 2026}),
    "collective:start": Route(lambda w: {"unit_pk": w.cell.pk, "year": 2027}),
    "collective:waiting": Route(lambda w: {"unit_pk": w.district.pk}),
    "collective:edit": Route(lambda w: {"pk": w.registration.pk}),
    "collective:submit": Route(lambda w: {"pk": w.registration.pk}),
    "collective:amend": Route(lambda w: {"pk": w.registration.pk}),
    "collective:decide": Route(lambda w: {"pk": w.registration.pk}),
    "collective:pdf": Route(lambda w: {"pk": w.registration.pk}),
    "collective:plan_file": Route(lambda w: {"pk": w.registration.pk}),
    "collective:progress": Route(
        lambda w: {"pk": w.registration.pk, "content_pk": w.content.pk, "quarter": 1}
    ),
    "collective:evidence": Route(lambda w: {"pk": w.collective_evidence.pk}),
    "notifications:open": Route(lambda w: {"pk": w.notification.pk}),
    "notifications:unread": Route(lambda w: {"pk": w.read_notification.pk}),
    "pledges:comment_withdraw": Route(lambda w: {"pk": w.comment.pk}),
    "reviews:term_new": Route(lambda w: {"unit_pk": w.cell.pk}),
    "reviews:detail": Route(lambda w: {"pk": w.review.pk}),
    "reviews:refresh": Route(lambda w: {"pk": w.review.pk}),
    "reviews:preview": Route(lambda w: {"pk": w.review.pk}),
    "reviews:issue": Route(lambda w: {"pk": w.review.pk}),
    "reviews:replace": Route(lambda w: {"pk": w.review.pk}),
    "reviews:export": Route(lambda w: {"pk": w.review.pk}),
    "reviews:export_status": Route(lambda w: {"pk": w.export.pk}),
    "reviews:download": Route(lambda w: {"pk": w.export.pk}),
    "commendations:register": Route(lambda w: {"pk": w.cell.pk}),
    "commendations:deed_new": Route(lambda w: {"pk": w.cell.pk}),
    "commendations:deed_edit": Route(lambda w: {"pk": w.deed.pk}),
    "commendations:deed_praise": Route(lambda w: {"pk": w.deed.pk}),
    "commendations:deed_evidence": Route(lambda w: {"pk": w.deed.pk}),
    "commendations:proposals": Route(lambda w: {"pk": w.cell.pk}),
    "commendations:proposal_new": Route(lambda w: {"pk": w.cell.pk}),
    "commendations:proposal_withdraw": Route(lambda w: {"pk": w.proposal.pk}),
    "commendations:inbox": Route(lambda w: {"pk": w.district.pk}),
    "commendations:proposal_decide": Route(lambda w: {"pk": w.proposal.pk}),
    "practices:detail": Route(lambda w: {"pk": w.practice.pk}),
    "practices:edit": Route(lambda w: {"pk": w.practice.pk}),
    "practices:withdraw": Route(lambda w: {"pk": w.practice.pk}),
    "practices:decide": Route(lambda w: {"pk": w.practice.pk}),
    "practices:adopt": Route(lambda w: {"pk": w.practice.pk}),
    "practices:evidence": Route(lambda w: {"pk": w.practice_evidence.pk}),
    "practices:unit": Route(lambda w: {"unit_pk": w.cell.pk}),
    "practices:propose": Route(lambda w: {"unit_pk": w.cell.pk}),
    "practices:booklet_new": Route(lambda w: {"unit_pk": w.district.pk}),
    "practices:booklet_status": Route(lambda w: {"pk": w.booklet.pk}),
    "practices:booklet_retry": Route(lambda w: {"pk": w.booklet.pk}),
    "practices:booklet_download": Route(lambda w: {"pk": w.booklet.pk}),
    "exports:table": Route(lambda w: {"what": "roster", "pk": w.cell.pk}),
    "exports:download": Route(lambda w: {"pk": w.table_export.pk}),
    "rosters:start": Route(lambda w: {"unit_pk": w.district.pk}),
    "rosters:template": Route(lambda w: {"unit_pk": w.district.pk, "fmt": "xlsx"}),
    "rosters:detail": Route(lambda w: {"pk": w.roster_import.pk}),
    "rosters:progress": Route(lambda w: {"pk": w.roster_import.pk}),
    "rosters:confirm": Route(lambda w: {"pk": w.roster_import.pk}),
    "rosters:report": Route(lambda w: {"pk": w.roster_import.pk, "fmt": "csv"}),
}

# What an action is sent with: enough to pass each form, so that only the policy stops it.
POST_DATA = {
    "cells:bulk_approve": lambda w: {"plans": [w.plan.pk], "confirm": "on"},
    "cells:plan_review": lambda w: {"action": "return", "comment": "Sửa lại"},
    "cells:report_review": lambda w: {"action": "accept"},
    "cells:late_registration": lambda w: {"until": "2026-12-31"},
    "cells:rating_edit": lambda w: {"level": "tot", "justification": "Tốt"},
    "cells:roster_member": lambda w: {
        "action": "leave",
        "l-reason": "left",
        "l-on": "2026-05-01",
        "l-confirm": "on",
    },
    "cells:transfer_decide": lambda w: {"action": "accept"},
    "pledges:evidence_remove": lambda w: {"confirm": "on"},
    "pledges:amend": lambda w: {"reason": "Đổi việc"},
    "pledges:autosave": lambda w: {
        "study_content": "Ghi đè",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-action": "Việc ghi đè",
        "items-0-ORDER": "1",
    },
    "pledges:report": lambda w: {"status": "done", "account": "Đã xong"},
    "pledges:self_assessment": lambda w: {"text": "Hoàn thành", "rating": "tot"},
    "collective:amend": lambda w: {"reason": "Điều chỉnh"},
    "collective:decide": lambda w: {"action": "return", "comment": "Sửa lại"},
    "collective:progress": lambda w: {"status": "done", "account": "Đã xong"},
    "notifications:open": lambda w: {},
    "reviews:term_new": lambda w: {"stage": "mid", "first_year": "2022", "last_year": "2026"},
    "reviews:refresh": lambda w: {},
    "reviews:replace": lambda w: {"reason": "Sai số liệu"},
    "reviews:issue": lambda w: {
        "version": w.review.version,
        "number": 1,
        "confirm_early": "on",
        "confirm": "on",
    },
    "commendations:deed_new": lambda w: {
        "subject": "collective",
        "collective_name": "Chi hội Phụ nữ",
        "deed": "Việc tốt",
        "date": "2026-03-01",
    },
    "commendations:deed_edit": lambda w: {
        "subject": "collective",
        "collective_name": "Chi hội Phụ nữ",
        "deed": "Việc tốt",
        "date": "2026-03-01",
    },
    "commendations:deed_praise": lambda w: {"praised_on": "2026-03-05"},
    "commendations:proposal_new": lambda w: {
        "level": "giay_khen_huyen",
        "achievement": "Thành tích",
        "subject": "collective",
        "collective_name": "Chi hội Phụ nữ",
    },
    "commendations:proposal_decide": lambda w: {
        "outcome": "approved",
        "decision_number": "1-QĐ/HU",
        "decision_date": "2026-03-10",
        "confirm": "on",
    },
    "practices:edit": lambda w: {
        "title": "Mô hình",
        "field": "economy",
        "year": "2026",
        "source": "scratch",
        "description": "Cách làm",
        "results": "Kết quả",
    },
    "practices:propose": lambda w: {
        "title": "Mô hình",
        "field": "economy",
        "year": "2026",
        "source": "scratch",
        "description": "Cách làm",
        "results": "Kết quả",
    },
    "practices:withdraw": lambda w: {"reason": "Rút"},
    "exports:table": lambda w: {"format": "xlsx"},
    "practices:decide": lambda w: {"action": "select"},
    "practices:adopt": lambda w: {"cell": w.cell.pk, "adopted_on": "2026-05-01"},
    "cells:registers": lambda w: {"year": "2026"},
    "practices:booklet_new": lambda w: {
        "title": "Tập",
        "year": "2026",
        "practices": [w.practice.pk],
    },
    "rosters:start": lambda w: {
        "file": SimpleUploadedFile(
            "ds.csv", "Số thẻ đảng viên,Họ và tên\n71234567,Lò Văn Nhập\n".encode()
        )
    },
}


def url_patterns(resolver=None, namespace=""):
    """(name with its namespaces, pattern) for every named pattern, through every include."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.pattern}", entry


def checked_names() -> set[str]:
    return {
        name
        for name, _pattern in url_patterns()
        if name.split(":")[0] not in EXCLUDED_NAMESPACES and name not in PUBLIC
    }


def test_every_url_pattern_is_in_the_table():
    missing = checked_names() - set(ROUTES) - set(OWN_PAGES)
    assert not missing, (
        f"Add {sorted(missing)} to ROUTES (how to fill its parameters with another unit's "
        "objects) or OWN_PAGES in tests/access/test_every_url.py"
    )
    assert not (set(ROUTES) | set(OWN_PAGES)) - checked_names(), "The table names a gone page"


@pytest.fixture
def victim(tree, people, programme_2026):
    """The objects of Chi bộ Khối Đảng (alice's plan, report, evidence, reminder, the cell's
    review and its export), and three outsiders with no reach there."""
    plan = approved_plan(
        people.alice_member, people.alice, people.bob, items=("Học tập chuyên đề", "Giúp đỡ")
    )
    item = plan.items.order_by("pk").first()
    report = plans.report_file(
        item=item,
        quarter=1,
        actor=people.alice,
        status="in_progress",
        account="Đã học hai buổi",
        files=[jpeg()],
        at=at(2026, 3, 20),
    )
    review, _outcome = reviews.review_generate(
        unit=tree.cell, kind="quarter", year=2026, quarter=1, at=at(2026, 4, 5)
    )
    export = ReviewExport.objects.create(
        review=review,
        status=ReviewExport.Status.READY,
        filename="bao-cao.pdf",
        requested_at=at(2026, 4, 6),
        file=ContentFile(b"%PDF-1.4\n%%EOF", name="bao-cao.pdf"),
    )
    notification = Notification.objects.create(
        user=people.alice, rule="report_due", period=f"{tree.cell.pk}/2026Q1", step="due"
    )
    read_notification = Notification.objects.create(
        user=people.alice,
        rule="report_due",
        period=f"{tree.cell.pk}/2026Q2",
        step="due",
        read_at=timezone.now(),
    )
    # A comment the secretary has just written on Alice's plan: he may still take it back.
    comment = plans.plan_comment(plan=plan, actor=people.bob, text="Ghi rõ chỉ tiêu")
    # Alice's transfer, waiting, to a cell of the district where no outsider has a role.
    transfer = cells.transfer_issue(
        member=people.alice_member,
        to_cell=make_unit("Chi bộ bản Hua Trai", "chi_bo_co_so", tree.district),
        actor=people.bob,
    )
    # The cell's collective registration, approved by the district, with its action plan's
    # file and a quarter's progress with evidence.
    registration = collective_registration(tree.cell, people.bob, approver=people.olga)
    collective.registration_request_amendment(
        registration=registration, actor=people.bob, reason="Bổ sung", at=at(2026, 3, 1)
    )
    collective.registration_save(
        registration=registration,
        actor=people.bob,
        plan_number="06-KH/CB",
        plan_date=D(2026, 1, 15),
        summary="",
        contents=[{"id": registration.contents.get().pk, "kind": "model", "title": "Mô hình"}],
        plan_file=pdf_file(),
        at=at(2026, 3, 1),
    )
    collective.registration_submit(registration=registration, actor=people.bob, at=at(2026, 3, 2))
    registration = collective.registration_approve(
        registration=registration, actor=people.olga, at=at(2026, 3, 3)
    )
    content = registration.contents.get()
    progress = collective.progress_file(
        content=content,
        quarter=1,
        actor=people.bob,
        status="done",
        files=[jpeg()],
        at=at(2026, 3, 20),
    )
    # A good deed with its evidence, proposed to the district committee; the district's inbox
    # is out of every outsider's reach (charlie leads a cell of the district, not the district).
    deed = good_deed(tree.cell, people.bob, member=people.alice_member, evidence=jpeg())
    proposal = commendation_proposal(tree.cell, people.bob, deed=deed)
    # A proposal of the cell (read by the cell and the committees above only), with a file, and
    # a booklet of the district committee (no outsider has a role there).
    practice = proposed_practice(tree.cell, people.bob, files=[jpeg("mo-hinh.jpg")])
    booklet = Booklet.objects.create(
        committee=tree.district,
        year=2026,
        title="Tập mô hình",
        status=Booklet.Status.FAILED,
        requested_at=at(2026, 4, 6),
        file=ContentFile(b"%PDF-1.4\n%%EOF", name="tap.pdf"),
    )
    # The cell's roster, exported by its secretary and kept for him.
    table_export = TableExport.objects.create(
        what="roster",
        object_id=tree.cell.pk,
        format="xlsx",
        title="Danh sách",
        rows=2,
        status=TableExport.Status.READY,
        filename="danh-sach.xlsx",
        requested_by=people.bob,
        requested_at=timezone.now(),
        file=ContentFile(b"PK", name="danh-sach.xlsx"),
    )
    # A meeting of the cell, and its book of registrations (failed: a retry would change it).
    meeting = cells.meeting_record(
        cell=tree.cell,
        actor=people.bob,
        date=D(2026, 3, 5),
        chair=people.bob_member,
        attendees=[people.bob_member, people.alice_member],
        conclusions="Kết luận",
        place="Hội trường",
        absence_reasons={},
    )
    book = RegistrationBook.objects.create(
        cell=tree.cell,
        year=2026,
        status=RegistrationBook.Status.FAILED,
        requested_at=at(2026, 4, 6),
        file=ContentFile(b"%PDF-1.4\n%%EOF", name="so.pdf"),
    )
    token, _secret = token_create(user=people.alice, name="Sổ tay đảng viên", days=90)
    # A roster file of the district, checked and ready to be confirmed (only the district's
    # officers and the administrators import for it).
    roster_import = RosterImport.objects.create(
        unit=tree.district,
        requested_by=people.olga,
        requested_at=at(2026, 4, 6),
        filename="ds.csv",
        status=RosterImport.Status.READY,
        rows=[[2, {"card_number": "71234567", "full_name": "Lò Văn Nhập"}]],
        total=1,
        created=1,
    )
    RosterImportRow.objects.create(
        job=roster_import, line=2, action="create", card_number="71234567", full_name="Lò Văn Nhập"
    )
    dave = UserFactory(username="dave")
    make_member(tree.far_cell, "Lò Thị Dung", user=dave)
    victor = UserFactory(username="victor")
    give_role(victor, tree.other_district, RoleAssignment.Role.OFFICER)
    return SimpleNamespace(
        cell=tree.cell,
        district=tree.district,
        registration=registration,
        content=content,
        collective_evidence=progress.evidence.get(),
        member=people.alice_member,
        plan=plan,
        item=item,
        report=report,
        evidence=report.evidence.get(),
        review=review,
        export=export,
        notification=notification,
        read_notification=read_notification,
        comment=comment,
        transfer=transfer,
        deed=deed,
        proposal=proposal,
        practice=practice,
        practice_evidence=practice.evidence.get(),
        booklet=booklet,
        table_export=table_export,
        meeting=meeting,
        book=book,
        token=token,
        roster_import=roster_import,
        outsiders={
            "member of another cell": dave,
            "secretary of the cell next door": people.charlie,
            "officer of another district": victor,
        },
    )


def database_state() -> str:
    """A digest of every row of every table but the sessions'."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model is Session or model._meta.proxy:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest.update(f"{model._meta.label}:{list(rows)!r}".encode())
    return digest.hexdigest()


def answers(client: Client, url: str, data: dict) -> list[tuple[str, object]]:
    return [("GET", client.get(url)), ("POST", client.post(url, data))]


def refused(response, *, anonymous: bool) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if anonymous and response.status_code == 302:
        return urlsplit(response["Location"]).path == reverse("signin:login")
    return False


def test_nobody_outside_the_cell_reaches_its_objects(victim):
    clients = {"anonymous": Client()}
    for persona, user in victim.outsiders.items():
        # Signed in, second step passed: what each may do is up to the policy alone.
        clients[persona] = pass_second_factor(Client(), user)
    before = database_state()
    leaks = []
    for name, route in sorted(ROUTES.items()):
        url = reverse(name, kwargs=route.kwargs(victim))
        data = POST_DATA.get(name, lambda w: {})(victim)
        for persona, client in clients.items():
            for method, response in answers(client, url, data):
                if not refused(response, anonymous=persona == "anonymous"):
                    leaks.append(f"{persona} {method} {url} ({name}): {response.status_code}")
    assert leaks == []
    assert database_state() == before, "a refused request changed the database"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_own_page(victim):
    client = Client()
    before = database_state()
    for name, route in sorted(OWN_PAGES.items()):
        url = reverse(name, kwargs=route.kwargs(victim))
        for method, response in answers(client, url, {"year": "2026"}):
            assert refused(response, anonymous=True), f"{method} {url}: {response.status_code}"
    assert database_state() == before


def test_own_pages_show_outsiders_nothing_of_the_cell(victim):
    """An outsider's own pages answer (or refuse) without naming the victim's plan or cell."""
    for user in victim.outsiders.values():
        client = pass_second_factor(Client(), user)
        for name, route in sorted(OWN_PAGES.items()):
            response = client.get(reverse(name, kwargs=route.kwargs(victim)))
            assert response.status_code in (200, 302, 404, 405), name
            if response.status_code == 200 and response.get("Content-Type", "").startswith(
                "text/html"
            ):
                assert victim.member.full_name not in response.text, (name, user)
                assert "Học tập chuyên đề" not in response.text, (name, user)


def test_the_admin_sends_non_staff_to_its_sign_in(victim, people):
    client = Client()
    client.force_login(people.bob)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")
