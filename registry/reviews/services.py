"""Writing, issuing, replacing and exporting reviews. A draft is written from the figures and
refreshed while it is a draft; what the page shows is what the PDF prints (the defaults are
written into the draft, where they can be read and changed); issuing gives the number after
a preview and a confirmation; an issued review is never changed, only replaced by another
that names it."""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.audit.services import audit_record
from registry.collective.selectors import indicator_rows, indicator_totals_of
from registry.commendations.selectors import commendation_rows, counts_of
from registry.core import documents, exports
from registry.core.numbers import format_number
from registry.core.periods import (
    FIRST_YEAR,
    Period,
    current_quarter,
    is_programme_year,
    previous_quarter,
)
from registry.core.tree import PathRows
from registry.indicators.models import Indicator
from registry.pledges.selectors import key_official_rows, key_officials_of
from registry.pledges.standing import deadline_passed
from registry.programmes.selectors import programme_for
from registry.units.models import Unit

from . import reminders
from .figures import cell_figures, unit_figures
from .models import DocumentCounter, Review, ReviewExport

RENDER_TASK = "registry.reviews.tasks.render_review_pdf"  # reviews/tasks.py


_n = format_number  # short, for the sentences of `summary_text`


def _pct(value) -> str:
    """18,5% – and 100%, not 100,0%."""
    return format_number(round(value, 1)) + "%"


