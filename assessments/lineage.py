"""Agencies with a history (issue 14): renames, merges and splits effective on a date.

Why the name as of a period is stored on the dossier (Submission.agency_name) rather than
derived from the change history: every page, export and issued document that names the agency
reads one field (no walk through the changes per row, no change to the query counts the result
pages pin), and a finalised result keeps the name it was given under even if a rename is
recorded late or corrected; this module is the only writer after creation, and it never
touches a finalised dossier.

The change history itself (AgencyChange) carries what a name cannot: which agencies became
which, so a successor's public trend shows its predecessors' results, labelled.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments import accounts, audit
from assessments.enums import AgencyChangeKind, AuditAction, PeriodStatus, SubmissionStatus
from assessments.models import Agency, AgencyChange, Submission

SUFFIXES = {
    AgencyChangeKind.RENAME: "(trước khi đổi tên)",
    AgencyChangeKind.MERGE: "(trước khi hợp nhất)",
    AgencyChangeKind.SPLIT: "(trước khi chia tách)",
}


class ChangeError(Exception):
    """The change cannot be recorded; `errors` are (field, Vietnamese sentence) pairs, the field
    one of kind, effective_date, predecessors, successors, new_name, decision ("" for none)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _field, message in errors))
        self.errors = errors


def _day(date: dt.date) -> str:
    return f"{date:%d/%m/%Y}"


def _names(agencies) -> str:
    return ", ".join(agency.name for agency in agencies)


def has_ended(agency, *, on: dt.date | None = None) -> bool:
    """Whether the agency has merged away (or been split) by `on` (today by default)."""
    on = on or timezone.localdate()
    return agency.ended_on is not None and agency.ended_on <= on


def ending_change(agency) -> AgencyChange | None:
    """The merge or split that ended the agency, if any."""
    if agency.ended_on is None:
        return None
    return (
        agency.changes_from.filter(kind__in=[AgencyChangeKind.MERGE, AgencyChangeKind.SPLIT])
        .exclude(successors=agency)
        .prefetch_related("successors")
        .order_by("-effective_date", "-id")
        .first()
    )


def ancestors(agency) -> set[int]:
    """Ids of every agency this one continues, through merges and splits, at any depth."""
    found: set[int] = set()
    frontier = {agency.pk}
    while frontier:
        parents = set(
            AgencyChange.predecessors.through.objects.filter(
                agencychange__kind__in=[AgencyChangeKind.MERGE, AgencyChangeKind.SPLIT],
                agencychange__successors__in=frontier,
            ).values_list("agency_id", flat=True)
        )
        frontier = parents - found - frontier
        found |= parents
    found.discard(agency.pk)
    return found


