"""Reminders arrive once per (person, rule, period, step), never to someone who has done the
thing, whatever re-runs, retries or duplicate sweeps happen."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from registry.members.models import Membership
from registry.notifications import services as inbox
from registry.notifications.models import Notification
from registry.notifications.tasks import send_digests
from registry.pledges import services as plan_services
from registry.pledges.models import RegistrationExtension
from registry.programmes.models import Programme
from registry.reminders import services as reminders
from registry.reminders.tasks import remind_members_batch, remind_units_batch, reminders_sweep

from ..factories import UserFactory, submitted_plan

D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def programme(tree):
    return Programme.objects.create(
        year=2026,
        name="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        registration_opens=D(2026, 1, 10),
        registration_closes=D(2026, 3, 31),
        q1_deadline=D(2026, 3, 25),
        q2_deadline=D(2026, 6, 25),
        q3_deadline=D(2026, 9, 25),
        q4_deadline=D(2026, 12, 15),
    )


def everyone(people):
    return [people.alice_member.pk, people.bob_member.pk, people.charlie_member.pk]


def keys():
    return sorted(Notification.objects.values_list("user__username", "rule", "period", "step"))


def cell_of(member):
    return member.memberships.get(end_date__isnull=True).cell_id


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (D(2026, 3, 24), "7d"),
        (D(2026, 3, 26), "7d"),
        (D(2026, 3, 28), "3d"),
        (D(2026, 3, 30), "1d"),
        (D(2026, 3, 31), "1d"),
    ],
)
def test_registration_reminder_steps(people, programme, today, step):
    reminders.remind_members(member_ids=everyone(people), today=today)
    assert ("alice", "registration_closing", f"{cell_of(people.alice_member)}/2026", step) in keys()


def test_no_registration_reminder_outside_the_last_week_or_after_submitting(people, programme):
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 20))
    assert not Notification.objects.filter(rule="registration_closing").exists()
    plan = plan_services.plan_create(
        member=people.alice_member,
        year=2026,
        actor=people.alice,
        at=datetime.datetime(2026, 3, 1, tzinfo=TZ),
    )
    plan_services.plan_save(
        plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}]
    )
    plan_services.plan_submit(
        plan=plan,
        actor=people.alice,
        commitment_confirmed=True,
        at=datetime.datetime(2026, 3, 2, tzinfo=TZ),
    )
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    users = set(
        Notification.objects.filter(rule="registration_closing").values_list(
            "user__username", flat=True
        )
    )
    assert users == {"bob", "charlie"}


def test_a_late_registration_moves_the_reminders(people, programme):
    RegistrationExtension.objects.create(
        member=people.alice_member,
        year=2026,
        until=D(2026, 4, 20),
        granted_by=people.bob,
        granted_at=datetime.datetime(2026, 4, 1, tzinfo=TZ),
    )
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 4, 19))
    assert ("alice", "registration_closing", f"{cell_of(people.alice_member)}/2026", "1d") in keys()


def test_sweeping_twice_or_three_times_delivers_once(people, programme):
    for _ in range(3):
        reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    assert Notification.objects.count() == 3
    assert reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30)) == 0


def test_a_task_killed_after_writing_and_retried_delivers_once(people, programme):
    """The worker dies after the batch is written but before the broker hears the task is
    done; the message comes back and the task runs again."""
    real = reminders.remind_members

    def write_then_die(**kwargs):
        real(**kwargs)
        raise SystemExit("worker killed")

    ids = everyone(people)
    with (
        mock.patch.object(reminders, "remind_members", side_effect=write_then_die),
        pytest.raises(SystemExit),
    ):
        remind_members_batch.apply(args=(ids[:2], "2026-03-30"), throw=True)
    assert Notification.objects.count() == 2
    remind_members_batch.apply(args=(ids, "2026-03-30"))  # the redelivered, whole batch
    remind_members_batch.apply(args=(ids, "2026-03-30"))  # and a second beat's duplicate
    assert keys() == [
        ("alice", "registration_closing", f"{cell_of(people.alice_member)}/2026", "1d"),
        ("bob", "registration_closing", f"{cell_of(people.bob_member)}/2026", "1d"),
        ("charlie", "registration_closing", f"{cell_of(people.charlie_member)}/2026", "1d"),
    ]


def test_a_task_killed_while_writing_leaves_nothing_and_its_retry_writes_all(people, programme):
    """A batch is one transaction: a worker that dies half-way through it leaves no row (and
    its units unswept), and the redelivered message does the whole batch."""
    real = inbox.record_selected
    unit_ids = [cell_of(people.alice_member), cell_of(people.charlie_member)]

    def write_then_die(rows):
        real(rows)
        raise SystemExit("worker killed")

    with (
        mock.patch.object(inbox, "record_selected", side_effect=write_then_die),
        pytest.raises(SystemExit),
    ):
        remind_units_batch.apply(args=(unit_ids, "2026-03-30"), throw=True)
    assert Notification.objects.count() == 0
    remind_units_batch.apply(args=(unit_ids, "2026-03-30"))
    remind_units_batch.apply(args=(unit_ids, "2026-03-30"))
    assert Notification.objects.filter(rule="registration_closing").count() == 3


def test_the_sweep_fans_out_in_bounded_batches_of_units(people, programme, settings, eager):
    settings.REMINDER_BATCH_SIZE = 2
    with mock.patch.object(remind_units_batch, "delay", wraps=remind_units_batch.delay) as spy:
        reminders_sweep.apply(args=("2026-03-30",))
    batches = [call.args[0] for call in spy.call_args_list]
    units = [u for batch in batches for u in batch]
    assert len(units) == len(set(units))  # each unit once
    for batch in batches:  # at most two people a batch, unless one cell has more
        in_batch = Membership.objects.current().filter(cell_id__in=batch).count()
        assert in_batch <= 2 or len(batch) == 1
    assert Notification.objects.filter(rule="registration_closing").count() == 3


def _approved(people, member, user):
    plan = plan_services.plan_create(
        member=member, year=2026, actor=user, at=datetime.datetime(2026, 2, 1, tzinfo=TZ)
    )
    plan_services.plan_save(
        plan=plan, actor=user, study_content="", items=[{"action": "Một"}, {"action": "Hai"}]
    )
    plan_services.plan_submit(
        plan=plan,
        actor=user,
        commitment_confirmed=True,
        at=datetime.datetime(2026, 2, 2, tzinfo=TZ),
    )
    return plan_services.plan_approve(
        plan=plan, actor=people.bob, at=datetime.datetime(2026, 2, 3, tzinfo=TZ)
    )


def test_report_reminders_before_and_after_the_deadline(people, programme):
    plan = _approved(people, people.alice_member, people.alice)
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2026, 6, 18))
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2026, 6, 24))
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2026, 6, 27))
    steps = sorted(
        Notification.objects.filter(
            rule="report_due", period=f"{cell_of(people.alice_member)}/2026Q2"
        ).values_list("step", flat=True)
    )
    assert steps == ["1d", "7d", "overdue-1"]
    # Once every item of quarter III is reported, no reminder for it.
    for item in plan.items.all():
        plan_services.report_file(
            item=item,
            quarter=3,
            actor=people.alice,
            status="done",
            at=datetime.datetime(2026, 9, 1, tzinfo=TZ),
        )
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2026, 9, 20))
    assert not Notification.objects.filter(period__endswith="/2026Q3").exists()


def test_secretaries_are_reminded_of_waiting_plans_and_reports(people, programme):
    plan = plan_services.plan_create(
        member=people.alice_member,
        year=2026,
        actor=people.alice,
        at=datetime.datetime(2026, 2, 1, tzinfo=TZ),
    )
    plan_services.plan_save(
        plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}]
    )
    plan_services.plan_submit(
        plan=plan,
        actor=people.alice,
        commitment_confirmed=True,
        at=datetime.datetime(2026, 2, 2, tzinfo=TZ),
    )
    reminders.remind_secretaries(
        unit_ids=[people.alice_member.memberships.get().cell_id], today=D(2026, 2, 20)
    )
    cell = cell_of(people.alice_member)
    assert keys() == [("bob", "approval_waiting", f"plan-{plan.pk}-20260202/{cell}", "5d")]


def test_digest_one_email_per_person_only_what_is_still_due(people, programme):
    people.alice.email, people.bob.email = "alice@example.org", "bob@example.org"
    people.alice.save(), people.bob.save()
    people.charlie.email_reminders = False
    people.charlie.save()
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    # Bob submits before the digest goes out: he is not emailed.
    submitted_plan(
        people.bob_member,
        people.bob,
        created=datetime.datetime(2026, 3, 30, 8, tzinfo=TZ),
        submitted=datetime.datetime(2026, 3, 30, 9, tzinfo=TZ),
    )
    for user in (people.alice, people.bob, people.charlie):
        inbox.digest_send(user_id=user.pk, today=D(2026, 3, 30))
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Nhắc việc: 1 việc cần làm"
    assert "Còn 1 ngày là hết hạn đăng ký kế hoạch năm 2026." in message.body
    assert "/plans/year/2026/" in message.body
    statuses = dict(Notification.objects.values_list("user__username", "email_status"))
    assert statuses == {"alice": "sent", "bob": "skipped", "charlie": "skipped"}
    inbox.digest_send(user_id=people.alice.pk, today=D(2026, 3, 30))
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_and_does_not_block_others(people, programme, eager):
    people.charlie.email = ""  # no address: reminded in the application only
    people.charlie.save()
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        if messages[0].to == ["alice@example.org"]:
            raise ConnectionRefusedError("mail server down")
        return real_send(self, messages)

    with (
        mock.patch.object(EmailBackend, "send_messages", flaky),
        mock.patch(
            "registry.notifications.tasks.send_digest.retry",
            side_effect=RuntimeError("retry later"),
        ) as retry,
    ):
        send_digests.apply()
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert retry.call_args.kwargs["countdown"] == 60
    alice = Notification.objects.get(user=people.alice)
    assert (alice.email_status, alice.email_attempts) == ("failed", 1)
    send_digests.apply()  # at once: alice waits for her back-off
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    with time_machine.travel(datetime.datetime.now(tz=TZ) + datetime.timedelta(minutes=2)):
        send_digests.apply()  # the server is back and the back-off has passed
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]
    assert Notification.objects.get(user=people.alice).email_status == "sent"


def test_reminders_page_shows_unread_and_marks_read(login, people, programme):
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    client = login(people.alice)
    home = client.get(reverse("portal:home"))
    assert 'class="count-badge"' in home.text
    page = client.get(reverse("notifications:list"))
    assert "Còn 1 ngày là hết hạn đăng ký kế hoạch năm 2026." in page.text
    n = Notification.objects.get(user=people.alice)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == "/plans/year/2026/"
    assert Notification.objects.get(pk=n.pk).read_at is not None
    assert 'class="count-badge"' not in client.get(reverse("portal:home")).text


def test_email_can_be_turned_off(login, people):
    login(people.alice).post(reverse("notifications:preferences"), {})
    people.alice.refresh_from_db()
    assert people.alice.email_reminders is False


def test_one_digest_task_per_person(people, programme, eager):
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 24))
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    assert Notification.objects.count() == 6
    assert inbox.users_with_pending_email() == sorted(
        {people.alice.pk, people.bob.pk, people.charlie.pk}
    )


def test_nobody_is_reminded_to_approve_their_own_plan(people, programme):
    own = plan_services.plan_create(
        member=people.bob_member,
        year=2026,
        actor=people.bob,
        at=datetime.datetime(2026, 2, 1, tzinfo=TZ),
    )
    plan_services.plan_save(
        plan=own, actor=people.bob, study_content="", items=[{"action": "Việc"}]
    )
    plan_services.plan_submit(
        plan=own,
        actor=people.bob,
        commitment_confirmed=True,
        at=datetime.datetime(2026, 2, 2, tzinfo=TZ),
    )
    reminders.remind_secretaries(unit_ids=[own.cell_id], today=D(2026, 2, 20))
    assert not Notification.objects.filter(rule="approval_waiting").exists()


def test_a_fourth_quarter_deadline_in_january_is_reminded(people, programme):
    Programme.objects.filter(pk=programme.pk).update(q4_deadline=D(2027, 1, 10))
    _approved(people, people.alice_member, people.alice)
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2027, 1, 9))
    assert ("alice", "report_due", f"{cell_of(people.alice_member)}/2026Q4", "1d") in keys()


def test_committee_officers_are_reminded_of_review_drafts(tree, people, programme):
    from registry.reviews.models import Review

    old = datetime.datetime(2026, 10, 5, tzinfo=TZ)
    review = Review.objects.create(
        unit=tree.district, kind="quarter", year=2026, quarter=3, generated_at=old, created_at=old
    )
    Review.objects.filter(pk=review.pk).update(
        generated_at=datetime.datetime(2026, 11, 20, tzinfo=TZ)
    )
    reminders.remind_secretaries(unit_ids=[tree.district.pk], today=D(2026, 11, 21))
    assert keys() == [("olga", "review_draft", f"review-{review.pk}", "3d")]


def test_a_big_batch_works_on_every_database(db, tree, programme):
    from ..factories import UserFactory, make_member

    members = [make_member(tree.cell, f"Người {i}", user=UserFactory()) for i in range(1200)]
    created = reminders.remind_members(member_ids=[m.pk for m in members], today=D(2026, 3, 30))
    assert created == 1200


def test_doing_the_thing_clears_the_reminder(login, people, programme):
    reminders.remind_members(member_ids=everyone(people), today=D(2026, 3, 30))
    submitted_plan(
        people.alice_member,
        people.alice,
        created=datetime.datetime(2026, 3, 30, 8, tzinfo=TZ),
        submitted=datetime.datetime(2026, 3, 30, 9, tzinfo=TZ),
    )
    alice = Notification.objects.get(user=people.alice)
    assert alice.read_at is not None and alice.email_status == "skipped"
    assert inbox.unread_count(people.alice) == 0
    assert inbox.unread_count(people.bob) == 1  # bob has not registered yet


def test_an_overdue_report_is_reminded_once_a_week_until_filed(people, programme):
    plan = _approved(people, people.alice_member, people.alice)
    cell = cell_of(people.alice_member)
    for day in (D(2026, 6, 26), D(2026, 6, 30), D(2026, 7, 2), D(2026, 7, 3), D(2026, 7, 10)):
        for _ in range(2):  # a second sweep the same day adds nothing
            reminders.remind_members(member_ids=[people.alice_member.pk], today=day)
    steps = sorted(
        Notification.objects.filter(rule="report_due", period=f"{cell}/2026Q2")
        .exclude(step__in=["1d", "7d"])
        .values_list("step", flat=True)
    )
    assert steps == ["overdue-1", "overdue-2", "overdue-3"]  # 26/06, 03/07, 10/07
    for item in plan.items.all():
        plan_services.report_file(
            item=item,
            quarter=2,
            actor=people.alice,
            status="done",
            at=datetime.datetime(2026, 7, 11, tzinfo=TZ),
        )
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2026, 7, 17))
    assert not Notification.objects.filter(step="overdue-4").exists()


def test_overdue_reminders_stop_when_the_year_closes(people, programme):
    _approved(people, people.alice_member, people.alice)
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2027, 1, 28))
    assert Notification.objects.filter(rule="report_due", period__endswith="/2026Q4").exists()
    Notification.objects.all().delete()
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2027, 2, 4))
    assert not Notification.objects.filter(period__contains="2026Q").exists()


def test_someone_with_roles_in_two_cells_is_reminded_for_each(tree, people, programme):
    from ..factories import approved_plan, give_role

    give_role(people.bob, tree.next_cell, "secretary")
    dana = UserFactory(username="dana")
    give_role(dana, tree.next_cell, "deputy_secretary")
    june = datetime.datetime(2026, 6, 1, tzinfo=TZ)
    for member, user, approver in (
        (people.alice_member, people.alice, people.bob),
        (people.charlie_member, people.charlie, dana),
    ):
        plan = approved_plan(member, user, approver)
        for item in plan.items.all():
            plan_services.report_file(item=item, quarter=2, actor=user, status="done", at=june)
    reminders.remind_secretaries(unit_ids=[tree.cell.pk, tree.next_cell.pk], today=D(2026, 6, 30))
    bobs = sorted(
        Notification.objects.filter(user=people.bob, rule="reports_to_accept").values_list(
            "period", flat=True
        )
    )
    assert bobs == sorted([f"{tree.cell.pk}/2026Q2", f"{tree.next_cell.pk}/2026Q2"])
    # charlie is the secretary of the next cell, but his own report goes to bob and dana.
    assert not Notification.objects.filter(user=people.charlie, rule="reports_to_accept").exists()


def test_the_home_page_lists_what_the_member_has_to_do(login, people, programme):
    import time_machine

    plan = _approved(people, people.alice_member, people.alice)
    plan_services.report_file(
        item=plan.items.first(),
        quarter=2,
        actor=people.alice,
        status="done",
        at=datetime.datetime(2026, 6, 1, tzinfo=TZ),
    )
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=TZ), tick=False):
        home = login(people.alice).get(reverse("portal:home"))
        todo = [(t.text, t.overdue) for t in home.context["todo"]]
        # The oldest overdue first; the quarter under way after them.
        assert todo == [
            ("Báo cáo quý I/2026: 2 việc", True),
            ("Báo cáo quý II/2026: 1 việc", True),
            ("Báo cáo quý III/2026: 2 việc", False),
        ]
        assert "Việc cần làm" in home.text
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=TZ), tick=False):
        bob_home = login(people.bob).get(reverse("portal:home"))
    assert [t.text for t in bob_home.context["todo"]] == ["Đăng ký kế hoạch năm 2026"]
