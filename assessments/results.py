"""A period's results, read in a fixed number of queries, for exports, statistics and the public
site alike.

Scores are the stored ones (Submission.self_score / final_score / final_grade, ItemScore.points /
agreed_points); group subtotals and not-applicable flags come from `assessments.scores`, which
calls the scoring library. Nothing here adds points up a second way.
"""

from collections import Counter, namedtuple
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, When, Window
from django.db.models.functions import RowNumber

from assessments import references, scores
from assessments.enums import Agreement, PeriodStatus, SubmissionStatus
from assessments.models import (
    Agency,
    Criterion,
    Extension,
    ItemScore,
    Period,
    Submission,
    SubmissionResult,
    User,
)
from scoring import Grade, TableResult, is_cross_agency

# The 2022 letter's grades; every period names its own (Period.grade_labels, none: ranking only).
GRADES = [grade.value for grade in Grade]
FINAL_PERIOD_STATUSES = frozenset(
    {PeriodStatus.FINALISED, PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED}
)


@dataclass
class CriterionRow:
    criterion: Criterion
    self_points: Decimal | None = None
    final_points: Decimal | None = None
    not_applicable: bool = False
    adjusted: bool = False
    reason: str = ""
    item: ItemScore | None = None
    # “Giá trị cao nhất trong khối: 12,5 Mbps/người” for a criterion scored across agencies.
    reference: str = ""

    # The three values of a criterion (self-assessed, appraised, final) and how the final one
    # was reached, read from the item already loaded (no query).
    @property
    def appraised_points(self) -> Decimal | None:
        return self.item.appraised_points if self.item is not None else None

    @property
    def appraised_not_applicable(self) -> bool:
        if self.item is None:
            return False
        if self.item.reviewer_not_applicable is not None:
            return self.item.reviewer_not_applicable
        return self.item.not_applicable

    @property
    def agreement(self) -> str:
        """How the final value was reached (“Chấp nhận giải trình”…); empty before agreement."""
        if self.item is None or not self.item.agreement:
            return ""
        return self.item.get_agreement_display()

    @property
    def agreed_by(self) -> str:
        """Who settled the final value (loaded with the item, no query)."""
        if self.item is None or self.item.agreed_by is None:
            return ""
        return self.item.agreed_by.get_full_name() or self.item.agreed_by.username

    @property
    def decision_reason(self) -> str:
        return self.item.agreement_reason if self.item is not None else ""


@dataclass
class AgencyResult:
    agency: Agency
    submission: object = None
    extension: Extension | None = None
    self_result: TableResult | None = None
    final_result: TableResult | None = None
    rows: list[CriterionRow] = field(default_factory=list)
    rank: int | None = None

    @property
    def is_final(self) -> bool:
        return self.submission is not None and self.submission.status == SubmissionStatus.FINALISED

    @property
    def evaluated_as(self) -> str:
        """The agency's name as of the period (lineage: a later rename does not change it)."""
        # The listed agency is loaded already: a dossier written without its name (bulk-made
        # data) costs no query for its agency.
        stored = self.submission.agency_name if self.submission is not None else ""
        return stored or self.agency.name

    @property
    def is_submitted(self) -> bool:
        return self.submission is not None and self.submission.submitted_at is not None

    @property
    def self_score(self):
        return self.submission.self_score if self.submission else None

    @property
    def final_score(self):
        return self.submission.final_score if self.is_final else None

    @property
    def final_grade(self) -> str:
        return self.submission.final_grade if self.is_final else ""

    @property
    def not_applicable_codes(self) -> list[str]:
        return [row.criterion.code for row in self.rows if row.not_applicable]

    @property
    def notes(self) -> str:
        """“Nộp muộn; gia hạn đến 04/11/2022; không áp dụng: III.5” — for the consolidated sheet."""
        parts = []
        if self.submission is None or not self.is_submitted:
            parts.append("Chưa nộp hồ sơ")
        elif self.submission.is_late:
            parts.append("Nộp muộn")
        if self.extension is not None:
            parts.append(f"Gia hạn đến {self.extension.new_deadline:%d/%m/%Y}")
        if self.not_applicable_codes:
            parts.append("Không áp dụng: " + ", ".join(self.not_applicable_codes))
        if self.submission is not None and self.is_submitted and not self.is_final:
            parts.append("Chưa chốt kết quả")
        return "; ".join(parts)

    def final_group_points(self) -> dict[str, Decimal]:
        """Official points per group code: stored when the dossier was finalised (no scoring,
        no items needed), else from the scoring library's subtotals, else empty."""
        stored = getattr(self.submission, "result", None) if self.submission else None
        if stored is not None and stored.group_points:
            return {code: Decimal(points) for code, points in stored.group_points.items()}
        if self.final_result is not None:
            return {code: group.points for code, group in self.final_result.groups.items()}
        return {}

    def group_rows(self) -> list[tuple[Criterion, Decimal | None, Decimal | None]]:
        """(group, self points, final points) per group, from the scoring library's subtotals."""
        rows = []
        for row in self.rows:
            if not row.criterion.is_group:
                continue
            code = row.criterion.code
            own = self.self_result.groups.get(code) if self.self_result else None
            final = self.final_result.groups.get(code) if self.final_result else None
            rows.append(
                (row.criterion, own.points if own else None, final.points if final else None)
            )
        return rows