def check_change(
    *, kind, effective_date, predecessors, successors, new_name: str = ""
) -> list[tuple[str, str]]:
    """Every reason the change cannot be recorded, in one pass (empty when it can).

    Rules: a rename names one agency and a new name no other agency has; a merge has at least
    one agency merged into exactly one successor (not only itself); a split has one agency
    and at least two successors. No agency involved may have ended by the effective date, nor
    have a change recorded after it (changes are recorded in the order they took effect). A
    successor may not be an agency that a predecessor continues (a cycle). An agency that ends
    may not already hold a dossier of a period that begins on or after the effective date (that
    dossier belongs to its successor).
    """
    predecessors, successors = list(predecessors), list(successors)
    errors: list[tuple[str, str]] = []
    if kind == AgencyChangeKind.RENAME:
        if len(predecessors) != 1:
            errors.append(("predecessors", "Đổi tên: chọn đúng một cơ quan, đơn vị được đổi tên."))
        if successors and successors != predecessors:
            errors.append(
                ("successors", "Đổi tên: để trống “cơ quan sau thay đổi” (cơ quan vẫn giữ mã).")
            )
        new_name = (new_name or "").strip()
        if not new_name:
            errors.append(("new_name", "Đổi tên: nhập tên mới."))
        elif len(predecessors) == 1 and new_name == predecessors[0].name:
            errors.append(("new_name", "Tên mới trùng với tên hiện tại."))
        elif (
            Agency.objects.filter(name=new_name)
            .exclude(pk__in=[agency.pk for agency in predecessors])
            .exists()
        ):
            errors.append(("new_name", f"Tên “{new_name}” đã dùng cho cơ quan, đơn vị khác."))
        successors = predecessors
    elif kind == AgencyChangeKind.MERGE:
        if len(successors) != 1:
            errors.append(("successors", "Hợp nhất: chọn đúng một cơ quan, đơn vị sau hợp nhất."))
        elif not [agency for agency in predecessors if agency != successors[0]]:
            errors.append(
                (
                    "predecessors",
                    f"Không thể hợp nhất “{successors[0].name}” vào chính nó: chọn các cơ quan, "
                    "đơn vị được hợp nhất vào.",
                )
            )
    elif kind == AgencyChangeKind.SPLIT:
        if len(predecessors) != 1:
            errors.append(("predecessors", "Chia tách: chọn đúng một cơ quan, đơn vị được chia."))
        if len(successors) < 2:
            errors.append(("successors", "Chia tách: chọn ít nhất hai cơ quan, đơn vị sau chia."))
    else:
        errors.append(("kind", "Chọn loại thay đổi: đổi tên, hợp nhất hoặc chia tách."))
    if errors or effective_date is None:
        return errors

    involved = {agency.pk: agency for agency in [*predecessors, *successors]}
    for agency in involved.values():
        if agency.ended_on is not None and agency.ended_on <= effective_date:
            field = "predecessors" if agency in predecessors else "successors"
            errors.append(
                (field, f"“{agency.name}” đã ngừng hoạt động từ ngày {_day(agency.ended_on)}.")
            )
    latest = (
        AgencyChange.objects.filter(
            Q(predecessors__in=involved) | Q(successors__in=involved),
            effective_date__gt=effective_date,
        )
        .order_by("-effective_date")
        .first()
    )
    if latest is not None:
        errors.append(
            (
                "effective_date",
                f"Ngày hiệu lực phải từ ngày {_day(latest.effective_date)} trở đi: đã ghi nhận "
                f"“{latest.get_kind_display().lower()}” hiệu lực ngày "
                f"{_day(latest.effective_date)} cho cơ quan liên quan.",
            )
        )
    if kind != AgencyChangeKind.RENAME:
        predecessor_ids = {agency.pk for agency in predecessors}
        for successor in successors:
            if successor.pk in predecessor_ids:
                continue
            if any(successor.pk in ancestors(agency) for agency in predecessors):
                errors.append(
                    (
                        "successors",
                        f"“{successor.name}” là cơ quan trước của cơ quan được chọn: ghi nhận "
                        "thay đổi này sẽ tạo vòng lặp trong lịch sử.",
                    )
                )
        ending = [agency for agency in predecessors if agency not in successors]
        late = (
            Submission.objects.filter(
                agency__in=ending,
                period__is_practice=False,
                period__window_start__gte=effective_date,
            )
            .select_related("agency", "period")
            .order_by("period__window_start")
        )
        for submission in late:
            errors.append(
                (
                    "predecessors",
                    f"“{submission.agency.name}” đã có hồ sơ kỳ “{submission.period}” (đánh giá "
                    f"từ ngày {_day(submission.period.window_start)}), sau ngày hiệu lực: hồ sơ "
                    "kỳ này thuộc về cơ quan sau thay đổi.",
                )
            )
    return errors


