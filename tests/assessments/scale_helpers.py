"""Many finalised dossiers, cheaply: bulk inserts with points from the domain's own scoring (the
same recipe as bench/scale.py, small). For tests that compare 3 agencies with 300."""

import datetime as dt
import random

from django.utils import timezone

from assessments import results, scores
from assessments.demo import _demo_inputs
from assessments.enums import Role, SubmissionStatus
from assessments.models import Agency, ItemScore, Submission, User


def bulk_finalised(period, count: int, *, reviewer, lead) -> list[Submission]:
    """`count` new agencies over the period's kinds, each with an officer and a finalised dossier
    answering every criterion (varied inputs, so scores differ and some tie); results stored."""
    rng = random.Random(f"tests:{count}")  # deterministic test data, not security
    tables = list(period.tables.select_related("kind").order_by("kind__order"))
    criteria = {table.pk: scores.table_criteria(table) for table in tables}
    agencies = Agency.objects.bulk_create(
        Agency(
            code=f"nhieu-{n:04d}",
            name=f"Đơn vị số {n:04d}",
            kind=tables[n % len(tables)].kind,
            order=500 + n,
        )
        for n in range(count)
    )
    User.objects.bulk_create(
        User(username=f"canbo-nhieu-{n:04d}", role=Role.OFFICER, agency=agency, is_active=True)
        for n, agency in enumerate(agencies)
    )
    submissions, all_items = [], []
    for n, agency in enumerate(agencies):
        table = tables[n % len(tables)]
        quality = rng.uniform(0.35, 1.0)
        submission = Submission(
            period=period,
            agency=agency,
            agency_name=agency.name,
            table=table,
            status=SubmissionStatus.FINALISED,
            reviewer=reviewer,
            submitted_at=timezone.now() - dt.timedelta(days=1),
            is_late=n % 7 == 0,
            finalised_at=timezone.now(),
            finalised_by=lead,
            final_thresholds=period.band_set.as_list(),
        )
        items = []
        for criterion in criteria[table.pk]:
            if criterion.is_group:
                continue
            inputs = _demo_inputs(criterion, rng, quality)
            item = ItemScore(
                criterion=criterion, inputs=inputs, points=scores.item_points(criterion, inputs)
            )
            if criterion.allow_not_applicable and n % 11 == 0:
                item.reviewer_not_applicable = True
            item.agreed_points = item.points
            items.append(item)
        own = scores.self_result(submission, criteria[table.pk], items)
        final = scores.agreed_result(submission, criteria[table.pk], items)
        submission.self_score, submission.self_grade = own.score, own.grade.value
        submission.final_score, submission.final_grade = final.score, final.grade.value
        submissions.append(submission)
        all_items.append(items)
    Submission.objects.bulk_create(submissions)
    for submission, items in zip(submissions, all_items, strict=True):
        for item in items:
            item.submission = submission
    ItemScore.objects.bulk_create([item for items in all_items for item in items])
    results.store_period_results(period)
    return submissions