@dataclass
class KindResults:
    kind: object
    table: object
    criteria: list[Criterion]
    agencies: list[AgencyResult]
    grade_labels: list[str] = field(default_factory=lambda: list(GRADES))

    @property
    def leaf_criteria(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.is_group]

    def walk(self, items: str = "all"):
        """The agencies (already loaded; `items` only matters to a streamed kind)."""
        return iter(self.agencies)

    def grade_counts(self) -> dict[str, int]:
        counts = Counter(result.final_grade for result in self.agencies if result.is_final)
        return {grade: counts.get(grade, 0) for grade in self.grade_labels}

    @property
    def final_count(self) -> int:
        return sum(1 for result in self.agencies if result.is_final)

    def ranked(self) -> list[AgencyResult]:
        """Finalised agencies, best first; ties share a rank (1, 2, 2, 4) and read by name."""
        final = sorted(
            (result for result in self.agencies if result.is_final),
            key=lambda result: (-result.final_score, result.agency.name),
        )
        previous_score, previous_rank = None, 0
        for position, result in enumerate(final, start=1):
            if result.final_score != previous_score:
                previous_rank, previous_score = position, result.final_score
            result.rank = previous_rank
        return final


@dataclass
class PeriodResults:
    period: Period
    kinds: list[KindResults]
    # Criterion id → ReferenceValue, for the criteria scored across agencies (none: no query).
    references: dict = field(default_factory=dict)

    def reference_lines(self) -> list[tuple[object, object, str]]:
        """(table, criterion, “Giá trị cao nhất trong khối: 12,5 Mbps/người”) of every criterion
        scored across agencies, in table order."""
        return [
            (kind.table, criterion, references.reference_text(criterion, self.references))
            for kind in self.kinds
            for criterion in kind.leaf_criteria
            if is_cross_agency(criterion.rule)
        ]

    def grade_counts(self) -> dict[str, int]:
        total = Counter()
        for kind in self.kinds:
            total.update(kind.grade_counts())
        return {grade: total.get(grade, 0) for grade in self.period.grade_labels}

    def walk_kinds(self):
        """(kind, an iterator of its AgencyResults) for every kind in order, as a streamed
        period gives them."""
        return ((kind, iter(kind.agencies)) for kind in self.kinds)

    @property
    def agencies(self) -> list[AgencyResult]:
        return [result for kind in self.kinds for result in kind.agencies]

    def for_agency(self, code: str) -> AgencyResult | None:
        return next((r for r in self.agencies if r.agency.code == code), None)

    @property
    def final_count(self) -> int:
        return sum(1 for result in self.agencies if result.is_final)


def reference_texts(criteria, refs) -> dict[int, str]:
    """Criterion id → its reference text (“Giá trị cao nhất trong khối: …”), the same for every
    agency: computed once, not once per agency and criterion. Empty without references."""
    if refs is None:
        return {}
    return {criterion.pk: references.reference_text(criterion, refs) for criterion in criteria}


def _rows(
    criteria, items_by_criterion, final_result, *, is_final=False, texts=None
) -> list[CriterionRow]:
    rows = []
    texts = texts or {}
    for criterion in criteria:
        item = items_by_criterion.get(criterion.pk)
        reference = texts.get(criterion.pk, "")
        if criterion.is_group or item is None:
            rows.append(CriterionRow(criterion=criterion, reference=reference))
            continue
        final_item = final_result.items.get(criterion.code) if final_result else None
        not_applicable = final_item.not_applicable if final_item else item.not_applicable
        if is_final and final_result is None:
            # Unscored, as the agreed result has it (scores.agreed_result): the agreed decision
            # where stored, else the reviewer's, else the agency's, and only where the table
            # allows it (scoring.table).
            if item.agreed_not_applicable is not None:
                not_applicable = item.agreed_not_applicable
            elif item.reviewer_not_applicable is not None:
                not_applicable = item.reviewer_not_applicable
            not_applicable = not_applicable and criterion.allow_not_applicable
        rows.append(
            CriterionRow(
                criterion=criterion,
                self_points=item.points,
                final_points=item.agreed_points if final_result or is_final else None,
                not_applicable=not_applicable,
                adjusted=item.is_adjusted or item.reviewer_not_applicable is not None,
                reason=item.reviewer_reason,
                item=item,
                reference=reference,
            )
        )
    return rows