@transaction.atomic
def record_change(
    *,
    actor,
    kind,
    effective_date: dt.date,
    predecessors,
    successors=(),
    new_name: str = "",
    decision: str,
) -> AgencyChange:
    """Record a rename, merge or split (check_change's rules, else ChangeError) and apply it.

    Side effects: a rename changes the agency's name (audited as an agency update) and the name
    on its dossiers that are not finalised and whose period ends on or after the effective date;
    finalised dossiers keep the name they were given under. Every predecessor that is not also
    a successor ends on the effective date, and is made inactive at once when that day has come
    (it is offered no new dossier; its officers keep reading their history). One audit row for
    the change itself.
    """
    ids = [agency.pk for agency in [*predecessors, *successors]]
    locked = {agency.pk: agency for agency in Agency.objects.select_for_update().filter(pk__in=ids)}
    predecessors = [locked[agency.pk] for agency in predecessors]
    successors = [locked[agency.pk] for agency in successors]
    new_name = (new_name or "").strip()
    errors = check_change(
        kind=kind,
        effective_date=effective_date,
        predecessors=predecessors,
        successors=successors,
        new_name=new_name,
    )
    if not (decision or "").strip():
        errors.append(("decision", "Nhập căn cứ, quyết định của thay đổi."))
    if errors:
        raise ChangeError(errors)
    if kind == AgencyChangeKind.RENAME:
        successors = predecessors
    change = AgencyChange.objects.create(
        kind=kind,
        effective_date=effective_date,
        old_name=predecessors[0].name if kind == AgencyChangeKind.RENAME else "",
        new_name=new_name if kind == AgencyChangeKind.RENAME else "",
        decision=decision.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    change.predecessors.set(predecessors)
    change.successors.set(successors)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_AGENCY_CHANGE,
        target=f"{change.get_kind_display()} hiệu lực {_day(effective_date)}",
        old=_names(predecessors) if kind != AgencyChangeKind.RENAME else change.old_name,
        new=_names(successors) if kind != AgencyChangeKind.RENAME else change.new_name,
        reason=change.decision,
    )
    today = timezone.localdate()
    if kind == AgencyChangeKind.RENAME:
        agency = predecessors[0]
        accounts.save_agency(agency, actor=actor, name=new_name)
        Submission.objects.filter(agency=agency, period__window_end__gte=effective_date).exclude(
            status=SubmissionStatus.FINALISED
        ).update(agency_name=new_name)
        return change
    for agency in predecessors:
        if agency in successors:
            continue
        agency.ended_on = effective_date
        agency.save(update_fields=["ended_on"])
        if effective_date <= today and agency.is_active:
            accounts.save_agency(agency, actor=actor, is_active=False)
    return change


def close_ended_agencies(*, actor=None, today: dt.date | None = None) -> int:
    """Make inactive every agency whose merge or split has come into effect (a change recorded
    ahead of its date). Audited per agency. Returns how many were closed."""
    today = today or timezone.localdate()
    count = 0
    for agency in Agency.objects.filter(is_active=True, ended_on__lte=today):
        accounts.save_agency(agency, actor=actor, is_active=False)
        count += 1
    return count


# --- the public trend ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    year: int
    score: Decimal
    grade: str
    name: str  # the agency's name as of that period
    label: str  # the series the point belongs to: the name, with “(trước khi hợp nhất)” …
    own: bool  # the agency's own result (under any of its names)


def _published(agency_ids, program_id=None):
    submissions = Submission.objects.all()
    if program_id is not None:
        submissions = submissions.filter(period__program_id=program_id)
    return (
        submissions.filter(
            agency_id__in=agency_ids,
            status=SubmissionStatus.FINALISED,
            period__is_practice=False,
            period__status=PeriodStatus.PUBLISHED,
        )
        .select_related("period", "agency")
        .order_by("period__year", "agency_name")
    )