def _date(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def summary_text(*, unit: Unit, period: Period, f: dict, as_of: datetime.date) -> str:
    """Factual paragraphs, in Vietnamese (the language of Party documents), from the figures."""
    with translation.override("vi"):
        parts = []
        subject = "chi bộ" if unit.kind.is_cell else "đảng bộ"
        if f["members"]:
            registered = f"{_n(f['registered'])} đồng chí đã đăng ký kế hoạch học tập và làm theo"
            if f.get("registered_pct") is not None:
                registered += f" (đạt {_pct(f['registered_pct'])})"
            parts.append(
                f"Tính đến ngày {_date(as_of)}, {subject} có {_n(f['members'])} đảng viên; "
                f"{registered}."
            )
        parts.append(
            f"Đã duyệt {_n(f['approved_plans'])} bản đăng ký với {_n(f['items'])} việc làm theo, "
            f"trong đó có {_n(f['breakthrough'])} việc làm đột phá."
        )
        k = f.get("key_officials") or {}
        if k.get("counted"):
            text = (
                f"Cán bộ chủ chốt: {_n(k['registered'])}/{_n(k['counted'])} đồng chí đã đăng ký "
                f"với {_n(k['items'])} việc làm theo"
            )
            if k["reports"]:
                text += f"; {_n(k['reports_on_time'])}/{_n(k['reports'])} báo cáo đúng hạn"
            parts.append(text + ".")
        quarter = f"quý {period.roman}"
        if f["items"]:
            parts.append(
                f"Kết quả {quarter}: {_n(f['items_done'])} việc đã hoàn thành, "
                f"{_n(f['items_in_progress'])} việc đang thực hiện, "
                f"{_n(f['items_not_started'])} việc chưa bắt đầu, "
                f"{_n(f['items_not_done'])} việc không thực hiện và "
                f"{_n(f['items_not_reported'])} việc chưa có báo cáo."
            )
            text = (
                f"Về báo cáo kết quả {quarter}: {_n(f['reports_on_time'])} đảng viên báo cáo "
                f"đúng hạn, {_n(f['reports_late'])} báo cáo trễ hạn, "
                f"{_n(f['reports_missing'])} chưa báo cáo dù đã quá hạn"
            )
            if f.get("reports_not_due"):
                text += f", {_n(f['reports_not_due'])} chưa đến hạn báo cáo"
            parts.append(text + ".")
        if f["checks"] or f["supervisions"]:
            scope = period.label_vi if not period.is_year else f"năm {period.year}"
            parts.append(
                f"Trong {scope}, {subject} đã kiểm tra {_n(f['checks'])} và giám sát "
                f"{_n(f['supervisions'])} lượt đảng viên về việc thực hiện Chỉ thị."
            )
        if period.is_year:
            parts.append(
                "Kết quả xếp loại đảng viên (chi bộ đề xuất): "
                f"{_n(f['rating_xuat_sac'])} hoàn thành xuất sắc nhiệm vụ, "
                f"{_n(f['rating_tot'])} hoàn thành tốt nhiệm vụ, "
                f"{_n(f['rating_hoan_thanh'])} hoàn thành nhiệm vụ, "
                f"{_n(f['rating_khong_hoan_thanh'])} không hoàn thành nhiệm vụ."
            )
    return "\n\n".join(parts)


def _children_rows(rows) -> list[dict]:
    return [{"unit_id": u.pk, "name": u.name, **f} for u, f in rows]


# --- What a new draft says until someone changes it (visible and editable on the page) -------


def default_signature(unit: Unit) -> dict:
    """Who signs the unit's review, and in what form: the rule of every Party document
    (`core.documents.default_signature`) over the unit's secretaries and deputies."""
    return documents.default_signature(unit, RoleAssignment.signing_leaders(unit))


def _recipients(unit: Unit, superior_name: str) -> str:
    """Nơi nhận: the body above (to report to) and the file copy, one per line."""
    rows = [f"{superior_name} (để báo cáo)"] if superior_name else []
    rows.append("Lưu chi bộ" if unit.kind.is_cell else "Lưu Văn phòng")
    return "\n".join(rows)


def draft_defaults_of(units: list[Unit]) -> dict[int, dict]:
    """What a new draft of each of `units` says until someone changes it (`default_signature`,
    the recipients, the next tasks), {unit id: fields}: two queries for all of them."""
    leaders = RoleAssignment.signing_leaders_of(units)
    parents = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    superiors = dict(Unit.objects.filter(path__in=parents).values_list("path", "name"))
    return {
        unit.pk: {
            **documents.default_signature(unit, leaders.get(unit.pk, [])),
            "recipients": _recipients(unit, superiors.get(unit.path[: -Unit.steplen], "")),
            "next_tasks": DEFAULT_NEXT_TASKS,
        }
        for unit in units
    }


DEFAULT_NEXT_TASKS = (
    "Tiếp tục thực hiện các nội dung đã đăng ký; đôn đốc đảng viên báo cáo kết quả đúng hạn."
)


# --- Writing and refreshing drafts ------------------------------------------------------------


def _period(kind: str, year: int, quarter: int) -> Period:
    return Period(year, quarter) if kind == Review.Kind.QUARTER else Period(year)


#: What a review's figures hold beside the kept figures (counted from the rows at generation).
BEYOND_KEPT = ("indicators", "key_officials")


def period_values(*, unit: Unit, period: Period, on: datetime.date) -> dict:
    """What a quarterly or year-end review stores of its period looked at on `on`: the
    figures (with `BEYOND_KEPT`), the good deeds and commendations, the rows of the units
    below and the day they describe. The one way a review counts (`period_values_of`); a
    term review's years are counted by it too."""
    return period_values_of([unit], period=period, on=on)[unit.pk]


def _by_tree(units: list[Unit]) -> list[list[Unit]]:
    """`units` in the order of the tree, in one list per tree (the registry may hold several
    provinces, each its own root)."""
    ordered = sorted(units, key=lambda u: u.path)
    return [list(group) for _root, group in groupby(ordered, key=lambda u: u.path[: Unit.steplen])]


def _common_root(units: list[Unit]) -> Unit:
    """The deepest unit whose sub-tree holds all of `units` (of one tree, `_by_tree`)."""
    prefix = min(u.path for u in units)
    for unit in units:
        while not unit.path.startswith(prefix):
            prefix = prefix[: -Unit.steplen]
    among = {u.path: u for u in units}.get(prefix)
    return among or Unit.objects.select_related("kind").get(path=prefix)


@dataclass(frozen=True)
class BeyondKept:
    """The counts of a sub-tree beyond the kept figures, per unit (`core.tree`): what counts
    in indicators, the key officials, the good deeds and commendations. Read once, they give
    any unit of the sub-tree its part."""

    indicators: list[PathRows]
    catalogue: list[Indicator]
    officials: PathRows
    deeds: PathRows

    @classmethod
    def read(cls, *, scope: Unit, period: Period, on: datetime.date) -> "BeyondKept":
        return cls(
            indicators=indicator_rows(scope=scope, period=period, on=on),
            catalogue=list(Indicator.objects.only("id", "name", "unit")),
            officials=key_official_rows(scope=scope, period=period, on=on),
            deeds=commendation_rows(scope=scope, period=period, on=on),
        )

    @classmethod
    def by_tree(cls, units: list[Unit], *, period: Period, on: datetime.date):
        """(units of one tree in the tree's order, their counts read over the sub-tree that
        holds them), tree by tree (`_by_tree`)."""
        for tree in _by_tree(units):
            yield tree, cls.read(scope=_common_root(tree), period=period, on=on)


def period_values_of(
    units: list[Unit], *, period: Period, on: datetime.date, beyond: BeyondKept | None = None
) -> dict[int, dict]:
    """`period_values` of each of `units` ({unit id: values}): the counts beyond the kept
    figures read once for a sub-tree holding them all (`beyond`, else read here for the
    smallest one) and the cells' kept figures in one query. The drafts of a province's units
    (`generate_drafts`) cost a fixed number of queries a batch beside two or three a
    committee."""
    if beyond is None:
        values = {}
        for tree, read in BeyondKept.by_tree(units, period=period, on=on):
            values.update(period_values_of(tree, period=period, on=on, beyond=read))
        return values
    indicators, catalogue = beyond.indicators, beyond.catalogue
    officials, deeds = beyond.officials, beyond.deeds
    of_cells = cell_figures([u for u in units if u.kind.is_cell], period=period, on=on)
    values = {}
    for unit in units:
        if unit.kind.is_cell:
            figures, rows, children = of_cells[unit.pk], [], []
        else:
            figures, rows = unit_figures(unit=unit, period=period, on=on)
            children = list(Unit.objects.get_children(unit).only("id", "name", "path"))
        # Stored with the figures, so the draft's page and the issued PDF print the same sums.
        figures = {
            **figures,
            "indicators": indicator_totals_of(
                indicators, unit, children=children, catalogue=catalogue
            ),
            "key_officials": key_officials_of(officials, unit),
        }
        counts, _by_child = counts_of(deeds, unit)
        values[unit.pk] = {
            "figures": figures,
            "commendations": counts.as_dict(),
            "children": _children_rows(rows),
            "as_of": period.as_of(on),
        }
    return values


def _computed(unit: Unit, period: Period, on: datetime.date, at, values=None) -> dict:
    values = values or period_values(unit=unit, period=period, on=on)
    return {
        **values,
        "summary": summary_text(
            unit=unit, period=period, f=values["figures"], as_of=values["as_of"]
        ),
        "taken_on": on,
        "generated_at": at,
    }


def _computed_for(review: Review, on: datetime.date, at) -> dict:
    """Today's values of a review's figures, whatever its kind."""
    if review.is_term:
        return _term_computed(review.unit, review.first_year, review.year, on, at)
    return _computed(review.unit, review.period, on, at)


# --- Reviews of several years (sơ kết / tổng kết 3 năm, 5 năm) --------------------------------

#: A term review covers from 2 to 10 years of the programme (a year alone is a year-end review).
TERM_MIN_YEARS, TERM_MAX_YEARS = 2, 10

#: Figures of a year that add up over a term (flows); the others are compared, first year to
#: last (stocks: members, registered, the share registered).
TERM_SUMMED = (
    "approved_plans",
    "items",
    "breakthrough",
    "items_done",
    "checks",
    "supervisions",
    "rating_xuat_sac",
    "rating_tot",
    "rating_hoan_thanh",
    "rating_khong_hoan_thanh",
)
TERM_COMPARED = ("members", "registered", "registered_pct")


def term_problems(*, first_year, last_year, today: datetime.date) -> dict[str, str]:
    """Why a term cannot be reviewed (by field), in the reader's language: years of the
    programme (2016–2100), the first before the last, 2 to 10 years, none after this year."""
    errors = {}
    for name, value in (("first_year", first_year), ("last_year", last_year)):
        if not is_programme_year(value):
            errors[name] = _("Choose a year from 2016 to 2100.")
    if errors:
        return errors
    if last_year > today.year:
        errors["last_year"] = _("The last year cannot be after this year (%(year)s).") % {
            "year": today.year
        }
    elif first_year > last_year:
        errors["first_year"] = _("The first year must come before the last year.")
    elif last_year - first_year + 1 < TERM_MIN_YEARS:
        errors["first_year"] = _(
            "A review of several years covers at least two years; for one year, write the "
            "year-end review."
        )
    elif last_year - first_year + 1 > TERM_MAX_YEARS:
        errors["first_year"] = _("A review of several years covers at most %(n)s years.") % {
            "n": TERM_MAX_YEARS
        }
    return errors


def term_years(*, unit: Unit, first_year: int, last_year: int, on: datetime.date) -> list[dict]:
    """One row per year of the term: the figures of that year's year-end review of `unit`
    as issued (the one in force) when there is one, else counted as the year-end review
    counts them on `on` (`period_values`). Each row says where it comes from."""
    issued = {
        r.year: r
        for r in Review.objects.filter(
            unit=unit,
            kind=Review.Kind.YEAR,
            status=Review.Status.FINAL,
            year__range=(first_year, last_year),
        )
    }
    rows = []
    for year in range(first_year, last_year + 1):
        review = issued.get(year)
        if review is not None:
            values = {
                "figures": review.figures,
                "commendations": review.commendations,
                "as_of": review.as_of,
            }
        else:
            values = period_values(unit=unit, period=Period(year), on=on)
        rows.append(
            {
                "year": year,
                "review_id": review.pk if review else None,
                "number": review.number_label if review else "",
                "issued_on": _date(timezone.localdate(review.finalised_at)) if review else "",
                "as_of": values["as_of"].isoformat() if values["as_of"] else "",
                "figures": values["figures"],
                "commendations": values["commendations"],
            }
        )
    return rows


def term_totals(rows: list[dict]) -> dict:
    """Over the term: the flows added up, the stocks' change from the first year to the
    last, the good deeds and commendations added up."""
    first, last = rows[0]["figures"], rows[-1]["figures"]
    change = {}
    for key in TERM_COMPARED:
        a, b = first.get(key), last.get(key)
        change[key] = None if a is None or b is None else round(b - a, 1)
    commendations = {}
    for row in rows:
        for key, n in row["commendations"].items():
            commendations[key] = commendations.get(key, 0) + n
    return {
        "total": {key: sum(row["figures"].get(key, 0) for row in rows) for key in TERM_SUMMED},
        "change": change,
        "commendations": commendations,
    }


def term_summary_text(*, unit: Unit, rows: list[dict], totals: dict) -> str:
    """Factual paragraphs of a term review, in Vietnamese, from its yearly rows."""
    first, last = rows[0], rows[-1]
    span = f"{len(rows):02d} năm ({first['year']}–{last['year']})"
    subject = "chi bộ" if unit.kind.is_cell else "đảng bộ"
    parts = []
    f0, f1 = first["figures"], last["figures"]
    as_of = datetime.date.fromisoformat(last["as_of"])
    text = f"Qua {span} thực hiện, tính đến ngày {_date(as_of)}, {subject} có {_n(f1['members'])} "
    text += f"đảng viên, {_n(f1['registered'])} đồng chí đăng ký kế hoạch học tập và làm theo"
    if f1.get("registered_pct") is not None:
        text += f" (đạt {_pct(f1['registered_pct'])}"
        if f0.get("registered_pct") is not None and first is not last:
            text += f"; năm {first['year']} đạt {_pct(f0['registered_pct'])}"
        text += ")"
    parts.append(text + ".")
    t = totals["total"]
    parts.append(
        f"Trong {span}, đã duyệt {_n(t['approved_plans'])} lượt bản đăng ký với "
        f"{_n(t['items'])} việc làm theo, trong đó {_n(t['breakthrough'])} việc làm đột phá; "
        f"{_n(t['items_done'])} việc được báo cáo hoàn thành vào cuối các năm."
    )
    if t["checks"] or t["supervisions"]:
        parts.append(
            f"{subject.capitalize()} đã kiểm tra {_n(t['checks'])} lượt và giám sát "
            f"{_n(t['supervisions'])} lượt đảng viên về việc thực hiện Chỉ thị."
        )
    issued = [row for row in rows if row["number"]]
    if issued:
        parts.append(
            "Số liệu từng năm lấy theo báo cáo tổng kết năm đã ban hành ("
            + ", ".join(f"năm {row['year']}: số {row['number']}" for row in issued)
            + ")"
            + (
                "; các năm còn lại tính như báo cáo tổng kết năm."
                if len(issued) < len(rows)
                else "."
            )
        )
    return "\n\n".join(parts)


def _term_computed(unit: Unit, first_year: int, last_year: int, on: datetime.date, at) -> dict:
    rows = term_years(unit=unit, first_year=first_year, last_year=last_year, on=on)
    totals = term_totals(rows)
    return {
        "figures": {"years": rows, "total": totals["total"], "change": totals["change"]},
        "commendations": totals["commendations"],
        "children": [],
        "summary": term_summary_text(unit=unit, rows=rows, totals=totals),
        "as_of": Period(last_year).as_of(on),
        "taken_on": on,
        "generated_at": at,
    }


def review_generate(
    *,
    unit: Unit,
    kind: str,
    year: int,
    quarter: int = 0,
    first_year: int | None = None,
    closing: bool = False,
    at=None,
    counted: dict | None = None,
    defaults: dict | None = None,
) -> tuple[Review, str]:
    """Create or refresh the draft review of `unit` for the period (for a review of several
    years, `first_year` to `year`, mid-term or `closing`). Returns (review, what happened:
    "created", "updated" or "final" when the period's review is issued and no replacement
    is being drafted). `counted`: the period's values and `defaults`: what a new draft says
    (`draft_defaults_of`), if read already (`generate_drafts`)."""
    at = at or timezone.now()
    term = kind == Review.Kind.TERM
    key = {
        "unit": unit,
        "kind": kind,
        "first_year": first_year if term else None,
        "year": year,
        "quarter": quarter if kind == Review.Kind.QUARTER else 0,
    }
    # Which of the period's reviews exist, in one light query (their figures are large).
    existing = dict(Review.objects.filter(**key).order_by("pk").values_list("status", "pk"))
    in_force = None
    if Review.Status.FINAL in existing:
        in_force = Review.objects.get(pk=existing[Review.Status.FINAL])
        if Review.Status.DRAFT not in existing:
            return in_force, "final"  # issued, and no replacement drafted: nothing to compute
    on = timezone.localdate(at)
    if term:
        values = {**_term_computed(unit, first_year, year, on, at), "closing": closing}
    else:
        values = _computed(unit, _period(kind, year, quarter), on, at, counted)
    new = {**key, **values, **(defaults or draft_defaults_of([unit])[unit.pk])}
    if Review.Status.DRAFT not in existing:  # none a moment ago (nor an issued one)
        created = _create_draft(new)
        if created is not None:
            return created, "created"
    with transaction.atomic():
        review = (
            Review.objects.select_for_update().filter(**key, status=Review.Status.DRAFT).first()
        )
        if review is None:
            if in_force is not None:  # its replacement was issued a moment ago
                return in_force, "final"
            created = _create_draft(new)
            if created is not None:
                return created, "created"
            review = Review.objects.select_for_update().get(**key, status=Review.Status.DRAFT)
        _refresh(review, values)
        return review, "updated"


def _create_draft(fields: dict) -> Review | None:
    """The new draft, or None if a concurrent run created it a moment ago (then refresh it)."""
    try:
        with transaction.atomic():
            return Review.objects.create(**fields)
    except IntegrityError:
        return None


#: Units whose drafts are written together (`generate_drafts`): their counts beyond the kept
#: figures are read once, so a batch costs a fixed number of queries and then a few a unit.
DRAFT_BATCH = 500


def generate_drafts(
    *, units: list[Unit], kind: str, year: int, quarter: int = 0, at=None
) -> dict[str, int]:
    """Create or refresh the drafts of `units` for a quarter or a year (`review_generate`),
    in batches of `DRAFT_BATCH` in the order of the tree. Returns how many were created,
    updated, and left as issued ("final")."""
    at = at or timezone.now()
    on = timezone.localdate(at)
    period = _period(kind, year, quarter)
    outcomes = {"created": 0, "updated": 0, "final": 0}
    for tree, beyond in BeyondKept.by_tree(units, period=period, on=on):
        for start in range(0, len(tree), DRAFT_BATCH):
            batch = tree[start : start + DRAFT_BATCH]
            counted = period_values_of(batch, period=period, on=on, beyond=beyond)
            defaults = draft_defaults_of(batch)
            for unit in batch:
                _review, outcome = review_generate(
                    unit=unit,
                    kind=kind,
                    year=year,
                    quarter=quarter,
                    at=at,
                    counted=counted[unit.pk],
                    defaults=defaults[unit.pk],
                )
                outcomes[outcome] += 1
    return outcomes


def review_term_draft(
    *, unit: Unit, first_year, last_year, closing: bool, actor, at=None
) -> tuple[Review, str]:
    """Draft (or refresh the draft of) `unit`'s review of the years `first_year` to
    `last_year`: a mid-term review (sơ kết), or the review that closes the term (tổng kết).
    Its yearly rows are the year-end reviews' (`term_years`). Returns (review, "created",
    "updated" or "final" when that term's review is issued and no replacement is drafted)."""
    at = at or timezone.now()
    if not policy.can_write_reviews(actor, unit):
        raise PermissionDenied
    errors = term_problems(first_year=first_year, last_year=last_year, today=timezone.localdate(at))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review, outcome = review_generate(
            unit=unit,
            kind=Review.Kind.TERM,
            year=last_year,
            first_year=first_year,
            closing=bool(closing),
            at=at,
        )
        if outcome != "final":
            audit_record(
                actor=actor,
                action="review.term_draft",
                target=review,
                years=f"{first_year}–{last_year}",
            )
    return review, outcome


def _refresh(review: Review, values: dict) -> None:
    """New figures make a new version: a confirmation given on the old ones no longer holds."""
    printed = ("figures", "commendations", "children", "summary", "as_of", "closing")
    changed = any(getattr(review, name) != values[name] for name in printed if name in values)
    for name, value in values.items():
        setattr(review, name, value)
    fields = [*values]
    if changed:
        review.version += 1
        fields.append("version")
    review.save(update_fields=fields)


def review_refresh(*, review: Review, actor, at=None) -> Review:
    """The secretary asks for today's figures on a draft."""
    at = at or timezone.now()
    with transaction.atomic():
        review = _lock(review)
        _require_writer(actor, review)
        _require_draft(review)
        _refresh(review, _computed_for(review, timezone.localdate(at), at))
    return review


def units_to_review(*, root: Unit | None = None):
    """Cells and the committees above them that have people under them."""
    from registry.pledges.standing import current_members

    units = Unit.objects.filter(is_active=True, kind__is_group=False).select_related("kind")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    peopled = PathRows(
        (path, None) for path in set(current_members().values_list("cell__path", flat=True))
    )
    return [u for u in units.order_by("path") if peopled.under(u.path)]


def due_period(today: datetime.date, delay_days: int) -> tuple[int, int] | None:
    """The quarter whose drafts are written or refreshed today, if any: the last quarter
    that ended, from `delay_days` after its end and for 60 days."""
    last = previous_quarter(current_quarter(today))
    return (
        (last.year, last.quarter)
        if delay_days <= (today - last.end).days <= delay_days + 60
        else None
    )


def can_edit(user, review: Review) -> bool:
    return policy.can_write_reviews(user, review.unit)


def can_write_unit_reviews(user, unit: Unit) -> bool:
    return policy.can_write_reviews(user, unit)


def default_first_year(last_year: int) -> int:
    """The first year offered for a term ending in `last_year`: five years, from 2016 on."""
    return max(FIRST_YEAR, last_year - 4)


def second_factor_passed(user) -> bool:
    return policy.second_factor_passed(user)


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("unit__kind", "finalised_by", "replaces")
        .get(pk=review.pk)
    )


