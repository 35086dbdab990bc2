"""Issue 13: every page costs the same number of queries for 3 and for 300 agencies, lists are
paginated, and what is stored or aggregated in SQL shows the same numbers as scoring the period
in Python did."""

import datetime as dt
import io
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pdfplumber
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessments import results, statistics, workflow
from assessments.enums import PeriodStatus
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.official_report import OfficialReportPdf
from assessments.exports.open_data import OpenDataJson
from assessments.models import Notification, Period, Submission, SubmissionResult
from assessments.paging import PER_PAGE
from tests.assessments.scale_helpers import bulk_finalised
from tests.assessments.test_document_format import MM, check_pdfa_and_tags, lines_of
from tests.conftest import login, make_named_user
from tests.factories import make_period

# The 300 published results are built once for the module: its tests run on one xdist worker.
pytestmark = pytest.mark.xdist_group("scale")


def _publish(period, lead):
    period = workflow.change_period_status(period, "close_self_assessment", actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    with CaptureQueriesContext(connection) as publishing:
        period = workflow.change_period_status(period, "publish_period", actor=lead)
    return period, len(publishing)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context)


# One walk writes every sheet, all kinds read together (was 87: a walk per kind and sheet, each
# chunk re-reading tables and criteria)
EXPECTED_WORKBOOK_QUERIES = 9

# What each page costs, whatever the number of agencies.
EXPECTED_QUERIES = {
    "publishing": 19,  # + the program naming the evaluating agency in the notice
    "reviewer queue": 11,
    "lead's reports page": 17,  # with the issued report's signed copy
    "statistics": 16,  # + the pillars and their stored points (assessments.statistics)
    "public results": 4,
    "public ranking of one kind, page 2": 5,
    "public scorecard": 10,  # with the changes the agency continues (agencies with a history)
    "open data CSV": 2,
    "open data JSON": 2,
    "accounts": 5,
    "agencies": 5,
    # One agency's files read its own rows only (they read the whole period before).
    "one agency's dossier ZIP": 13,
    "one agency's result sheet": 11,
}


@pytest.mark.parametrize("count", [3, 300])
def test_every_page_costs_the_same_queries_for_3_and_300_agencies(
    count, period, reviewer, lead, administrator
):
    bulk_finalised(period, count, reviewer=reviewer, lead=lead)
    period, publishing = _publish(period, lead)
    staff, admin, anonymous = login(lead), login(administrator), Client()
    year = period.year
    measured = {
        "publishing": publishing,
        "reviewer queue": _queries(
            staff, reverse("assessments:review_queue", args=["2022"]) + "?status=finalised"
        ),
        "lead's reports page": _queries(
            staff, reverse("assessments:period_reports", args=["2022"])
        ),
        "statistics": _queries(staff, reverse("assessments:statistics", args=["2022"])),
        "public results": _queries(anonymous, f"/ket-qua/{year}/"),
        "public ranking of one kind, page 2": _queries(
            anonymous, f"/ket-qua/{year}/?loai=so-ban-nganh&trang=2"
        ),
        "public scorecard": _queries(anonymous, f"/ket-qua/{year}/nhieu-0000/"),
        "open data CSV": _queries(anonymous, f"/ket-qua/{year}/ket-qua.csv"),
        "open data JSON": _queries(anonymous, f"/ket-qua/{year}/ket-qua.json"),
        "accounts": _queries(admin, reverse("assessments:admin_accounts")),
        "agencies": _queries(admin, reverse("assessments:admin_agencies")),
        "one agency's dossier ZIP": _queries(
            staff, reverse("assessments:dossier", args=["2022", "nhieu-0000"])
        ),
        "one agency's result sheet": _queries(
            staff, reverse("assessments:result_sheet", args=["2022", "nhieu-0000"])
        ),
    }
    assert measured == EXPECTED_QUERIES
    assert Notification.objects.filter(title__contains="đã được công bố").count() == count


def test_open_data_json_of_a_period_without_results_is_an_empty_list(period):
    period.status = PeriodStatus.PUBLISHED
    streamed = OpenDataJson(period).render()
    data = json.loads(streamed)
    assert data["ket_qua"] == []
    assert streamed == json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def test_reopening_a_result_forgets_it_and_re_ranks_the_kind(period, reviewer, lead):
    submissions = bulk_finalised(period, 6, reviewer=reviewer, lead=lead)
    best = max(submissions[:3], key=lambda s: s.final_score)
    workflow.reopen(best, actor=lead, reason="Xem lại số liệu.")
    assert not SubmissionResult.objects.filter(submission=best).exists()
    same_kind = Submission.objects.filter(table=best.table, status="finalised")
    ranks = sorted(same_kind.values_list("result__rank", flat=True))
    assert ranks[0] == 1