def trend(agency, program=None) -> list[TrendPoint]:
    """The agency's published results over the years (in one program's periods when ``program``
    is given: scales differ between programs), and those of every agency it continues
    (through merges and splits, at any depth) for the periods that began before the change,
    labelled with the predecessor's name as of that period: “Sở Thông tin và Truyền thông
    (trước khi hợp nhất)”. The agency's own results under an earlier name are labelled
    “(trước khi đổi tên)”. Ordered by year, own results first."""
    program_id = program.pk if program is not None else None
    points: list[TrendPoint] = []
    for submission in _published([agency.pk], program_id):
        name = submission.evaluated_as
        label = name if name == agency.name else f"{name} {SUFFIXES[AgencyChangeKind.RENAME]}"
        points.append(
            TrendPoint(
                submission.period.year,
                submission.final_score,
                submission.final_grade,
                name,
                label,
                True,
            )
        )
    seen = {agency.pk}
    # (agency, the first day it no longer counts, the suffix of the change that led here)
    frontier = [(agency, None, "")]
    while frontier:
        current, before, _suffix = frontier.pop(0)
        changes = (
            AgencyChange.objects.filter(
                successors=current, kind__in=[AgencyChangeKind.MERGE, AgencyChangeKind.SPLIT]
            )
            .prefetch_related("predecessors")
            .order_by("effective_date", "id")
        )
        for change in changes:
            if before is not None and change.effective_date > before:
                continue
            suffix = SUFFIXES[AgencyChangeKind(change.kind)]
            for predecessor in change.predecessors.all():
                if predecessor.pk in seen:
                    continue
                seen.add(predecessor.pk)
                for submission in _published([predecessor.pk], program_id).filter(
                    period__window_start__lt=change.effective_date
                ):
                    name = submission.evaluated_as
                    points.append(
                        TrendPoint(
                            submission.period.year,
                            submission.final_score,
                            submission.final_grade,
                            name,
                            f"{name} {suffix}",
                            False,
                        )
                    )
                frontier.append((predecessor, change.effective_date, suffix))
    return sorted(points, key=lambda point: (point.year, not point.own, point.label))


@dataclass(frozen=True)
class EarlierResult:
    """A predecessor's finalised result in an earlier period, as a successor's page shows it."""

    name: str
    score: Decimal | None
    grade: str
    suffix: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.suffix}"


def earlier_results(period, agency_ids) -> dict[int, list[EarlierResult]]:
    """For each of `agency_ids`, the finalised results in `period` of the agencies it directly
    continues through a merge or split that took effect after `period` began (a ward formed in
    2025 compares its score with the communes it was formed from). Three queries, whatever the
    number of agencies."""
    Successor = AgencyChange.successors.through
    Predecessor = AgencyChange.predecessors.through
    links = Successor.objects.filter(
        agency_id__in=agency_ids,
        agencychange__kind__in=[AgencyChangeKind.MERGE, AgencyChangeKind.SPLIT],
        agencychange__effective_date__gt=period.window_start,
    ).values_list("agencychange_id", "agency_id", "agencychange__kind")
    successors: dict[int, list[tuple[int, str]]] = {}
    for change_id, agency_id, kind in links:
        successors.setdefault(change_id, []).append((agency_id, SUFFIXES[AgencyChangeKind(kind)]))
    if not successors:
        return {}
    continued: dict[int, list[tuple[int, str]]] = {}
    for change_id, predecessor_id in Predecessor.objects.filter(
        agencychange_id__in=successors
    ).values_list("agencychange_id", "agency_id"):
        for successor_id, suffix in successors[change_id]:
            if successor_id != predecessor_id:
                continued.setdefault(predecessor_id, []).append((successor_id, suffix))
    found: dict[int, list[EarlierResult]] = {}
    rows = (
        Submission.objects.filter(
            period=period, status=SubmissionStatus.FINALISED, agency_id__in=continued
        )
        .order_by("agency_name", "pk")
        .values_list("agency_id", "agency_name", "final_score", "final_grade")
    )
    for predecessor_id, name, score, grade in rows:
        for successor_id, suffix in continued[predecessor_id]:
            found.setdefault(successor_id, []).append(EarlierResult(name, score, grade, suffix))
    return found


def trend_series(points: list[TrendPoint]) -> list[tuple[str, list[tuple[str, Decimal]]]]:
    """The points grouped by label for a chart, own series first, in order of first year."""
    series: dict[str, list[tuple[str, Decimal]]] = {}
    for point in sorted(points, key=lambda point: (not point.own, point.year, point.label)):
        series.setdefault(point.label, []).append((str(point.year), point.score))
    return list(series.items())