class ListedItem:
    """An item as a list or a sheet reads it, from a row of values rather than a model instance
    (a national workbook reads 200,000 of them): points, not-applicable flags, the adjustment."""

    FIELDS = (
        "id",
        "submission_id",
        "criterion_id",
        "points",
        "not_applicable",
        "reviewer_not_applicable",
        "reviewer_points",
        "reviewer_reason",
        "agreed_points",
        "agreed_not_applicable",
        "prefill",  # documents mark answers taken from, or changed against, a prefilled fact
    )
    # Read only in periods with criteria scored across agencies: there the values themselves
    # tell an adjustment (ItemScore.is_adjusted); elsewhere they stay None and cost nothing.
    VALUE_FIELDS = ("inputs", "reviewer_inputs", "reviewer_override")
    __slots__ = ("criterion", *FIELDS, *VALUE_FIELDS)

    def __init__(self, values):
        (
            self.id,
            self.submission_id,
            self.criterion_id,
            self.points,
            self.not_applicable,
            self.reviewer_not_applicable,
            self.reviewer_points,
            self.reviewer_reason,
            self.agreed_points,
            self.agreed_not_applicable,
            self.prefill,
            *values_read,
        ) = values
        self.inputs, self.reviewer_inputs, self.reviewer_override = values_read or (None,) * 3

    appraised_points = ItemScore.appraised_points
    is_adjusted = ItemScore.is_adjusted


AGREEMENT_FIELDS = (
    "agreement",
    "agreement_reason",
    "agreed_by__username",
    "agreed_by__first_name",
    "agreed_by__last_name",
)
AGREEMENTS = dict(Agreement.choices)


class StreamedItem(
    namedtuple(
        "StreamedValues",
        [
            *ListedItem.FIELDS,
            *(field.replace("__", "_") for field in AGREEMENT_FIELDS),
            *ListedItem.VALUE_FIELDS,
        ],
    )
):
    """An item as a streamed walk reads it (the national workbook reads 200,000): the row of
    values itself, made a tuple of this class without a call per field, read as a ListedItem
    is, and telling how its final value was agreed and by whom (the workbook's adjustments)."""

    __slots__ = ()
    FIELDS = ListedItem.FIELDS + AGREEMENT_FIELDS
    VALUE_FIELDS = ListedItem.VALUE_FIELDS
    NO_VALUES = (None,) * len(VALUE_FIELDS)  # where the period reads none

    appraised_points = ItemScore.appraised_points
    is_adjusted = ItemScore.is_adjusted

    @property
    def agreed_by(self) -> User | None:
        """Who agreed, as an unsaved User with the names read (its full name reads as the
        model's)."""
        if self.agreed_by_username is None:
            return None
        return User(
            username=self.agreed_by_username,
            first_name=self.agreed_by_first_name,
            last_name=self.agreed_by_last_name,
        )

    def get_agreement_display(self) -> str:
        return str(AGREEMENTS.get(self.agreement, self.agreement))


# Which items a walk over the results needs: every one, only those someone marked not
# applicable (a list's notes), or only those the reviewer adjusted (the agreements sheet).
# A walk that needs no item at all (the stored group points) reads none: an empty `pk__in` is
# answered by Django without a query.
ALL_ITEMS, NOT_APPLICABLE_ITEMS, ADJUSTED_ITEMS = "all", "not_applicable", "adjusted"
PREFILLED_ITEMS, NO_ITEMS = "prefilled", "none"
ITEM_FILTERS = {
    ALL_ITEMS: Q(),
    NOT_APPLICABLE_ITEMS: Q(not_applicable=True)
    | Q(reviewer_not_applicable=True)
    | Q(agreed_not_applicable=True),
    ADJUSTED_ITEMS: Q(reviewer_not_applicable__isnull=False) | Q(reviewer_points__isnull=False),
    PREFILLED_ITEMS: ~Q(prefill=""),
    NO_ITEMS: Q(pk__in=[]),
}


