import pytest
from django.contrib import admin
from django.urls import reverse

from registry.audit.models import AuditEvent
from registry.units.models import Unit

from ..factories import kind


@pytest.fixture
def admin_client_vi(login, people):
    return login(people.root)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_list_and_form_opens_in_vietnamese(admin_client_vi, model):
    opts = model._meta
    changelist = admin_client_vi.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    assert changelist.status_code == 200
    assert changelist["Content-Language"] == "vi"
    if admin.site._registry[model].has_add_permission(changelist.wsgi_request):
        add = admin_client_vi.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code == 200


def _unit_form(**values):
    data = {
        "name": "Chi bộ mới",
        "kind": kind("chi_bo_co_so").pk,
        "parent": "",
        "code": "",
        "abbreviation": "CB",
        "place": "",
        "is_active": "on",
        "standards-TOTAL_FORMS": "0",
        "standards-INITIAL_FORMS": "0",
        "standards-MIN_NUM_FORMS": "0",
        "standards-MAX_NUM_FORMS": "1000",
    }
    data.update(values)
    return data


def test_adding_a_unit_in_the_admin_goes_through_the_service(admin_client_vi, tree):
    response = admin_client_vi.post(
        reverse("admin:units_unit_add"), _unit_form(parent=tree.district.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(name="Chi bộ mới")
    assert Unit.objects.get_parent(unit) == tree.district
    assert AuditEvent.objects.filter(action="unit.create", target_id=str(unit.pk)).exists()


def test_a_misplaced_unit_is_refused_with_a_vietnamese_message(admin_client_vi, tree):
    response = admin_client_vi.post(
        reverse("admin:units_unit_add"),
        _unit_form(name="Tổ lạc chỗ", kind=kind("to_dang").pk, parent=tree.district.pk),
    )
    assert response.status_code == 200
    assert "Tổ đảng phải trực thuộc một chi bộ." in response.text
    assert not Unit.objects.filter(name="Tổ lạc chỗ").exists()


def test_changing_the_parent_in_the_admin_moves_the_subtree(admin_client_vi, tree):
    url = reverse("admin:units_unit_change", args=[tree.cell.pk])
    response = admin_client_vi.post(
        url,
        _unit_form(
            name=tree.cell.name,
            kind=tree.cell.kind_id,
            parent=tree.other_district.pk,
            has_committee="on",
        ),
    )
    assert response.status_code == 302
    cell = Unit.objects.get(pk=tree.cell.pk)
    assert Unit.objects.get_parent(cell) == tree.other_district
    assert Unit.objects.get(pk=tree.group1.pk).path.startswith(cell.path)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_admin_member_search_ignores_accents(admin_client_vi, people):
    response = admin_client_vi.get(reverse("admin:members_member_changelist") + "?q=Nguyễn+Văn+Đức")
    assert list(response.context["cl"].result_list) == [people.alice_member]
    response = admin_client_vi.get(reverse("admin:members_member_changelist") + "?q=nguyen+van+duc")
    assert list(response.context["cl"].result_list) == [people.alice_member]


def test_seeded_unit_codes_with_slashes_save_in_the_admin(admin_client_vi, tree):
    tree.district.code = "son-la/muong-la"
    tree.district.save()
    response = admin_client_vi.post(
        reverse("admin:units_unit_change", args=[tree.district.pk]),
        _unit_form(
            name=tree.district.name,
            kind=tree.district.kind_id,
            parent=tree.province.pk,
            code="son-la/muong-la",
        ),
    )
    assert response.status_code == 302


def _member_form(**values):
    data = {
        "full_name": "Hà Văn Mới",
        "category": "dang_vien",
        "card_number": "12.345.678",
        "status": "chinh_thuc",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(values)
    return data


def test_adding_and_transferring_a_member_in_the_admin_uses_the_services(admin_client_vi, tree):
    from registry.members.models import Member, Membership

    response = admin_client_vi.post(
        reverse("admin:members_member_add"),
        _member_form(cell=tree.cell.pk, group=tree.group1.pk, since="01/02/2020"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(card_number="12345678")
    assert Membership.objects.get(member=member).group == tree.group1
    response = admin_client_vi.post(
        reverse("admin:members_member_change", args=[member.pk]),
        _member_form(cell=tree.far_cell.pk, since="01/06/2024"),
    )
    assert response.status_code == 302
    periods = Membership.objects.filter(member=member).order_by("start_date")
    assert [(p.cell, p.end_reason) for p in periods] == [
        (tree.cell, "transfer"),
        (tree.far_cell, ""),
    ]
    assert AuditEvent.objects.filter(action="member.transfer", target_id=str(member.pk)).exists()


def test_a_group_of_another_cell_is_refused_in_the_admin(admin_client_vi, tree):
    response = admin_client_vi.post(
        reverse("admin:members_member_add"),
        _member_form(cell=tree.next_cell.pk, group=tree.group1.pk),
    )
    assert response.status_code == 200
    assert "Tổ đảng này không thuộc chi bộ đã chọn." in response.text


def test_only_superusers_enter_the_admin(login, people):
    people.olga.is_staff = True
    people.olga.save()
    assert login(people.olga).get(reverse("admin:index")).status_code == 302


def test_a_cell_with_people_cannot_become_another_kind(admin_client_vi, tree, people):
    response = admin_client_vi.post(
        reverse("admin:units_unit_change", args=[tree.cell.pk]),
        _unit_form(name=tree.cell.name, kind=kind("dang_bo_co_so").pk, parent=tree.district.pk),
    )
    assert response.status_code == 200
    assert Unit.objects.get(pk=tree.cell.pk).kind.code == "chi_bo_co_so"
