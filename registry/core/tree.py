"""Rows counted per unit of the tree (by materialised path), added up for any unit above them.

A figure beyond the kept ones is counted once per unit it belongs to (a cell, a committee's own
registration) by one grouped query over a sub-tree; a unit's figures and those of each unit
directly below it are these rows added up (`fold`). The same rows serve one unit's page and,
read once for a whole sub-tree, the drafts of every unit in it (`docs/decisions.md`, "Drafts
in batches")."""

import bisect
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


class PathRows:
    """Rows keyed by the path of the unit they count in, found by sub-tree in O(log n)."""

    def __init__(self, rows: Iterable[tuple[str, T]]):
        pairs = sorted(rows, key=lambda pair: pair[0])
        self._paths = [path for path, _row in pairs]
        self._rows = [row for _path, row in pairs]

    def under(self, path: str) -> list[tuple[str, T]]:
        """(path, row) of the unit at `path` and every unit below it."""
        first = bisect.bisect_left(self._paths, path)
        last = bisect.bisect_left(self._paths, path + "\U0010ffff", lo=first)
        return list(zip(self._paths[first:last], self._rows[first:last], strict=True))


def branch(path: str, unit, *, steplen: int) -> str:
    """The path of the unit directly below `unit` that `path` is under: "" for a cell (its
    rows have no branch); `unit.path` itself for the unit's own rows, which count in all
    only."""
    if unit.kind.is_cell:
        return ""
    return path[: len(unit.path) + steplen]


def fold(rows: PathRows, unit, add: Callable[[T, T], T], zero: Callable[[], T], *, steplen):
    """(the rows under `unit` added up, {branch: the rows under it added up})."""
    total = zero()
    by_branch: dict[str, T] = {}
    for path, row in rows.under(unit.path):
        total = add(total, row)
        key = branch(path, unit, steplen=steplen)
        by_branch[key] = add(by_branch.get(key, zero()), row)
    return total, by_branch