def _agency_result(
    period, agency, submission, own_items, criteria, *, extension, scored, texts
) -> AgencyResult:
    """One agency's result from its dossier and items already read (no query); scored with the
    scoring library only when `scored`."""
    result = AgencyResult(agency=agency, submission=submission, extension=extension)
    if submission is None:
        result.rows = _rows(criteria, {}, None, texts=texts)
        return result
    submission.period = period
    items_by_criterion = {item.criterion_id: item for item in own_items}
    is_final = submission.status == SubmissionStatus.FINALISED
    if scored and submission.submitted_at is not None:
        result.self_result = scores.self_result(submission, criteria, own_items)
    if scored and is_final:
        result.final_result = scores.agreed_result(submission, criteria, own_items)
    if is_final:
        stored = getattr(submission, "result", None)
        result.rank = stored.rank if stored is not None else None
    result.rows = _rows(
        criteria, items_by_criterion, result.final_result, is_final=is_final, texts=texts
    )
    return result


def load_period_results(
    period: Period,
    *,
    only_final: bool = False,
    agencies=None,
    scored: bool = True,
    items: str = ALL_ITEMS,
) -> PeriodResults:
    """Everything about a period's results in seven queries, whatever the number of agencies.

    Every active agency appears (with no submission if it has none), plus inactive agencies that
    have a submission in the period. With `only_final`, only finalised submissions are listed
    (the public site). With `agencies` (a list or queryset, e.g. one page of a list), only those
    agencies are loaded, with only their items: a page never loads the whole period. Without
    `scored`, the scoring library is not run (no self_result / final_result: a list that shows
    the stored scores and the not-applicable criteria does not need them; a finalised dossier's
    rows then read the stored agreed values). Without scoring, `items` may leave out the items a
    walk does not need (NOT_APPLICABLE_ITEMS, ADJUSTED_ITEMS): their rows are then empty.
    """
    item_filter = ITEM_FILTERS[items] if not scored else Q()
    tables = list(period.tables.select_related("kind").order_by("kind__order"))
    criteria = list(
        Criterion.objects.filter(table__period=period)
        .select_related("parent")
        .order_by("table_id", "order")
    )
    criteria_by_id = {criterion.pk: criterion for criterion in criteria}
    # A period without criteria scored across agencies reads no reference (no query).
    refs = (
        references.references_for(period)
        if any(is_cross_agency(criterion.rule) for criterion in criteria)
        else None
    )
    submissions = period.submissions.select_related("result")
    if scored:
        # Scoring reads the table; pages read the agency's kind. An unscored walk shows the
        # agencies it was given and the period it was asked for.
        submissions = submissions.select_related("agency__kind", "table", "period")
    item_rows = (
        ItemScore.objects.filter(submission__period=period)
        .filter(item_filter)
        .select_related("agreed_by")
    )
    extensions = Extension.objects.filter(period=period)
    if agencies is not None:
        agencies = list(agencies)
        agency_ids = [agency.pk for agency in agencies]
        submissions = submissions.filter(agency_id__in=agency_ids)
        extensions = extensions.filter(agency_id__in=agency_ids)
    submissions = list(submissions.order_by("agency__order", "agency__name"))
    if agencies is not None:
        item_rows = item_rows.filter(
            submission_id__in=[submission.pk for submission in submissions]
        )
    if not scored and items != ADJUSTED_ITEMS:
        # A list reads only what a row shows (points, not-applicable, adjustment), not the inputs
        # (the agreements sheet also names who agreed and how: model instances there).
        fields = ListedItem.FIELDS + (ListedItem.VALUE_FIELDS if refs is not None else ())
        item_rows = map(
            ListedItem,
            item_rows.select_related(None).order_by("id").values_list(*fields),
        )
    else:
        item_rows = item_rows.order_by("id")
    items_by_submission: dict[int, list[ItemScore]] = {}
    for item in item_rows:
        # Share the criterion objects already loaded instead of joining them again.
        item.criterion = criteria_by_id[item.criterion_id]
        items_by_submission.setdefault(item.submission_id, []).append(item)
    extensions = {ext.agency_id: ext for ext in extensions}
    by_agency = {submission.agency_id: submission for submission in submissions}
    if only_final:
        finalised = [s.agency for s in submissions if s.status == SubmissionStatus.FINALISED]
        if agencies is not None:
            agencies = [agency for agency in agencies if agency.pk in {a.pk for a in finalised}]
        else:
            agencies = finalised
    elif agencies is None:
        agencies = list(
            Agency.objects.filter(Q(is_active=True) | Q(submissions__period=period))
            .select_related("kind")
            .distinct()
            .order_by("kind__order", "order", "name")
        )
    texts = reference_texts(criteria, refs)
    kinds = []
    for table in tables:
        table_criteria = [c for c in criteria if c.table_id == table.pk]
        results = []
        for agency in agencies:
            if agency.kind_id != table.kind_id:
                continue
            submission = by_agency.get(agency.pk)
            own_items = items_by_submission.get(submission.pk, []) if submission else []
            result = _agency_result(
                period,
                agency,
                submission,
                own_items,
                table_criteria,
                extension=extensions.get(agency.pk),
                scored=scored,
                texts=texts,
            )
            results.append(result)
        kinds.append(
            KindResults(
                kind=table.kind,
                table=table,
                criteria=table_criteria,
                agencies=results,
                grade_labels=period.grade_labels,
            )
        )
    return PeriodResults(period=period, kinds=kinds, references=refs or {})


