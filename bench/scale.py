"""The national data set and what each page and export costs on it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_scale .venv/bin/python bench/scale.py
    ... bench/scale.py --agencies 50          # province scale (same database name is up to you)
    ... bench/scale.py --build-only           # build (or top up) the data set and stop

Builds into the database DATABASE_URL names (migrated and seeded first if empty) and leaves the data
there so the same pages can be opened in a browser (log in as `lanhdao`, demo password). Agencies
beyond the 39 of the reference list are named `thu-tai-NNNNN`; each gets an officer, a submitted,
appraised, finalised dossier in the published 2022 period with every item answered, scored through
the domain's own scoring (`assessments.scores`), inserted in bulk. A second run reuses what exists
and only adds the missing agencies.

Then it prints, for each page and export: server time (median), SQL queries, bytes and peak
Python memory (tracemalloc), and the bare-library baselines (openpyxl write-only with the same
cells, WeasyPrint with the same rows) measured in the same run. Figures are printed, not asserted.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

BENCH_PREFIX = "thu-tai-"
BATCH = 2000


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    from assessments.models import Agency

    call_command("migrate", verbosity=0, interactive=False)
    if not Agency.objects.exists():
        print("Empty database: loading reference data and the demo 2022 results…", flush=True)
        call_command("seed_demo", force=True, verbosity=0)


def build(target: int) -> None:
    """Top the 2022 period up to `target` agencies with finalised dossiers (bulk inserts)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments import results, scores
    from assessments.demo import _demo_inputs
    from assessments.enums import Role, SubmissionStatus
    from assessments.models import Agency, AgencyKind, ItemScore, Period, Submission, User
    from scoring import label_of

    period = Period.objects.get(code="2022")
    lead = User.objects.get(username="lanhdao")
    reviewer = User.objects.get(username="thamdinh")
    existing = Agency.objects.count()
    missing = target - existing
    if missing <= 0:
        print(f"{existing} agencies already there (target {target}): nothing to build.")
        return
    started = time.perf_counter()
    tables = {table.kind_id: table for table in period.tables.select_related("kind")}
    kinds = list(AgencyKind.objects.filter(pk__in=tables).order_by("order"))
    criteria = {kind_id: scores.table_criteria(table) for kind_id, table in tables.items()}
    # Roughly the national mix: many public service units, fewer departments and districts.
    weights = [1, 6, 2, 1][: len(kinds)]
    rng = random.Random(f"scale:{target}")  # deterministic test data, not security
    first = Agency.objects.filter(code__startswith=BENCH_PREFIX).count() + 1
    bands = period.band_set.as_list()
    deadline = period.self_assessment_deadline
    now = timezone.now()
    unusable = make_password(None)
    with transaction.atomic():
        for start in range(first, first + missing, BATCH):
            numbers = range(start, min(first + missing, start + BATCH))
            agencies = Agency.objects.bulk_create(
                Agency(
                    code=f"{BENCH_PREFIX}{n:05d}",
                    name=f"Đơn vị thử tải số {n:05d}",
                    short_name=f"TT{n:05d}",
                    kind=rng.choices(kinds, weights)[0],
                    email=f"thu-tai-{n:05d}@example.invalid",
                    order=1000 + n % 30000,
                )
                for n in numbers
            )
            User.objects.bulk_create(
                User(
                    username=f"canbo-{agency.code}",
                    password=unusable,  # nobody logs in as a generated officer
                    role=Role.OFFICER,
                    agency=agency,
                    first_name="Cán bộ",
                    last_name=agency.short_name,
                    email=agency.email,
                )
                for agency in agencies
            )
            submissions, all_items = [], []
            for agency in agencies:
                table = tables[agency.kind_id]
                quality = rng.uniform(0.35, 1.0)
                submitted = dt.datetime.combine(
                    deadline - dt.timedelta(days=rng.randint(-2, 12)), dt.time(9), dt.UTC
                )
                submission = Submission(
                    period=period,
                    agency=agency,
                    agency_name=agency.name,
                    table=table,
                    status=SubmissionStatus.FINALISED,
                    reviewer=reviewer,
                    submitted_at=submitted,
                    is_late=submitted.date() > deadline,
                    finalised_at=now,
                    finalised_by=lead,
                    final_thresholds=bands,
                )
                items = []
                for criterion in criteria[agency.kind_id]:
                    if criterion.is_group:
                        continue
                    if criterion.allow_not_applicable and rng.random() < 0.06:
                        item = ItemScore(
                            criterion=criterion,
                            inputs={},
                            not_applicable=True,
                            not_applicable_reason="Đơn vị không có thủ tục thuộc tiêu chí này.",
                        )
                    else:
                        inputs = _demo_inputs(criterion, rng, quality)
                        item = ItemScore(
                            criterion=criterion,
                            inputs=inputs,
                            points=scores.item_points(criterion, inputs),
                            explanation="Số liệu theo báo cáo năm 2022 của đơn vị.",
                        )
                    item.agreed_points = item.points
                    items.append(item)
                own = scores.self_result(submission, criteria[agency.kind_id], items)
                final = scores.agreed_result(submission, criteria[agency.kind_id], items)
                submission.self_score, submission.self_grade = own.score, label_of(own.grade)
                submission.final_score, submission.final_grade = final.score, label_of(final.grade)
                submissions.append(submission)
                all_items.append(items)
            Submission.objects.bulk_create(submissions)
            rows = []
            for submission, items in zip(submissions, all_items, strict=True):
                for item in items:
                    item.submission = submission
                    rows.append(item)
            ItemScore.objects.bulk_create(rows, batch_size=BATCH)
            print(f"  … {numbers[-1]} agencies inserted", flush=True)
        added = results.store_period_results(period)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, stale after bulk inserts
    print(
        f"Built {missing} agencies with finalised dossiers ({added} stored results) "
        f"in {time.perf_counter() - started:.0f} s; "
        f"{ItemScore.objects.filter(submission__period=period).count()} item rows in 2022."
    )


