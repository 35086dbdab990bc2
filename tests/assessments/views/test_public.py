import json

import pytest
from django.test import Client
from django.urls import reverse

from assessments import workflow
from assessments.enums import PeriodStatus, Role
from assessments.models import Submission
from tests.assessments.results_helpers import build_results
from tests.factories import make_period, make_user

PUBLIC_RESULT_URLS = [
    ("public:period_results", [2022]),
    ("public:scorecard", [2022, "so-tai-chinh"]),
    ("public:open_data_csv", [2022]),
    ("public:open_data_json", [2022]),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_RESULT_URLS)
def test_results_answer_404_until_the_period_is_published(name, args, period, reviewer, lead):
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    assert period.status == PeriodStatus.FINALISED
    assert Client().get(reverse(name, args=args)).status_code == 404
    workflow.change_period_status(period, "publish_period", actor=lead)
    assert Client().get(reverse(name, args=args)).status_code == 200


@pytest.fixture
def published(period, reviewer, lead):
    period, _agencies = build_results(period, count=3, reviewer=reviewer, lead=lead, publish=True)
    return period


def test_period_page_ranks_agencies_per_kind_with_counts_and_a_chart(published):
    page = Client().get(reverse("public:period_results", args=[2022])).content.decode()
    assert "Phụ lục 1 — Sở, ban, ngành" in page
    first = page.index('href="/ket-qua/2022/so-tai-chinh/">Sở Tài chính</a>')
    second = page.index('href="/ket-qua/2022/ban-thu-nghiem/"')
    assert first < second  # 3,00 ranks before 2,70
    assert "Mức A+: <strong>2</strong>" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4
    # The formula-looking name is escaped HTML text, never markup.
    assert "=HYPERLINK(&quot;http://x&quot;;&quot;Ban Thử nghiệm&quot;)" in page


def test_scorecard_shows_group_and_criterion_points_and_the_trend(published, reviewer, lead):
    earlier = make_period(code="2021", year=2021)
    build_results(earlier, count=1, reviewer=reviewer, lead=lead, publish=True)
    response = Client().get(reverse("public:scorecard", args=[2022, "huyen-trang-bom"]))
    page = response.content.decode()
    assert "2,88 điểm</strong>" in page
    assert '<td class="num">0,90</td><td></td><td></td><td class="num">0,78</td>' in page  # II
    # II.2: maximum, self-assessed, appraised, final, and how the final value was reached.
    assert (
        '<td class="num">0,25</td><td class="num">0,25</td><td class="num">0,13</td>'
        '<td class="num">0,13</td><td class="small">Đơn vị đồng ý</td>'
    ) in page
    assert "Năm 2022: 2,88 điểm" in page
    trend = Client().get(reverse("public:scorecard", args=[2022, "so-tai-chinh"])).content.decode()
    assert "Năm 2021: 3,00 điểm" in trend and "<polyline" in trend
    assert Client().get(reverse("public:scorecard", args=[2022, "so-noi-vu"])).status_code == 404


def test_open_data_downloads_match_the_database(published):
    response = Client().get(reverse("public:open_data_csv", args=[2022]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua-2022.csv"'
    assert response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + Submission.objects.filter(status="finalised").count()
    response = Client().get(reverse("public:open_data_json", args=[2022]))
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    scores = {row["ma_co_quan"]: row["diem_chinh_thuc"] for row in data["ket_qua"]}
    assert scores == {
        s.agency.code: f"{s.final_score:.2f}" for s in Submission.objects.select_related("agency")
    }
    doc = Client().get(reverse("public:open_data")).content.decode()
    assert "<code>diem_chinh_thuc</code>" in doc and "/ket-qua/2022/ket-qua.csv" in doc


def test_criteria_are_public_from_the_moment_the_period_opens(reference):
    period = make_period(status=PeriodStatus.PREPARING)
    assert Client().get(reverse("public:criteria", args=[2022])).status_code == 404
    workflow.change_period_status(period, "open_period", actor=make_user("qt", role=Role.ADMIN))
    page = Client().get(reverse("public:criteria", args=[2022])).content.decode()
    assert "Tỷ lệ văn bản đi (trừ văn bản mật) được ký số" in page
    assert "Theo mức: từ 90 % được 0,40; từ 70 % được 0,25; từ 50 % được 0,10" in page
    listing = Client().get(reverse("public:periods")).content.decode()
    assert "Kết quả chưa công bố" in listing


@pytest.mark.parametrize("count", [1, 3])
def test_public_pages_use_a_fixed_number_of_queries(
    count, period, reviewer, lead, django_assert_num_queries
):
    build_results(period, count=count, reviewer=reviewer, lead=lead, publish=True)
    client = Client()
    # period, tables, counts per kind and grade, every kind's first page of the ranking
    with django_assert_num_queries(4):
        client.get(reverse("public:period_results", args=[2022]))
    # period, the agency, tables, criteria, its submission (with the stored result), its items,
    # its extension, its history, the changes it continues (none), how many are ranked in its kind
    with django_assert_num_queries(10):
        client.get(reverse("public:scorecard", args=[2022, "so-tai-chinh"]))


def test_scorecard_names_the_agency_group_with_its_capitals(published):
    response = Client().get(reverse("public:scorecard", args=[2022, "huyen-trang-bom"]))

    assert (
        "— hạng 1/1 trong nhóm UBND các huyện, thành phố Long Khánh, thành phố Biên Hòa (Phụ lục 3)."
        in response.content.decode()
    )
