"""What the API takes and gives, as the OpenAPI schema describes it."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

from registry.core.forms import LINE_MAX, TEXT_MAX
from registry.core.middleware import has_control_characters

MAX_ID = 2**53  # ids a JSON number holds exactly; far above any row


def _typed(value: str) -> str:
    """Text as a form would take it: no control characters (NUL is refused by PostgreSQL)
    and no lone surrogates (which no encoding can store)."""
    if has_control_characters(value) or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError(_("Remove the control characters from this text."))
    return value


Line = Annotated[str, StringConstraints(max_length=LINE_MAX), AfterValidator(_typed)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX), AfterValidator(_typed)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Amount = Annotated[Decimal, Field(ge=0, lt=10**10, max_digits=12, decimal_places=2)]


class Detail(Schema):
    truong: str | None = Field(description="The field concerned, if any")
    thong_diep: str


class ErrorBody(Schema):
    ma: str = Field(description="A stable code: khong_tim_thay, chua_xac_thuc, …")
    thong_diep: str = Field(description="What went wrong, in Vietnamese")
    chi_tiet: list[Detail]


class Error(Schema):
    loi: ErrorBody


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    kind_name: str
    is_cell: bool
    is_group: bool
    path: str


class MemberOut(Schema):
    id: int
    full_name: str
    category: str
    status: str
    card_number: str
    cell_id: int | None
    cell_name: str | None
    group_id: int | None
    group_name: str | None


class Me(Schema):
    username: str
    name: str
    member: MemberOut | None
    roles: list[dict[str, str | int]]


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ReportOut(Schema):
    id: int
    quarter: int
    status: str
    value_reached: Decimal | None
    account: str
    reason: str
    is_late: bool
    first_filed_at: datetime.datetime
    filed_at: datetime.datetime
    review: str
    review_comment: str
    evidence: list[EvidenceOut]


class ItemOut(Schema):
    id: int
    position: int
    action: str
    measures: str
    expected_result: str
    indicator_id: int | None
    target_value: Decimal | None
    target_unit: str
    deadline: datetime.date | None
    quarter: int | None
    is_breakthrough: bool
    standards: list[int]
    approved: bool
    pending_change: bool
    reports: list[ReportOut]


class PlanOut(Schema):
    id: int
    year: int
    status: str
    member_id: int
    member_name: str
    cell_id: int
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None


class PlanDetail(PlanOut):
    study_content: str
    commitment: str
    committed_at: datetime.datetime | None
    items: list[ItemOut]


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: str | None


Number = int | float | None


class FigureLine(Schema):
    unit: UnitOut
    figures: dict[str, Number]


class FiguresOut(Schema):
    unit: UnitOut
    year: int
    quarter: int | None
    figures: dict[str, Number]
    children: list[FigureLine]


class RollupLineOut(Schema):
    unit: UnitOut | None = Field(description="None for the total line")
    figures: dict[str, Number]
    on_time_pct: float | None
    late: list[str]
    collective: dict[str, int]
    commendations: dict[str, int]


class RollupOut(Schema):
    unit: UnitOut
    year: int
    quarter: int
    as_of: datetime.date
    total: RollupLineOut
    lines: list[RollupLineOut]


class PlanCreate(Schema):
    year: int = Field(description="The programme year of the plan")
    copy_from: Id | None = Field(None, description="One of your earlier plans to start from")


class ItemIn(Schema):
    id: Id | None = Field(None, description="An item of the plan to keep (else a new one)")
    action: Text
    measures: Text = ""
    expected_result: Text = ""
    indicator: Id | None = None
    target_value: Amount | None = None
    target_unit: Annotated[str, StringConstraints(max_length=50), AfterValidator(_typed)] = ""
    deadline: datetime.date | None = None
    quarter: Literal[1, 2, 3, 4] | None = None
    is_breakthrough: bool = False
    standards: Annotated[list[Id], Field(max_length=30)] = []
    confirmed: bool = Field(False, description="Keep a target that looks mistyped")


class DraftIn(Schema):
    study_content: Text = ""
    items: Annotated[list[ItemIn], Field(max_length=40)]
    confirmed: bool = False


class SubmitIn(Schema):
    commitment_confirmed: bool = Field(description="The member confirms the commitment")


class ReportIn(Schema):
    status: Literal["not_started", "in_progress", "done", "not_done"]
    value_reached: Amount | None = None
    account: Text = ""
    reason: Text = ""
    confirmed: bool = Field(False, description="Keep a value that looks mistyped")