def listed_agencies(period: Period):
    """Every agency a period's results list: the active ones and inactive ones with a dossier
    in the period (as `load_period_results` lists them)."""
    return Agency.objects.filter(
        Q(is_active=True) | Q(pk__in=Submission.objects.filter(period=period).values("agency_id"))
    )


class _PeriodExtensions:
    """The period's deadline extensions, read once (one query, at the first walk) for every
    kind of a streamed period: a period grants few."""

    def __init__(self, period: Period):
        self.period = period
        self._by_agency = None

    def get(self, agency_id):
        if self._by_agency is None:
            self._by_agency = {
                extension.agency_id: extension
                for extension in Extension.objects.filter(period=self.period)
            }
        return self._by_agency.get(agency_id)


def _streamed_results(period, kinds, *, chunk, extensions, items=ALL_ITEMS):
    """(kind, AgencyResult) of every agency listed under `kinds` (StreamedKinds of `period`), in
    the kinds' order, then list order (unscored: stored scores, agreed values), with only the
    items `items` names; every item also tells how it was agreed (StreamedItem). One query for
    the agencies, then two per `chunk` of them: the dossiers with their stored results, and the
    items as rows of values. Rows leave `reference` empty: an export lists the
    references once (reference_lines)."""
    by_kind = {kind.table.kind_id: kind for kind in kinds}
    fields, no_values = StreamedItem.FIELDS, StreamedItem.NO_VALUES
    if any(is_cross_agency(criterion.rule) for kind in kinds for criterion in kind.criteria):
        # An adjustment told by the values (ItemScore.is_adjusted).
        fields, no_values = fields + StreamedItem.VALUE_FIELDS, ()
    # The agencies' fields as rows of values, in one query (a few hundred bytes an agency, a few
    # MB for 10,000; a server-side cursor would cost round trips of its own): model objects are
    # made a chunk at a time.
    names = [field.attname for field in Agency._meta.concrete_fields]
    listed = (
        listed_agencies(period)
        .filter(kind_id__in=list(by_kind))
        .annotate(
            kind_position=Case(
                *(When(kind_id=kind_id, then=position) for position, kind_id in enumerate(by_kind))
            )
        )
        .order_by("kind_position", "order", "name", "pk")
        .values_list(*names)
    )
    database = listed.db
    listed = list(listed)
    new = tuple.__new__
    for start in range(0, len(listed), chunk):
        page = [Agency.from_db(database, names, row) for row in listed[start : start + chunk]]
        submissions = {
            submission.agency_id: submission
            for submission in period.submissions.filter(
                agency_id__in=[agency.pk for agency in page]
            )
            .select_related("result")
            .order_by()
        }
        own_items: dict[int, list[StreamedItem]] = {}
        # An empty `in` is answered by Django without a query.
        rows = (
            ItemScore.objects.filter(
                ITEM_FILTERS[items],
                submission_id__in=[submission.pk for submission in submissions.values()],
            )
            .order_by()
            .values_list(*fields)
        )
        for row in rows:
            item = new(StreamedItem, row + no_values)
            own_items.setdefault(item.submission_id, []).append(item)
        for agency in page:
            kind = by_kind[agency.kind_id]
            agency.kind = kind.kind  # the kind walked (no join for it)
            submission = submissions.get(agency.pk)
            yield (
                kind,
                _agency_result(
                    period,
                    agency,
                    submission,
                    own_items.get(submission.pk, []) if submission else [],
                    kind.criteria,
                    extension=extensions.get(agency.pk),
                    scored=False,
                    texts=None,
                ),
            )