def _require_writer(actor, review: Review) -> None:
    if not can_edit(actor, review):
        raise PermissionDenied


SECOND_FACTOR_MISSING = "second_factor"


def _require_second_factor(actor, review: Review) -> None:
    """A numbered document is issued only from a session that passed the second factor."""
    if not policy.can_issue_reviews(actor, review.unit):
        raise ValidationError(
            _(
                "Issuing a numbered review needs the second sign-in step: confirm with the "
                "code of your authenticator app (or set it up) first."
            ),
            code=SECOND_FACTOR_MISSING,
        )


def _require_draft(review: Review) -> None:
    if review.status != Review.Status.DRAFT:
        raise ValidationError(
            _("This review was issued by %(who)s at %(when)s and can no longer be changed.")
            % {
                "who": review.finalised_by or "—",
                "when": formats.date_format(
                    timezone.localtime(review.finalised_at), "SHORT_DATETIME_FORMAT"
                ),
            },
            code="state",
        )


def _require_version(review: Review, seen_version: int) -> None:
    if review.version != seen_version:
        raise ValidationError(
            _(
                "This review changed after you opened it (its text was saved by someone else, "
                "or its figures were refreshed). Your text is kept below; look at the review "
                "again before going on."
            ),
            code="conflict",
        )


TEXT_FIELDS = (
    "results",
    "limitations",
    "next_tasks",
    "signer_name",
    "signer_title",
    "on_behalf",
    "recipients",
)


