"""What the cell tells a member about their year, beside their plan: the rating the cell
proposed and the conclusions of checks and supervision about them. They are recorded by
`cells`, above this app, which provides them at start-up (`CellsConfig.ready`); "my plan" and
the self-assessment's PDF read them here, behind `policy.member_record_visibility`."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Feedback:
    """The cell's rating of the year (None until the cell records it) and the checks and
    supervision of the year about the member, latest first."""

    rating: object | None = None
    checks: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.rating is not None or bool(self.checks)


_provider: Callable[..., Feedback] | None = None


def provided_by(provider: Callable[..., Feedback]) -> None:
    """`provider(user=, member=, year=)` answers `Feedback` (a fixed number of queries)."""
    global _provider
    _provider = provider


def for_member(*, user, member, year: int) -> Feedback:
    """What `user` may read of the cell's feedback to `member` for `year`."""
    if _provider is None:
        return Feedback()
    return _provider(user=user, member=member, year=year)