# --- measuring ---------------------------------------------------------------------------------


class Measure:
    def __init__(self, repeat: int):
        self.repeat = repeat
        self.rows = []
        self.baseline = None  # the trivial page's median: every time is also shown as a multiple

    def __call__(self, label, func, *, repeat=None, memory=True):
        from django.db import connection, reset_queries

        repeat = repeat or self.repeat
        func()  # warm
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            func()
            samples.append(time.perf_counter() - start)
        reset_queries()
        peak = None
        if memory:
            tracemalloc.start()
        size = func()
        if memory:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        queries = len(connection.queries)
        row = (label, statistics.median(samples), queries, size, peak)
        self.rows.append(row)
        if self.baseline is None:
            self.baseline = row[1]
        print(_format(row, self.baseline), flush=True)
        return row


def _format(row, baseline) -> str:
    label, seconds, queries, size, peak = row
    size_text = f"{size / 1024:,.0f} kB" if size is not None else ""
    peak_text = f"{peak / 1024 / 1024:,.1f} MB" if peak is not None else ""
    return (
        f"| {label} | {seconds * 1000:,.1f} ms | {seconds / baseline:,.1f}× | {queries} "
        f"| {size_text} | {peak_text} |"
    )


def _body_size(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(args) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from assessments import workflow
    from assessments.enums import PeriodStatus
    from assessments.models import Agency, Notification, Period, Submission, User

    settings.DEBUG = True  # connection.queries
    settings.ALLOWED_HOSTS = ["*"]
    period = Period.objects.get(code="2022")
    agencies = Agency.objects.count()
    items = Submission.objects.filter(period=period).values("items").count()
    print(f"\n{agencies} agencies, {items} item rows in {period.code}; medians of {args.repeat}.")
    print("| what | time (median) | × trivial page | queries | bytes | peak Python memory |")
    print("|---|---|---|---|---|---|")
    measure = Measure(args.repeat)
    lead = User.objects.get(username="lanhdao")
    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="quantri")
    staff = Client()
    staff.force_login(lead)
    admin_client = Client()
    admin_client.force_login(admin)
    anonymous = Client()
    sample = (
        Submission.objects.filter(period=period, agency__code__startswith=BENCH_PREFIX)
        .order_by("-pk")
        .select_related("agency")
        .first()
        or Submission.objects.filter(period=period).select_related("agency").first()
    )

    def get(client, url, expected=200):
        def run():
            response = client.get(url)
            assert response.status_code == expected, (url, response.status_code)
            return _body_size(response)

        return run

    pages = [
        ("trivial page (login form, anonymous)", anonymous, "/dang-nhap/"),
        ("reviewer queue", staff, reverse("assessments:review_queue", args=[period.code])),
        ("lead's reports page", staff, reverse("assessments:period_reports", args=[period.code])),
        ("statistics dashboard", staff, reverse("assessments:statistics", args=[period.code])),
        ("public results (ranking per kind)", anonymous, f"/ket-qua/{period.year}/"),
        (
            "public results, one kind, page 3",
            anonymous,
            f"/ket-qua/{period.year}/?loai={sample.agency.kind.code}&trang=3",
        ),
        ("one public scorecard", anonymous, f"/ket-qua/{period.year}/{sample.agency.code}/"),
        ("accounts (admin)", admin_client, reverse("assessments:admin_accounts")),
        ("agencies (admin)", admin_client, reverse("assessments:admin_agencies")),
        ("open data CSV", anonymous, f"/ket-qua/{period.year}/ket-qua.csv"),
        ("open data JSON", anonymous, f"/ket-qua/{period.year}/ket-qua.json"),
    ]
    for label, client, url in pages:
        if args.skip_pages and label != pages[0][0]:
            continue
        measure(label, get(client, url))
    if not args.skip_exports:
        measure_exports(measure, period, args)

    def publish():
        # Publishing again, inside a transaction that is rolled back: nothing is kept.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            try:
                with transaction.atomic():
                    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.FINALISED)
                    before = Notification.objects.count()
                    workflow.change_period_status(period, "publish_period", actor=lead)
                    publish.notified = Notification.objects.count() - before
                    raise _Rollback
            except _Rollback:
                pass
        return None

    if args.skip_publish:
        return
    measure("publishing the period (rolled back)", publish, repeat=1, memory=False)
    print(f"(publishing notified {publish.notified} officers)")