@dataclass
class StreamedKind:
    """One kind of a streamed period: the same attributes as KindResults, but its agencies are
    read `chunk` at a time, again on every walk, so memory does not grow with their number."""

    period: Period
    kind: object
    table: object
    criteria: list[Criterion]
    counts: dict[str, int]
    chunk: int
    extensions: _PeriodExtensions | None = None
    final_count: int = 0

    @property
    def leaf_criteria(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.is_group]

    def grade_counts(self) -> dict[str, int]:
        return self.counts

    def walk(self, items: str = ALL_ITEMS):
        """The kind's AgencyResults in list order (see `_streamed_results`)."""
        for _kind, result in _streamed_results(
            self.period,
            [self],
            chunk=self.chunk,
            extensions=self.extensions or _PeriodExtensions(self.period),
            items=items,
        ):
            yield result

    @property
    def agencies(self):
        return self.walk()

    def ranked(self):
        """Finalised dossiers best first by their stored rank (ties by name), read from SQL a
        chunk at a time; each has the agency, scores and grade a ranking row shows."""
        return ranking(self.period, self.table).iterator(chunk_size=2000)


@dataclass
class StreamedResults:
    """A whole period for the exports, streamed kind by kind (see StreamedKind); counts come
    from SQL."""

    period: Period
    kinds: list[StreamedKind]
    summary: "PeriodSummary"
    chunk: int = 500
    extensions: _PeriodExtensions | None = None

    def walk_kinds(self):
        """(kind, an iterator of its AgencyResults) for every kind in order, the agencies of all
        kinds read together (see `_streamed_results`: the same queries as one kind's walk). A
        kind's results are read while its iterator is walked, before the next kind's."""
        stream = _streamed_results(
            self.period,
            self.kinds,
            chunk=self.chunk,
            extensions=self.extensions or _PeriodExtensions(self.period),
        )
        upcoming = next(stream, None)

        def agencies(kind):
            nonlocal upcoming
            while upcoming is not None and upcoming[0] is kind:
                yield upcoming[1]
                upcoming = next(stream, None)

        for kind in self.kinds:
            yield kind, agencies(kind)
            # What a caller left of the kind unwalked is skipped.
            while upcoming is not None and upcoming[0] is kind:
                upcoming = next(stream, None)

    def grade_counts(self) -> dict[str, int]:
        return self.summary.grade_counts()

    def reference_lines(self) -> list[tuple[object, object, str]]:
        """As PeriodResults.reference_lines; the references are read (one query) only when the
        period has a criterion scored across agencies."""
        lines = [
            (kind.table, criterion)
            for kind in self.kinds
            for criterion in kind.leaf_criteria
            if is_cross_agency(criterion.rule)
        ]
        if not lines:
            return []
        refs = references.references_for(self.period)
        return [
            (table, criterion, references.reference_text(criterion, refs))
            for table, criterion in lines
        ]

    @property
    def final_count(self) -> int:
        return self.summary.final_count


def stream_period_results(period: Period, *, chunk: int = 500) -> StreamedResults:
    """The period's results for an export that walks every agency: one query per kind and walk
    and two per `chunk` agencies, memory bounded by the chunk."""
    summary = period_summary(period)
    extensions = _PeriodExtensions(period)
    criteria: dict[int, list[Criterion]] = {}
    for criterion in (
        Criterion.objects.filter(table__period=period).select_related("parent").order_by("order")
    ):
        criteria.setdefault(criterion.table_id, []).append(criterion)
    kinds = [
        StreamedKind(
            period=period,
            kind=line.kind,
            table=line.table,
            criteria=criteria.get(line.table.pk, []),
            counts=line.counts,
            chunk=chunk,
            extensions=extensions,
            final_count=line.final_count,
        )
        for line in summary.kinds
    ]
    return StreamedResults(
        period=period, kinds=kinds, summary=summary, chunk=chunk, extensions=extensions
    )


def agency_results(period: Period, agency_code: str, *, only_final: bool = False):
    """(kind results, agency result) of one agency, loading only its own items; None when the
    agency has no place in the period."""
    agency = (
        Agency.objects.filter(code=agency_code)
        .filter(Q(is_active=True) | Q(submissions__period=period))
        .select_related("kind")
        .first()
    )
    if agency is None:
        return None
    results = load_period_results(period, only_final=only_final, agencies=[agency])
    for kind in results.kinds:
        for result in kind.agencies:
            return kind, result
    return None


