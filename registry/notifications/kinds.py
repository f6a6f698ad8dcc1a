"""The kinds of reminder the inbox holds. The inbox knows none of them: each app that writes
reminders registers its kinds (code, label, how to say one, whether it is still due) from its
`AppConfig.ready()`, and owns the format of their keys."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    describe: Callable  # (notification) -> text in the active language
    still_due: Callable  # (notification, today) -> bool, re-checked before emailing


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _KINDS[kind.code] = kind


def kind_of(code: str) -> Kind | None:
    return _KINDS.get(code)


def label(code: str) -> str:
    kind = kind_of(code)
    return str(kind.label) if kind else code


def describe(notification) -> str:
    kind = kind_of(notification.rule)
    return kind.describe(notification) if kind else str(notification.rule)


def still_due(notification, today: datetime.date) -> bool:
    kind = kind_of(notification.rule)
    return kind.still_due(notification, today) if kind else True