# The tests below read one published period of 300 agencies, built once for the module. They
# come last: the module's world stays in place until the module ends, so a test after them could
# not make its own period 2022 or its own named people.


@pytest.mark.parametrize("count", [3, 300])
def test_the_streamed_workbook_costs_the_same_queries_for_3_and_300_agencies(
    count, period, reviewer, lead, django_assert_num_queries
):
    bulk_finalised(period, count, reviewer=reviewer, lead=lead)
    period, _queries = _publish(period, lead)
    fresh = Period.objects.get(pk=period.pk)
    # The tables and the SQL counts, the criteria, the evaluating department, the program's
    # subject; then (one walk writes every sheet) the agencies of every kind, per chunk of 500
    # the dossiers and the items, and the extensions.
    with django_assert_num_queries(EXPECTED_WORKBOOK_QUERIES):
        ConsolidatedXlsx(results.stream_period_results(fresh)).render()


@pytest.fixture(scope="module")
def published_300(django_db_setup, django_db_blocker):
    """300 finalised, published dossiers, built once for the module's read-only tests and rolled
    back at its end; each test runs in its own savepoint on top."""
    with django_db_blocker.unblock(), transaction.atomic():
        reviewer, lead = make_named_user("reviewer"), make_named_user("lead")
        period = make_period()
        bulk_finalised(period, 300, reviewer=reviewer, lead=lead)
        period, _queries = _publish(period, lead)
        yield SimpleNamespace(period=period, lead=lead)
        transaction.set_rollback(True)


@pytest.fixture
def three_hundred(published_300, db):
    return published_300.period


def test_stored_ranks_are_the_ranks_scoring_the_whole_period_gives(three_hundred):
    loaded = results.load_period_results(three_hundred, only_final=True)
    expected = {r.submission.pk: r.rank for kind in loaded.kinds for r in kind.ranked()}
    stored = dict(SubmissionResult.objects.values_list("submission_id", "rank"))
    assert stored == expected
    assert len(stored) == 300
    assert sorted(set(stored.values()))[:1] == [1]
    # Ties share a rank and the next rank skips (1, 2, 2, 4).
    ranks = sorted(stored.values())
    assert len(ranks) > len(set(ranks))


def test_stored_group_points_are_the_agreed_result_s(three_hundred):
    loaded = results.load_period_results(three_hundred, only_final=True)
    for result in loaded.agencies[:40]:
        stored = result.submission.result.group_points
        assert stored == {
            code: str(group.points) for code, group in result.final_result.groups.items()
        }


def _lost_points_in_python(period):
    """How the statistics page computed lost points before (loading every item)."""
    loaded = results.load_period_results(period)
    rows = []
    for kind in loaded.kinds:
        for criterion in kind.leaf_criteria:
            if criterion.is_deduction or criterion.maximum is None:
                continue
            gaps = []
            for result in kind.agencies:
                if not result.is_final:
                    continue
                row = next(r for r in result.rows if r.criterion.pk == criterion.pk)
                if row.not_applicable or row.final_points is None:
                    continue
                gaps.append(criterion.maximum - row.final_points)
            if gaps:
                average = results.average(sum(gaps, Decimal(0)), len(gaps))
                rows.append((kind.table.label, criterion.code, len(gaps), average))
    rows.sort(key=lambda row: (-row[3], row[0]))
    return rows


def test_lost_points_from_sql_are_the_ones_python_computed(three_hundred):
    expected = _lost_points_in_python(three_hundred)[:10]
    lost = statistics.lost_points(three_hundred)
    assert [(r.kind_label, r.criterion.code, r.agencies, r.average_lost) for r in lost] == expected


def test_summary_counts_and_means_match_the_loaded_results(three_hundred):
    loaded = results.load_period_results(three_hundred)
    summary = results.period_summary(three_hundred)
    assert summary.grade_counts() == loaded.grade_counts()
    assert summary.final_count == loaded.final_count == 300
    scores = [r.final_score for r in loaded.agencies if r.is_final]
    assert summary.average == results.average(sum(scores, Decimal(0)), len(scores))


def test_the_ranking_of_one_kind_is_paginated_and_keeps_its_filters(three_hundred):
    page = Client().get("/ket-qua/2022/?loai=so-ban-nganh&trang=2").content.decode()
    in_kind = results.final_submissions(three_hundred).filter(table__kind__code="so-ban-nganh")
    expected = list(
        in_kind.select_related("agency").order_by(*results.RANKING_ORDER)[PER_PAGE : 2 * PER_PAGE]
    )
    assert page.count('href="/ket-qua/2022/nhieu-') == len(expected) == PER_PAGE
    assert f"Trang 2/{-(-in_kind.count() // PER_PAGE)}" in page
    assert 'href="?loai=so-ban-nganh&amp;trang=1" rel="prev">Trang trước</a>' in page
    first = expected[0]
    assert f'href="/ket-qua/2022/{first.agency.code}/">{first.agency.name}</a>' in page


