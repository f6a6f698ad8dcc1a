"""The kinds of party organisation known today. More can be added in the admin."""

from django.db import migrations

KINDS = [
    # code, name, position, is_cell, is_group
    ("dang_uy_truc_thuoc_tw", "Đảng ủy trực thuộc Trung ương", 10, False, False),
    ("tinh_uy", "Tỉnh ủy, Thành ủy trực thuộc Trung ương", 20, False, False),
    ("dang_uy_khoi", "Đảng ủy khối", 30, False, False),
    ("huyen_uy", "Huyện ủy, Quận ủy, Thị ủy, Thành ủy thuộc tỉnh (trước 7/2025)", 40, False, False),
    ("dang_uy_xa", "Đảng ủy xã, phường, đặc khu", 50, False, False),
    ("dang_bo_ngoai_nuoc", "Đảng bộ ở ngoài nước", 55, False, False),
    ("dang_bo_co_so", "Đảng bộ cơ sở", 60, False, False),
    ("dang_bo_bo_phan", "Đảng bộ bộ phận", 65, False, False),
    ("chi_bo_co_so", "Chi bộ cơ sở", 70, True, False),
    ("chi_bo_truc_thuoc", "Chi bộ trực thuộc", 80, True, False),
    ("to_dang", "Tổ đảng", 90, False, True),
]


def add_kinds(apps, schema_editor):
    UnitKind = apps.get_model("units", "UnitKind")
    for code, name, position, is_cell, is_group in KINDS:
        UnitKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "position": position, "is_cell": is_cell, "is_group": is_group},
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