# --- stored results ----------------------------------------------------------------------------
# A finalised result does not change until it is reopened, so the pages read its rank and group
# points from SubmissionResult instead of re-scoring the period. Written here only, from
# workflow.finalise / reopen / change_period_status.


def _ranked_submissions(period_id, table_id):
    """(submission id, final score) of a table's finalised dossiers, best first; the agency must
    still be of the table's kind (as on the result pages)."""
    return (
        Submission.objects.filter(
            period_id=period_id,
            table_id=table_id,
            status=SubmissionStatus.FINALISED,
            agency__kind_id=F("table__kind_id"),
        )
        .order_by("-final_score")
        .values_list("pk", "final_score")
    )


def rank_table(period_id: int, table_id: int) -> int:
    """Store the rank within the kind of every finalised dossier of one table (ties share a rank:
    1, 2, 2, 4) in a fixed number of queries; returns how many ranks changed."""
    ranks, previous_score, previous_rank = {}, None, 0
    for position, (pk, score) in enumerate(_ranked_submissions(period_id, table_id), start=1):
        if score != previous_score:
            previous_rank, previous_score = position, score
        ranks[pk] = previous_rank
    stored = {
        row.pk: row
        for row in SubmissionResult.objects.filter(
            submission__period_id=period_id, submission__table_id=table_id
        ).only("pk", "rank")
    }
    changed = []
    for pk, rank in ranks.items():
        row = stored.get(pk)
        if row is not None and row.rank != rank:
            row.rank = rank
            changed.append(row)
    for pk, row in stored.items():
        if pk not in ranks and row.rank is not None:
            row.rank = None
            changed.append(row)
    SubmissionResult.objects.bulk_update(changed, ["rank"], batch_size=1000)
    return len(changed)


def _group_points(result: TableResult) -> dict:
    return {code: str(group.points) for code, group in result.groups.items()}


def store_result(submission, final_result: TableResult) -> None:
    """Keep a just-finalised dossier's group points and re-rank its kind."""
    SubmissionResult.objects.update_or_create(
        submission=submission, defaults={"group_points": _group_points(final_result)}
    )
    rank_table(submission.period_id, submission.table_id)


def forget_result(submission) -> None:
    """A reopened dossier has no result until finalised again; its kind is re-ranked."""
    SubmissionResult.objects.filter(submission=submission).delete()
    rank_table(submission.period_id, submission.table_id)


