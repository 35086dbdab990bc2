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
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    reviewer = make_user("bench-reviewer", role=Role.REVIEWER, agency=department)
    lead = make_user("bench-lead", role=Role.LEAD, agency=department)

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
    # Finalise every dossier, publish, then time what the lead and the public wait for.
    from assessments.enums import PeriodStatus
    from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
    from assessments.exports.official_report import OfficialReportPdf
    from assessments.results import load_period_results

    for submission in submissions:
        actor = lead if submission.agency_id == reviewer.agency_id else reviewer
        submission = workflow.start_review(submission, actor=actor)
        submission = workflow.accept(submission, actor=actor)
        workflow.finalise(submission, actor=lead)
    workflow.change_period_status(period, "close_self_assessment", actor=lead)
    workflow.change_period_status(period, "finalise_period", actor=lead)
    workflow.change_period_status(period, "publish_period", actor=lead)
    period.refresh_from_db()
    assert period.status == PeriodStatus.PUBLISHED
    timed(
        "ConsolidatedXlsx.render, 39 agencies",
        lambda: ConsolidatedXlsx(load_period_results(period)).render(),
        3,
    )
    timed(
        "OfficialReportPdf.render (draft), 39 agencies",
        lambda: OfficialReportPdf(load_period_results(period)).render(),
        3,
    )
    anonymous = Client()
    for label, url in {
        "public: results of the year": reverse("public:period_results", args=[period.year]),
        "public: one agency's scorecard": reverse(
            "public:scorecard", args=[period.year, largest.agency.code]
        ),
        "public: open data CSV": reverse("public:open_data_csv", args=[period.year]),
    }.items():
        assert anonymous.get(url).status_code == 200, label
        timed(f"GET {label}", lambda url=url: anonymous.get(url))
    timed(
        "GET lead: statistics dashboard",
        lambda: lead_client.get(reverse("assessments:statistics", args=[period.code])),
    )

    total = sum((s.self_score for s in submissions), Decimal("0"))
    print(
        f"(sanity) mean self score of {len(submissions)} dossiers: {total / len(submissions):.2f}"
    )


if __name__ == "__main__":
    main()