@transaction.atomic
def review_update_text(*, review: Review, actor, seen_version: int, **texts) -> Review:
    """Save what the secretary wrote: the assessment, the limitations, the next tasks, the
    signer and the recipients."""
    review = _lock(review)
    _require_writer(actor, review)
    _require_draft(review)
    _require_version(review, seen_version)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name, value in texts.items():
        setattr(
            review, name, "\n".join(line.rstrip() for line in (value or "").strip().splitlines())
        )
    review.version += 1
    review.save(update_fields=[*texts, "version"])
    audit_record(actor=actor, action="review.edit", target=review)
    return review


# --- Issuing ----------------------------------------------------------------------------------


def next_number(review: Review, at=None) -> int:
    """The number the review would take if issued now (the counter decides when it is)."""
    year = timezone.localtime(at or timezone.now()).year
    counter = DocumentCounter.objects.filter(unit=review.unit, year=year).first()
    return (counter.last_number if counter else 0) + 1


def symbol_for(unit: Unit) -> str:
    return f"BC/{unit.abbreviation or ('CB' if unit.kind.is_cell else 'ĐU')}"


def number_label(number: int, unit: Unit) -> str:
    return f"{number:02d}-{symbol_for(unit)}"


def early_issue_reasons(review: Review, on: datetime.date) -> list[str]:
    """Why issuing on `on` would be early: the period is not over, or its reports are not due
    yet (the reports still "not yet due" are then counted as such, not as missing)."""
    period = review.period
    reasons = []
    if on <= period.end:
        reasons.append(
            _("The period ends on %(date)s; the figures are those of %(as_of)s.")
            % {"date": _date(period.end), "as_of": _date(review.as_of or on)}
        )
    deadline = programme_for(unit=review.unit, year=period.year).quarter_deadline(
        period.last_quarter
    )
    if deadline is not None and not deadline_passed(deadline, on):
        not_due = review.figures.get("reports_not_due", 0)
        reasons.append(
            _(
                "The members' reports for quarter %(q)s are due by %(deadline)s: until then "
                "%(n)s plans are counted as “not yet due”, not as missing."
            )
            % {"q": period.roman, "deadline": _date(deadline), "n": not_due}
        )
    return reasons


