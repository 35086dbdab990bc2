"""Time what people wait for: scoring, whole-dossier results, PDF rendering, key pages.

Builds its own data in a test database (created and destroyed here), so it never touches the
development database. Prints a table of median timings; asserts nothing.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")


def timed(label, func, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(f"{label:<62} {median * 1000:9.1f} ms  (median of {repeat})")
    return median


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        run_benchmarks(connection)
    finally:
        runner.teardown_databases(old_config)


def run_benchmarks(connection):
    from django.test import Client

    from assessments import scores, workflow
    from assessments.criteria_io import load_reference_agencies
    from assessments.enums import Role
    from assessments.exports.self_assessment import SelfAssessmentPdf
    from assessments.models import Agency
    from assessments.services import get_or_create_submission
    from scoring import ItemInput, score_table
    from tests.factories import PASSWORD, fill_submission, make_period, make_user

    load_reference_agencies()
    period = make_period()
    agencies = list(Agency.objects.all())
    officers = {}
    for agency in agencies:
        officers[agency.pk] = make_user(f"bench-{agency.code}", agency=agency)
    make_user("bench-reviewer", role=Role.REVIEWER, agency=Agency.objects.get(code="so-tai-chinh"))
    lead = make_user("bench-lead", role=Role.LEAD, agency=agencies[0])

    start = time.perf_counter()
    submissions = []
    for agency in agencies:
        submission = fill_submission(get_or_create_submission(agency, period))
        submissions.append(workflow.submit(submission, actor=officers[agency.pk]))
    print(
        f"{'create, fill and submit ' + str(len(agencies)) + ' dossiers':<62} "
        f"{(time.perf_counter() - start) * 1000:9.1f} ms"
    )

    largest = next(s for s in submissions if s.table.label == "Phụ lục 3")
    criteria = scores.table_criteria(largest.table)
    items = list(largest.items.select_related("criterion__parent").prefetch_related("evidence"))
    specs = largest.table.specs(criteria)
    inputs = {item.criterion.code: ItemInput(inputs=item.inputs) for item in items}

    def score_1000():
        for _ in range(1000):
            score_table(specs, inputs, thresholds=period.thresholds)

    timed("scoring.score_table, Phụ lục 3 (30 rows) × 1000", score_1000)
    timed(
        "scores.self_result from the database, Phụ lục 3",
        lambda: scores.self_result(
            largest,
            scores.table_criteria(largest.table),
            list(largest.items.select_related("criterion__parent").prefetch_related("evidence")),
        ),
    )
    timed("SelfAssessmentPdf.render, Phụ lục 3", lambda: SelfAssessmentPdf(largest).render(), 3)

    client = Client()
    client.login(username=officers[largest.agency_id].username, password=PASSWORD)
    from django.urls import reverse

    pages = {
        "officer: submission page (Phụ lục 3)": (
            client,
            reverse("assessments:submission_form", args=[largest.pk]),
        ),
    }
    lead_client = Client()
    lead_client.login(username=lead.username, password=PASSWORD)
    pages["lead: review queue, 39 agencies"] = (
        lead_client,
        reverse("assessments:review_queue", args=[period.code]),
    )
    pages["lead: appraisal page (Phụ lục 3)"] = (
        lead_client,
        reverse("assessments:appraisal", args=[largest.pk]),
    )
    for label, (who, url) in pages.items():
        response = who.get(url)
        assert response.status_code == 200, (label, response.status_code)
        timed(f"GET {label}", lambda who=who, url=url: who.get(url))
    total = sum((s.self_score for s in submissions), Decimal("0"))
    print(
        f"(sanity) mean self score of {len(submissions)} dossiers: {total / len(submissions):.2f}"
    )


if __name__ == "__main__":
    main()