def test_the_public_results_show_each_kind_s_first_page_with_a_link_to_the_rest(three_hundred):
    page = Client().get("/ket-qua/2022/").content.decode()
    assert page.count('href="/ket-qua/2022/nhieu-') == 3 * PER_PAGE
    assert "?loai=ubnd-cap-huyen&amp;trang=2" in page


def test_the_queue_shows_one_page_and_the_next_page_keeps_the_filter(three_hundred, published_300):
    lead = published_300.lead
    url = reverse("assessments:review_queue", args=["2022"])
    page = login(lead).get(url, {"status": "finalised"}).content.decode()
    assert page.count("<tr data-agency=") == PER_PAGE
    assert 'href="?status=finalised&amp;trang=2" rel="next">Trang sau</a>' in page
    last = login(lead).get(url, {"status": "finalised", "trang": 6}).content.decode()
    assert last.count("<tr data-agency=") == 300 - 5 * PER_PAGE


def test_open_data_json_streams_exactly_what_json_dumps_gives(three_hundred):
    streamed = OpenDataJson(three_hundred).render()
    data = json.loads(streamed)
    assert len(data["ket_qua"]) == 300
    assert streamed == json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


ANNEX_ROW = re.compile(r"^(\d+) (.+) (\d,\d\d) (\d,\d\d) (\S+)$")


def test_the_national_report_ranks_every_agency_in_its_annex_laid_out_in_parts(three_hundred):
    """300 agencies: the body gives the summary by kind and the ranking is the annex, laid out
    100 rows per WeasyPrint render; read back, the annex lists every agency once, in rank order
    within its kind, its pages numbered on from 1 across the parts, and the file stays PDF/A,
    tagged on every page."""
    streamed = results.stream_period_results(three_hundred)
    pdf = OfficialReportPdf(
        streamed, number="120/BC-STTTT", issued_on=dt.date(2022, 11, 18), annex_rows=100
    ).render()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [lines_of(page) for page in document.pages]
        plain = [page.extract_text().splitlines() for page in document.pages]
    annex_start = next(i for i, lines in enumerate(pages) if lines[0]["text"] == "Phụ lục")
    body, annex = pages[:annex_start], pages[annex_start:]
    assert len(annex) > 3 * 100 // 40  # more than one part's worth of pages

    texts = [line["text"] for lines in body for line in lines]
    assert "Nơi nhận:" in texts
    assert texts[texts.index("Tổng số") + 1] == "300"
    assert texts.count("Phụ lục") == 0
    annex_heading = " ".join(line["text"] for line in annex[0][1:6])
    assert annex_heading.startswith("XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ")
    assert "NĂM 2022 (Kèm theo Báo cáo số 120/BC-STTTT ngày 18 tháng 11 năm 2022 của Sở " in (
        annex_heading
    )

    # Page numbers: the body's from its page 2; the annex's on their own, from its page 2 on,
    # one after the other across the parts, at the top of the page.
    for part, first in ((body, 0), (annex, 0)):
        assert all(line["top"] > 20 * MM for line in part[first])
        for number, lines in enumerate(part[1:], start=2):
            top = min(lines, key=lambda line: line["top"])
            assert (top["text"], top["bottom"] < 20 * MM) == (str(number), True)

    listed = {}
    kind = None
    labels = {f"{kind.table.label} — ": kind for kind in streamed.kinds}
    for lines in plain[annex_start:]:
        for line in lines:
            heading = [kind for label, kind in labels.items() if line.startswith(label)]
            if heading:
                kind = heading[0]
            elif match := ANNEX_ROW.match(line):
                listed.setdefault(kind.table.pk, []).append((int(match[1]), match[2], match[5]))
    for kind in streamed.kinds:
        expected = [
            (number, row.evaluated_as, row.final_grade)
            for number, row in enumerate(kind.ranked(), start=1)
        ]
        assert listed.get(kind.table.pk, []) == expected
    assert sum(len(rows) for rows in listed.values()) == 300

    check_pdfa_and_tags(
        pdf,
        title="Báo cáo kết quả đánh giá năm 2022",
        author="Sở Thông tin và Truyền thông",
        subject="Kết quả đánh giá ứng dụng công nghệ thông tin trong quản lý điều hành năm 2022",
    )
    reader = PdfReader(io.BytesIO(pdf))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    keys = set(tree["/ParentTree"]["/Nums"][::2])
    assert {page["/StructParents"] for page in reader.pages} <= keys
    assert len({page["/StructParents"] for page in reader.pages}) == len(reader.pages)
