"""The organisation tree of the generated province: one provincial committee, district
committees and a bloc committee, commune and grassroots committees under them, cells of 5 to
500 people (most of 15 to 60), and party groups in the larger cells. Materialised paths are
built here, siblings in name order as treebeard keeps them."""

import math
import random
from dataclasses import dataclass, field

from registry.units.models import STANDING_COMMITTEE_KINDS, Unit, UnitKind
from registry.units.services import unit_create

from . import words
from .writer import Ids, Writer

CELLS_PER_COMMITTEE = 10
COMMITTEES_PER_DISTRICT = 30
GROUPS_FROM = 30  # cells of this size or more are split into party groups
LARGEST_CELL = 500
PROVINCE_NAME = f"Tỉnh ủy {words.PROVINCE_PLACE}"
PROVINCE_CODE = "binh-son"


@dataclass
class Node:
    id: int
    name: str
    kind: str
    path: str = ""
    code: str | None = None
    place: str = ""
    size: int = 0  # people (cells only)
    children: list["Node"] = field(default_factory=list)
    groups: list["Node"] = field(default_factory=list)

    @property
    def is_cell(self) -> bool:
        return self.kind in ("chi_bo_co_so", "chi_bo_truc_thuoc")


def cell_sizes(members: int, rng: random.Random) -> list[int]:
    """Sizes adding up to `members`: log-normal around 30 (5–120), a few of several hundred,
    and one of 500 when the province is large enough."""
    sizes = [LARGEST_CELL] if members >= 10 * LARGEST_CELL else []
    while sum(sizes) < members:
        if rng.random() < 0.003:
            sizes.append(rng.randint(150, LARGEST_CELL - 50))
        else:
            sizes.append(min(120, max(5, round(rng.lognormvariate(math.log(30), 0.5)))))
    excess = sum(sizes) - members
    while excess:
        i = rng.randrange(len(sizes))
        cut = min(excess, sizes[i] - 5)
        sizes[i] -= cut
        excess -= cut
    rng.shuffle(sizes)
    return sizes


def _place(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = f"{rng.choice(words.PLACE_FIRST)} {rng.choice(words.PLACE_SECOND)}"
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(words.PLACE_FIRST)} {len(used) + 1}"
    used.add(name)
    return name


def _layout(members: int, rng: random.Random, ids: Ids) -> Node:
    """The tree as nested nodes (ids reserved, paths not yet set)."""
    sizes = cell_sizes(members, rng)
    n_committees = max(1, round(len(sizes) / CELLS_PER_COMMITTEE))
    n_districts = max(1, round(n_committees / COMMITTEES_PER_DISTRICT))
    used: set[str] = set()
    province = Node(0, PROVINCE_NAME, "tinh_uy", code=PROVINCE_CODE)
    districts = []
    for d in range(1, n_districts + 1):
        place = _place(rng, used)
        code = f"{province.code}/h{d:02d}"
        districts.append(Node(ids.take(Unit), f"Huyện ủy {place}", "huyen_uy", code, place))
    bloc = Node(ids.take(Unit), "Đảng ủy Khối các cơ quan tỉnh", "dang_uy_khoi")
    province.children = [*districts, bloc]
    committees = []
    for i in range(n_committees):
        if i % 8 == 7:
            label, _short = words.COMMITTEE_PLACES[i // 8 % len(words.COMMITTEE_PLACES)]
            node = Node(ids.take(Unit), f"{label} số {i // 8 + 1}", "dang_bo_co_so")
            bloc.children.append(node)
        else:
            node = Node(ids.take(Unit), f"Đảng ủy xã {_place(rng, used)}", "dang_uy_xa")
            districts[i % n_districts].children.append(node)
        committees.append(node)
    for i, size in enumerate(sizes):
        direct = i % 12 == 11
        parent = districts[i % n_districts] if direct else committees[i % n_committees]
        label = rng.choice(words.CELL_NAMES)
        kind = "chi_bo_co_so" if direct else "chi_bo_truc_thuoc"
        cell = Node(ids.take(Unit), f"{label} {i + 1:04d}", kind, size=size)
        if size >= GROUPS_FROM:
            n_groups = min(6, 2 + size // 60)
            cell.groups = [
                Node(ids.take(Unit), f"Tổ đảng số {g}", "to_dang") for g in range(1, n_groups + 1)
            ]
        parent.children.append(cell)
    return province


def _walk(node: Node, depth: int):
    """(node, depth, its children in path order), parents first."""
    children = sorted([*node.children, *node.groups], key=lambda n: n.name)
    yield node, depth, children
    for child in children:
        yield from _walk(child, depth + 1)


def build(*, members: int, rng: random.Random, ids: Ids, writer: Writer) -> Node:
    """Create the province through the service (it finds its place among existing roots),
    then write everything below it in bulk. Returns the province node."""
    kinds = {k.code: k for k in UnitKind.objects.all()}
    root = unit_create(
        parent=None,
        kind=kinds["tinh_uy"],
        name=PROVINCE_NAME,
        code=PROVINCE_CODE,
        place=words.PROVINCE_PLACE,
        abbreviation="TU",
        has_standing_committee=True,
    )
    province = _layout(members, rng, ids)
    province.id, province.path = root.pk, root.path
    units = writer.table(
        Unit,
        "id", "path", "depth", "numchild", "name", "code", "kind", "abbreviation", "place",
        "has_committee", "has_standing_committee", "is_active",
    )  # fmt: skip
    for node, depth, children in _walk(province, 1):
        for step, child in enumerate(children, start=1):
            child.path = Unit._get_path(node.path, depth + 1, step)
        if node is province:
            Unit.objects.filter(pk=root.pk).update(numchild=len(children))
            continue
        kind = kinds[node.kind]
        units.add(
            node.id,
            node.path,
            depth,
            len(children),
            node.name,
            node.code,
            kind.pk,
            "CB" if node.is_cell else "ĐU",
            node.place,
            node.is_cell and node.size >= 9,
            node.kind in STANDING_COMMITTEE_KINDS,
            True,
        )
    writer.flush()
    return province


def cells_of(province: Node) -> list[Node]:
    return [node for node, _depth, _children in _walk(province, 1) if node.is_cell]


def committees_of(province: Node) -> list[Node]:
    return [
        node
        for node, _depth, _children in _walk(province, 1)
        if not node.is_cell and node.kind != "to_dang"
    ]