def issue_problems(review: Review) -> dict[str, str]:
    """What must still be written before the review can be issued (by field)."""
    errors = {}
    if not (review.results or "").strip():
        errors["results"] = _("Write the assessment of the results before issuing.")
    if not (review.next_tasks or "").strip():
        errors["next_tasks"] = _("Write the tasks for the next period before issuing.")
    if not (review.signer_title or "").strip() or not (review.on_behalf or "").strip():
        errors["signer_title"] = _("Say who signs the review, and in what capacity.")
    if not review.recipient_lines:
        errors["recipients"] = _("List the recipients (Nơi nhận).")
    return errors


def _check_issuable(review: Review) -> None:
    errors = issue_problems(review)
    if errors:
        raise ValidationError(errors)


def review_issue(
    *,
    review: Review,
    actor,
    seen_version: int,
    expected_number: int,
    confirm_early: bool = False,
    at=None,
) -> tuple[Review, ReviewExport]:
    """Issue the review exactly as previewed: lock it, check that it is the version the
    secretary confirmed and that the number is the one announced, give it the number, and
    queue its PDF. A replacement puts the review it replaces out of force. One transaction."""
    at = at or timezone.now()
    with transaction.atomic():
        review = _lock(review)
        _require_writer(actor, review)
        _require_second_factor(actor, review)
        _require_draft(review)
        _require_version(review, seen_version)
        _check_issuable(review)
        if early_issue_reasons(review, timezone.localdate(at)) and not confirm_early:
            raise ValidationError(
                {"confirm_early": _("Confirm that the review is issued before the deadline.")},
                code="early",
            )
        issued_year = timezone.localtime(at).year
        counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
            unit=review.unit, year=issued_year
        )
        if counter.last_number + 1 != expected_number:
            raise ValidationError(
                _(
                    "Another report of the unit took number %(taken)s a moment ago; this one "
                    "would be number %(next)s. Confirm again."
                )
                % {
                    "taken": number_label(expected_number, review.unit),
                    "next": number_label(counter.last_number + 1, review.unit),
                },
                code="number",
            )
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        if review.replaces_id:
            Review.objects.filter(pk=review.replaces_id, status=Review.Status.FINAL).update(
                status=Review.Status.REPLACED
            )
        review.number, review.issued_year = counter.last_number, issued_year
        review.symbol = symbol_for(review.unit)
        review.status, review.finalised_at, review.finalised_by = Review.Status.FINAL, at, actor
        review.save(
            update_fields=[
                "number",
                "issued_year",
                "symbol",
                "status",
                "finalised_at",
                "finalised_by",
            ]
        )
        audit_record(actor=actor, action="review.issue", target=review, number=review.number_label)
        reminders.clear_draft(review_id=review.pk)
        export = export_request(review=review, actor=actor, at=at)
    return review, export


