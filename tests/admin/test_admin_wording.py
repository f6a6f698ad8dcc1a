"""Every administration page reads in Vietnamese: Django's own labels, ours (models, fields,
columns, filters, app names) and django-celery-beat's."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.contrib import admin
from django.urls import reverse

from ..text import english_words, says_ban, visible_text

# English still written by the apps this branch does not change (reviews and reminders have
# fields without translated names). Nothing else may appear; remove an entry once it is gone.
# Every label of ours is translated; django-axes names its log rows in English
# ("Access Log for <user> @ <time>"), which is data rather than a label.
NOT_YET: dict[str, set[str]] = {"axes": {"for"}}
# Permission names are rows that Django writes in English ("Can add …"): data, not labels.
DATA_IDS = ("nav-sidebar", "id_permissions", "id_user_permissions")


def english_on(response, app_label=None):
    assert response.status_code == 200
    # The side bar repeats the index, which has its own test.
    text = visible_text(response.content.decode(), skip_ids=DATA_IDS)
    assert not says_ban(text)
    return english_words(text) - NOT_YET.get(app_label, set())


@pytest.fixture
def root(login, people):
    return login(people.root)


def admin_pages(model, model_admin, request):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    yield reverse(f"{name}_changelist")
    if model_admin.has_add_permission(request):
        yield reverse(f"{name}_add")
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        yield reverse(f"{name}_change", args=[obj.pk])
        yield reverse(f"{name}_history", args=[obj.pk])


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_list_form_and_history_page_is_in_vietnamese(root, model):
    model_admin = admin.site._registry[model]
    request = root.get(reverse("admin:index")).wsgi_request
    found = {
        url: english_on(root.get(url), model._meta.app_label)
        for url in admin_pages(model, model_admin, request)
    }
    assert {url: words for url, words in found.items() if words} == {}


def test_the_index_and_each_application_page_are_in_vietnamese(root):
    leftovers = set().union(*NOT_YET.values())
    assert english_words(visible_text(root.get(reverse("admin:index")).text)) - leftovers == set()
    for app_label in {m._meta.app_label for m in admin.site._registry}:
        page = root.get(reverse("admin:app_list", args=[app_label]))
        assert english_on(page, app_label) == set(), app_label


def test_periodic_jobs_are_described_in_vietnamese(root):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="30", hour="7", timezone="Asia/Ho_Chi_Minh")
    task = PeriodicTask.objects.create(name="thư nhắc việc", task="x.y", crontab=crontab)
    listing = root.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert english_on(listing) == set()
    assert "Tại 07:30 Asia/Ho_Chi_Minh" in listing.text
    form = root.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    assert english_on(form) == set()
    script = re.search(r'id="readable-crontabs"[^>]*>(.*?)</script>', form.text)[1]
    assert json.loads(script) == {str(crontab.pk): "Tại 07:30 Asia/Ho_Chi_Minh"}
    page = root.get(reverse("admin:django_celery_beat_crontabschedule_change", args=[crontab.pk]))
    assert english_on(page) == set()
    assert "Các tác vụ định kỳ dùng lịch này" in page.text


def test_the_admin_scripts_speak_vietnamese_to_a_comrade(root):
    """Each text of the admin's scripts (Django's current ones) is translated without “bạn”."""
    source = polib.pofile(str(Path(admin.__file__).parent / "locale/en/LC_MESSAGES/djangojs.po"))
    script = root.get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    for entry in source:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        text = catalogue.get(key)
        assert text, entry.msgid
        assert not says_ban(str(text)), (entry.msgid, text)
    assert catalogue["Sunday"] == "Chủ nhật"
