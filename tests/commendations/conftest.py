"""The tree of the shared fixtures, seen from the commendations:

    Tỉnh ủy Sơn La ── Huyện ủy Mường La ── Chi bộ Khối Đảng: alice (member), bob (secretary)
                   │                    └─ Chi bộ bản Nà Lốc: charlie (secretary)
                   └─ Huyện ủy Vân Hồ ─── Chi bộ bản Lóng Luông

olga is an officer of Huyện ủy Mường La, which awards its certificate of merit (giấy khen)
to the cells below it. Everything happens on 20/05/2026 unless said otherwise."""

import pytest
import time_machine

from ..factories import at


@pytest.fixture
def may_2026():
    with time_machine.travel(at(2026, 5, 20), tick=False):
        yield
