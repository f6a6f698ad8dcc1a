import pytest

from registry.indicators.models import Indicator


@pytest.fixture
def catalogue(tree):
    """Two nationwide indicators and one of Sơn La province's own."""
    return {
        "tiep_dan": Indicator.objects.create(
            name="Lượt công dân được tiếp", unit="Lượt", code="tiep-dan", position=1
        ),
        "ho_so": Indicator.objects.create(
            name="Hồ sơ giải quyết đúng hạn", unit="hồ sơ", code="ho-so-dung-han", position=2
        ),
        "son_la": Indicator.objects.create(
            name="Buổi tuyên truyền bằng tiếng dân tộc",
            unit="buổi",
            code="son-la-tuyen-truyen",
            scope=tree.province,
            position=3,
        ),
    }