def store_period_results(period: Period, *, chunk: int = 500) -> int:
    """Store what is missing for every finalised dossier of the period (group points, by chunks of
    dossiers so memory stays bounded) and re-rank every table. Idempotent; returns how many
    results were added."""
    added = 0
    missing = list(
        period.submissions.filter(status=SubmissionStatus.FINALISED, result__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    tables = {table.pk: table for table in period.tables.all()}
    criteria = {}
    for criterion in Criterion.objects.filter(table__period=period).select_related("parent"):
        criteria.setdefault(criterion.table_id, []).append(criterion)
    for rows in criteria.values():
        rows.sort(key=lambda criterion: criterion.order)
    for start in range(0, len(missing), chunk):
        ids = missing[start : start + chunk]
        submissions = list(Submission.objects.filter(pk__in=ids))
        items: dict[int, list[ItemScore]] = {}
        by_id = {c.pk: c for rows in criteria.values() for c in rows}
        for item in ItemScore.objects.filter(submission_id__in=ids):
            item.criterion = by_id[item.criterion_id]
            items.setdefault(item.submission_id, []).append(item)
        stored = []
        for submission in submissions:
            submission.period = period
            submission.table = tables[submission.table_id]
            final = scores.agreed_result(
                submission, criteria.get(submission.table_id, []), items.get(submission.pk, [])
            )
            stored.append(
                SubmissionResult(submission=submission, group_points=_group_points(final))
            )
        SubmissionResult.objects.bulk_create(stored, batch_size=1000)
        added += len(stored)
    for table_id in tables:
        rank_table(period.pk, table_id)
    return added


def previous_period(period: Period) -> Period | None:
    """The latest official period of the same program before this one whose results are final
    (a 2025 index on 100 points is not compared with the 2022 evaluation on 3)."""
    return (
        Period.objects.filter(
            program_id=period.program_id,
            is_practice=False,
            year__lt=period.year,
            status__in=FINAL_PERIOD_STATUSES,
        )
        .order_by("-year")
        .first()
    )


# --- aggregates and pages, from SQL --------------------------------------------------------------

TWO_PLACES = Decimal("0.01")
# Room for a period's sum of scores (a single score has max_digits=4).
SUM_FIELD = DecimalField(max_digits=20, decimal_places=2)


def average(total, count) -> Decimal | None:
    """Mean of stored points, rounded half up to two places (as everywhere in the reports)."""
    if not count:
        return None
    return (Decimal(total).quantize(TWO_PLACES) / count).quantize(TWO_PLACES, ROUND_HALF_UP)


def final_submissions(period: Period):
    """The period's finalised dossiers as the result pages list them: the agency still of the
    table's kind."""
    return Submission.objects.filter(
        period=period, status=SubmissionStatus.FINALISED, agency__kind_id=F("table__kind_id")
    )


@dataclass
class KindSummary:
    """One kind's line of the results: grade counts, how many are final, their mean score."""

    kind: object
    table: object
    counts: dict[str, int]
    final_count: int
    score_sum: Decimal

    @property
    def average(self) -> Decimal | None:
        return average(self.score_sum, self.final_count)

    def grade_counts(self) -> dict[str, int]:
        return self.counts


@dataclass
class PeriodSummary:
    period: Period
    kinds: list[KindSummary]

    def grade_counts(self) -> dict[str, int]:
        return {
            grade: sum(kind.counts[grade] for kind in self.kinds)
            for grade in self.period.grade_labels
        }

    @property
    def final_count(self) -> int:
        return sum(kind.final_count for kind in self.kinds)

    @property
    def average(self) -> Decimal | None:
        return average(sum((kind.score_sum for kind in self.kinds), Decimal(0)), self.final_count)


def period_summary(period: Period) -> PeriodSummary:
    """Grade counts, final counts and mean final score per kind, in two queries whatever the
    number of agencies."""
    tables = list(period.tables.select_related("kind").order_by("kind__order"))
    grade_counts = {
        f"grade_{index}": Count("pk", filter=Q(final_grade=grade))
        for index, grade in enumerate(period.grade_labels)
    }
    rows = {
        row["table_id"]: row
        for row in final_submissions(period)
        .values("table_id")
        .annotate(
            final_count=Count("pk"),
            score_sum=Sum("final_score", output_field=SUM_FIELD),
            **grade_counts,
        )
        .order_by()
    }
    kinds = []
    for table in tables:
        row = rows.get(table.pk, {})
        count = row.get("final_count", 0)
        kinds.append(
            KindSummary(
                kind=table.kind,
                table=table,
                counts={
                    grade: row.get(f"grade_{i}", 0) for i, grade in enumerate(period.grade_labels)
                },
                final_count=count,
                score_sum=Decimal(row.get("score_sum") or 0).quantize(TWO_PLACES),
            )
        )
    return PeriodSummary(period=period, kinds=kinds)


RANKING_ORDER = ("result__rank", "agency__name", "pk")


def ranking_heads(period: Period, *, size: int, query: str = "", grade: str = "") -> dict:
    """The first `size` rows of every kind's ranking in one query: {table id: [submissions]}."""
    position = Window(
        RowNumber(),
        partition_by=[F("table_id")],
        order_by=[F(name).asc() for name in RANKING_ORDER],
    )
    rows = ranking(period, None, query=query, grade=grade)
    if not query and not grade:
        # Unfiltered, a row among a kind's first `size` has a rank of at most `size` (ties share
        # the better rank): the index on rank keeps the window to those rows.
        rows = rows.filter(result__rank__lte=size)
    rows = (
        rows.annotate(position=position)
        .filter(position__lte=size)
        .order_by("table_id", *RANKING_ORDER)
    )
    heads: dict[int, list] = {}
    for row in rows:
        heads.setdefault(row.table_id, []).append(row)
    return heads


def ranking(period: Period, table, *, query: str = "", grade: str = ""):
    """A kind's finalised dossiers (every kind's, without `table`) best first by their stored rank
    (ties by name), with `rank`; filtering by name or grade keeps each agency's rank within the
    whole kind."""
    rows = final_submissions(period)
    if table is not None:
        rows = rows.filter(table=table)
    rows = rows.select_related("agency").annotate(rank=F("result__rank")).order_by(*RANKING_ORDER)
    if query:
        # The name as of the period too: an old ranking is searched by the name it shows.
        rows = rows.filter(
            Q(agency_name__icontains=query)
            | Q(agency__name__icontains=query)
            | Q(agency__short_name__icontains=query)
        )
    if grade and grade in period.grade_labels:
        rows = rows.filter(final_grade=grade)
    return rows