@transaction.atomic
def review_replace(*, review: Review, actor, reason: str, at=None) -> Review:
    """Start the correction of an issued review: a new draft of the same period, with
    today's figures and the texts of the issued one, that will name it when issued. The
    issued review stays in force, and listed, until then."""
    at = at or timezone.now()
    review = _lock(review)
    _require_writer(actor, review)
    if review.status != Review.Status.FINAL:
        raise ValidationError(_("Only the issued review in force can be replaced."), code="state")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what the replacement corrects.")})
    existing = Review.objects.filter(
        unit=review.unit,
        kind=review.kind,
        first_year=review.first_year,
        year=review.year,
        quarter=review.quarter,
        status=Review.Status.DRAFT,
    ).first()
    if existing is not None:
        return existing
    values = _computed_for(review, timezone.localdate(at), at)
    draft = Review.objects.create(
        unit=review.unit,
        kind=review.kind,
        first_year=review.first_year,
        closing=review.closing,
        year=review.year,
        quarter=review.quarter,
        replaces=review,
        **values,
        **{name: getattr(review, name) for name in TEXT_FIELDS},
    )
    audit_record(
        actor=actor,
        action="review.replace",
        target=draft,
        replaces=review.number_label,
        reason=reason.strip(),
    )
    return draft


# --- Exports ----------------------------------------------------------------------------------


def export_request(*, review: Review, actor, at=None) -> ReviewExport:
    """Queue a PDF rendering; the task is sent only once the transaction has committed."""
    if not review.is_issued:
        raise ValidationError(_("Only an issued review can be exported."))
    export = ReviewExport.objects.create(
        review=review, requested_by=actor, requested_at=at or timezone.now()
    )
    exports.send_after_commit(ReviewExport, RENDER_TASK, export.pk)
    return export


def exports_resend_stalled(*, now=None) -> int:
    """Exports whose message was lost (broker down, worker killed mid-way) go round again
    (`core.exports.resend_stalled`)."""
    return exports.resend_stalled(ReviewExport, RENDER_TASK, now=now)


def export_render(*, export_id: int) -> ReviewExport:
    """Claim the export (a redelivered task finds it claimed or done and stops), render, store."""
    from .pdf import render_review_pdf as render

    return exports.render_claimed(
        ReviewExport,
        export_id,
        render=lambda export: render(export.review),
        stored_name=lambda export: f"review-{export.review_id}-{export.pk}.pdf",
        select_related=("review__unit__kind", "review__finalised_by", "review__replaces"),
    )


def generation_delay_days() -> int:
    return settings.REVIEW_GENERATION_DELAY_DAYS