class _Rollback(Exception):
    pass


def measure_exports(measure, period, args) -> None:
    import io

    from openpyxl import Workbook, load_workbook

    from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
    from assessments.exports.official_report import OfficialReportPdf
    from assessments.results import load_period_results, stream_period_results

    def workbook():
        # What the export job and the download build: the agencies streamed a chunk at a time.
        return len(ConsolidatedXlsx(stream_period_results(period)).render())

    row = measure("consolidated workbook (ConsolidatedXlsx)", workbook, repeat=1)
    # The baseline writes exactly the cells the export wrote (read back from its file), sheet by
    # sheet, with openpyxl's write-only mode and nothing else.
    rendered = ConsolidatedXlsx(stream_period_results(period)).render()
    source = load_workbook(io.BytesIO(rendered), read_only=True)
    sheets = {
        sheet.title: [list(values) for values in sheet.iter_rows(values_only=True)]
        for sheet in source.worksheets
    }
    source.close()
    del rendered
    cell_count = sum(len(values) for rows in sheets.values() for values in rows)

    def bare_workbook():
        book = Workbook(write_only=True)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for values in rows:
                sheet.append(values)
        buffer = io.BytesIO()
        book.save(buffer)
        return len(buffer.getvalue())

    bare = measure(f"bare openpyxl write-only, same {cell_count:,} cells", bare_workbook, repeat=1)
    print(f"(workbook / bare openpyxl write-only: {row[1] / bare[1]:.1f}×)")
    results = load_period_results(period)
    cells = [
        [result.rank, result.agency.name, result.final_score, result.final_grade]
        for kind in results.kinds
        for result in kind.ranked()
    ]
    del results
    if args.skip_pdf:
        return

    def report():
        # What the reports page and export_report build: ranks and counts read from SQL.
        return len(OfficialReportPdf(stream_period_results(period)).render())

    row = measure("official report PDF (draft)", report, repeat=1)

    def bare_pdf():
        from weasyprint import HTML

        html = ["<html><body><table>"]
        for values in cells:
            html.append("<tr>" + "".join(f"<td>{v}</td>" for v in values[:4]) + "</tr>")
        html.append("</table></body></html>")
        return len(HTML(string="".join(html)).write_pdf())

    bare = measure("bare WeasyPrint, same rows", bare_pdf, repeat=1)
    print(f"(report / bare WeasyPrint: {row[1] / bare[1]:.1f}×)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (median)")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-pages", action="store_true", help="only the trivial page")
    parser.add_argument("--skip-publish", action="store_true")
    args = parser.parse_args()
    setup()
    build(args.agencies)
    if not args.build_only:
        measure(args)


if __name__ == "__main__":
    main()
