"""Agencies with a history: the change rules, names as of a period, the successors' trend, an
ended agency, and the change workbook."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments import lineage, statistics
from assessments.enums import AgencyChangeKind, AuditAction, PeriodStatus, SubmissionStatus
from assessments.exports.agencies_xlsx import AgencyChangesExport
from assessments.imports import WorkbookError, import_agency_changes_workbook
from assessments.models import Agency, AgencyChange, AuditEntry, Submission, SubmissionResult
from assessments.results import rank_table
from assessments.services import SetupError, get_or_create_submission
from tests.assessments.admin_workbooks import simple_workbook
from tests.conftest import login
from tests.factories import make_agency, make_period, make_user

MERGE_DAY = dt.date(2025, 3, 1)
DECISION = "Quyết định số 123/QĐ-UBND ngày 28/02/2025 của UBND tỉnh."
CHANGE_HEADER = [
    "Loại thay đổi",
    "Ngày hiệu lực",
    "Mã cơ quan trước thay đổi",
    "Mã cơ quan sau thay đổi",
    "Tên mới",
    "Căn cứ, quyết định",
]


def agency(code) -> Agency:
    return Agency.objects.get(code=code)


def published_period(year, *, status=PeriodStatus.PUBLISHED):
    """A period of `year` (window from March of that year), published."""
    return make_period(code=str(year), year=year, status=status, deadline=dt.date(year + 1, 1, 15))


def final_result(period, agency, score: str, grade: str) -> Submission:
    """A finalised dossier with its official score: the trend reads only these stored values
    (the workflow that produces them has its own tests)."""
    submission = Submission.objects.create(
        period=period,
        agency=agency,
        table=period.tables.get(kind=agency.kind),
        status=SubmissionStatus.FINALISED,
        final_score=Decimal(score),
        final_grade=grade,
    )
    SubmissionResult.objects.create(submission=submission)
    rank_table(period.pk, submission.table_id)
    return submission


def merge(predecessors, successor, *, day=MERGE_DAY, actor=None):
    return lineage.record_change(
        actor=actor,
        kind=AgencyChangeKind.MERGE,
        effective_date=day,
        predecessors=[agency(code) for code in predecessors],
        successors=[agency(successor)],
        decision=DECISION,
    )


def problems(**kwargs) -> list[tuple[str, str]]:
    return lineage.check_change(**kwargs)


# --- rules --------------------------------------------------------------------------------------


def test_merge_ends_the_merged_agency_and_is_audited(reference, administrator):
    change = merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe", actor=administrator)

    merged, successor = agency("so-thong-tin-truyen-thong"), agency("so-khoa-hoc-cong-nghe")
    assert (merged.ended_on, merged.is_active) == (MERGE_DAY, False)
    assert (successor.ended_on, successor.is_active) == (None, True)
    assert list(change.predecessors.all()) == [merged]
    assert list(change.successors.all()) == [successor]
    assert change.recorded_by == administrator
    entry = AuditEntry.objects.get(action=AuditAction.RECORD_AGENCY_CHANGE)
    assert (entry.actor, entry.target, entry.old_value, entry.new_value, entry.reason) == (
        administrator,
        "Hợp nhất, sáp nhập hiệu lực 01/03/2025",
        "Sở Thông tin và Truyền thông",
        "Sở Khoa học và Công nghệ",
        DECISION,
    )
    deactivated = AuditEntry.objects.get(action=AuditAction.UPDATE_AGENCY)
    assert (deactivated.target, deactivated.field, deactivated.old_value) == (
        "Sở Thông tin và Truyền thông",
        "is_active",
        "có",
    )


def test_a_merge_listing_the_successor_among_the_predecessors_ends_only_the_others(reference):
    merge(["so-thong-tin-truyen-thong", "so-khoa-hoc-cong-nghe"], "so-khoa-hoc-cong-nghe")

    assert agency("so-thong-tin-truyen-thong").ended_on == MERGE_DAY
    assert agency("so-khoa-hoc-cong-nghe").ended_on is None


def test_a_merge_effective_later_ends_the_agency_without_closing_it_yet(reference):
    later = dt.date.today() + dt.timedelta(days=30)
    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe", day=later)

    merged = agency("so-thong-tin-truyen-thong")
    assert (merged.ended_on, merged.is_active) == (later, True)
    assert lineage.close_ended_agencies(today=later) == 1
    assert agency("so-thong-tin-truyen-thong").is_active is False


def test_merging_an_agency_into_itself_is_refused(reference):
    science = agency("so-khoa-hoc-cong-nghe")

    assert problems(
        kind=AgencyChangeKind.MERGE,
        effective_date=MERGE_DAY,
        predecessors=[science],
        successors=[science],
    ) == [
        (
            "predecessors",
            "Không thể hợp nhất “Sở Khoa học và Công nghệ” vào chính nó: chọn các cơ quan, đơn vị "
            "được hợp nhất vào.",
        )
    ]


def test_a_change_dated_before_an_earlier_change_of_the_same_agency_is_refused(reference):
    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe")

    assert problems(
        kind=AgencyChangeKind.MERGE,
        effective_date=dt.date(2025, 1, 1),
        predecessors=[agency("so-ngoai-vu")],
        successors=[agency("so-khoa-hoc-cong-nghe")],
    ) == [
        (
            "effective_date",
            "Ngày hiệu lực phải từ ngày 01/03/2025 trở đi: đã ghi nhận “hợp nhất, sáp nhập” hiệu "
            "lực ngày 01/03/2025 cho cơ quan liên quan.",
        )
    ]


def test_an_agency_that_merged_away_cannot_merge_again(reference):
    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe")

    assert problems(
        kind=AgencyChangeKind.MERGE,
        effective_date=dt.date(2025, 7, 1),
        predecessors=[agency("so-thong-tin-truyen-thong")],
        successors=[agency("so-ngoai-vu")],
    ) == [
        (
            "predecessors",
            "“Sở Thông tin và Truyền thông” đã ngừng hoạt động từ ngày 01/03/2025.",
        )
    ]


def test_merging_a_part_back_into_the_agency_it_was_split_from_is_a_cycle(reference):
    make_agency("ban-moi", "Ban Mới")
    lineage.record_change(
        actor=None,
        kind=AgencyChangeKind.SPLIT,
        effective_date=dt.date(2024, 1, 1),
        predecessors=[agency("ban-dan-toc")],
        successors=[agency("ban-dan-toc"), agency("ban-moi")],
        decision=DECISION,
    )

    assert problems(
        kind=AgencyChangeKind.MERGE,
        effective_date=MERGE_DAY,
        predecessors=[agency("ban-moi")],
        successors=[agency("ban-dan-toc")],
    ) == [
        (
            "successors",
            "“Ban Dân tộc” là cơ quan trước của cơ quan được chọn: ghi nhận thay đổi này sẽ tạo "
            "vòng lặp trong lịch sử.",
        )
    ]


def test_an_agency_with_a_dossier_of_a_period_after_the_merge_cannot_merge_away(reference):
    period = published_period(2025, status=PeriodStatus.SELF_ASSESSMENT)
    get_or_create_submission(agency("so-thong-tin-truyen-thong"), period)

    assert problems(
        kind=AgencyChangeKind.MERGE,
        effective_date=dt.date(2025, 3, 1),
        predecessors=[agency("so-thong-tin-truyen-thong")],
        successors=[agency("so-khoa-hoc-cong-nghe")],
    ) == [
        (
            "predecessors",
            "“Sở Thông tin và Truyền thông” đã có hồ sơ kỳ “Đánh giá ứng dụng CNTT năm 2025” "
            "(đánh giá từ ngày 21/03/2025), sau ngày hiệu lực: hồ sơ kỳ này thuộc về cơ quan "
            "sau thay đổi.",
        )
    ]


def test_a_split_needs_one_agency_and_two_successors(reference):
    assert problems(
        kind=AgencyChangeKind.SPLIT,
        effective_date=MERGE_DAY,
        predecessors=[agency("so-y-te"), agency("so-ngoai-vu")],
        successors=[agency("ban-dan-toc")],
    ) == [
        ("predecessors", "Chia tách: chọn đúng một cơ quan, đơn vị được chia."),
        ("successors", "Chia tách: chọn ít nhất hai cơ quan, đơn vị sau chia."),
    ]


def test_a_rename_to_a_name_another_agency_has_is_refused(reference):
    assert problems(
        kind=AgencyChangeKind.RENAME,
        effective_date=MERGE_DAY,
        predecessors=[agency("so-ngoai-vu")],
        successors=[],
        new_name="Sở Y tế",
    ) == [("new_name", "Tên “Sở Y tế” đã dùng cho cơ quan, đơn vị khác.")]


def test_recording_without_a_decision_is_refused_and_writes_nothing(reference):
    with pytest.raises(lineage.ChangeError) as raised:
        lineage.record_change(
            actor=None,
            kind=AgencyChangeKind.MERGE,
            effective_date=MERGE_DAY,
            predecessors=[agency("so-thong-tin-truyen-thong")],
            successors=[agency("so-khoa-hoc-cong-nghe")],
            decision=" ",
        )

    assert raised.value.errors == [("decision", "Nhập căn cứ, quyết định của thay đổi.")]
    assert AgencyChange.objects.count() == 0


# --- names as of the period ---------------------------------------------------------------------


def test_a_rename_keeps_the_old_name_on_finalised_results_and_renames_open_dossiers(reference):
    old = published_period(2022)
    final_result(old, agency("so-ngoai-vu"), "2.10", "A")
    current = make_period(code="2025", year=2025, deadline=dt.date(2026, 1, 15))
    open_dossier = get_or_create_submission(agency("so-ngoai-vu"), current)

    lineage.record_change(
        actor=None,
        kind=AgencyChangeKind.RENAME,
        effective_date=MERGE_DAY,
        predecessors=[agency("so-ngoai-vu")],
        new_name="Sở Ngoại vụ và Hợp tác quốc tế",
        decision=DECISION,
    )

    assert agency("so-ngoai-vu").name == "Sở Ngoại vụ và Hợp tác quốc tế"
    assert Submission.objects.get(period=old).evaluated_as == "Sở Ngoại vụ"
    open_dossier.refresh_from_db()
    assert open_dossier.evaluated_as == "Sở Ngoại vụ và Hợp tác quốc tế"
    page = Client().get(reverse("public:scorecard", args=[2022, "so-ngoai-vu"])).content.decode()
    assert '<h1 class="h3">Sở Ngoại vụ</h1>' in page
    assert "Năm 2022: 2,10 điểm" in page
    assert "Sở Ngoại vụ (trước khi đổi tên)" in page
    ranking = Client().get(reverse("public:period_results", args=[2022])).content.decode()
    assert ">Sở Ngoại vụ</a>" in ranking
    assert "Hợp tác quốc tế" not in ranking


def test_open_data_gives_the_name_as_of_the_period(reference):
    from assessments.exports.open_data import records

    old = published_period(2022)
    final_result(old, agency("so-ngoai-vu"), "2.10", "A")
    lineage.record_change(
        actor=None,
        kind=AgencyChangeKind.RENAME,
        effective_date=MERGE_DAY,
        predecessors=[agency("so-ngoai-vu")],
        new_name="Sở Ngoại vụ và Hợp tác quốc tế",
        decision=DECISION,
    )

    assert [(row["ma_co_quan"], row["ten_co_quan"]) for row in records(old)] == [
        ("so-ngoai-vu", "Sở Ngoại vụ")
    ]


# --- the successor's trend ----------------------------------------------------------------------


def test_the_merged_agency_shows_the_predecessors_results_in_its_trend(reference):
    p2022, p2023 = published_period(2022), published_period(2023)
    final_result(p2022, agency("so-khoa-hoc-cong-nghe"), "2.10", "A")
    final_result(p2022, agency("so-thong-tin-truyen-thong"), "2.75", "A+")
    final_result(p2023, agency("so-khoa-hoc-cong-nghe"), "2.20", "A")
    final_result(p2023, agency("so-thong-tin-truyen-thong"), "2.80", "A+")
    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe")
    p2025 = published_period(2025)
    final_result(p2025, agency("so-khoa-hoc-cong-nghe"), "2.40", "A")

    points = lineage.trend(agency("so-khoa-hoc-cong-nghe"))

    assert [(p.year, p.score, p.grade, p.label, p.own) for p in points] == [
        (2022, Decimal("2.10"), "A", "Sở Khoa học và Công nghệ", True),
        (2022, Decimal("2.75"), "A+", "Sở Thông tin và Truyền thông (trước khi hợp nhất)", False),
        (2023, Decimal("2.20"), "A", "Sở Khoa học và Công nghệ", True),
        (2023, Decimal("2.80"), "A+", "Sở Thông tin và Truyền thông (trước khi hợp nhất)", False),
        (2025, Decimal("2.40"), "A", "Sở Khoa học và Công nghệ", True),
    ]
    assert lineage.trend_series(points) == [
        (
            "Sở Khoa học và Công nghệ",
            [("2022", Decimal("2.10")), ("2023", Decimal("2.20")), ("2025", Decimal("2.40"))],
        ),
        (
            "Sở Thông tin và Truyền thông (trước khi hợp nhất)",
            [("2022", Decimal("2.75")), ("2023", Decimal("2.80"))],
        ),
    ]
    page = Client().get(reverse("public:scorecard", args=[2025, "so-khoa-hoc-cong-nghe"]))
    text = page.content.decode()
    assert "Năm 2022: 2,75 điểm" in text
    assert "— Sở Thông tin và Truyền thông (trước khi hợp nhất)</li>" in text
    assert "Năm 2025: 2,40 điểm" in text
    assert text.count("<polyline") == 2


def test_a_merge_into_a_new_agency_follows_every_predecessor(reference):
    make_agency("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường")
    p2022 = published_period(2022)
    final_result(p2022, agency("so-nong-nghiep-ptnt"), "1.90", "A")
    final_result(p2022, agency("so-tai-nguyen-moi-truong"), "2.60", "A+")
    merge(
        ["so-nong-nghiep-ptnt", "so-tai-nguyen-moi-truong"],
        "so-nong-nghiep-moi-truong",
    )

    points = lineage.trend(agency("so-nong-nghiep-moi-truong"))

    assert [(p.year, str(p.score), p.label) for p in points] == [
        (2022, "1.90", "Sở Nông nghiệp và Phát triển nông thôn (trước khi hợp nhất)"),
        (2022, "2.60", "Sở Tài nguyên và Môi trường (trước khi hợp nhất)"),
    ]


def test_the_statistics_compare_a_merged_agency_with_its_predecessors(reference, lead):
    """The lead's year-on-year table: an agency formed in 2025 had no 2024 result of its own;
    it shows those of the two departments it was formed from, named as they were."""
    make_agency("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường")
    p2024 = published_period(2024)
    final_result(p2024, agency("so-nong-nghiep-ptnt"), "1.90", "A")
    final_result(p2024, agency("so-tai-nguyen-moi-truong"), "2.60", "A+")
    final_result(p2024, agency("so-tai-chinh"), "2.00", "A")
    merge(["so-nong-nghiep-ptnt", "so-tai-nguyen-moi-truong"], "so-nong-nghiep-moi-truong")
    p2025 = published_period(2025)
    final_result(p2025, agency("so-nong-nghiep-moi-truong"), "2.40", "A")
    final_result(p2025, agency("so-tai-chinh"), "2.10", "A")

    rows = {
        row.agency.code: row
        for row in statistics.comparison_rows(statistics.comparisons(p2025, p2024), previous=p2024)
    }

    merged = rows["so-nong-nghiep-moi-truong"]
    assert (merged.previous, merged.current, merged.change) == (None, Decimal("2.40"), None)
    assert [(e.label, e.score, e.grade) for e in merged.earlier] == [
        ("Sở Nông nghiệp và Phát triển nông thôn (trước khi hợp nhất)", Decimal("1.90"), "A"),
        ("Sở Tài nguyên và Môi trường (trước khi hợp nhất)", Decimal("2.60"), "A+"),
    ]
    assert (rows["so-tai-chinh"].previous, rows["so-tai-chinh"].earlier) == (Decimal("2.00"), [])
    page = login(lead).get(reverse("assessments:statistics", args=["2025"]))
    text = page.content.decode()
    assert "Sở Nông nghiệp và Phát triển nông thôn (trước khi hợp nhất): 1,90" in text
    assert "Sở Tài nguyên và Môi trường (trước khi hợp nhất): 2,60" in text


def test_a_predecessors_results_after_the_change_are_not_in_the_successors_trend(reference):
    p2022, p2025 = published_period(2022), published_period(2025)
    final_result(p2022, agency("so-thong-tin-truyen-thong"), "2.75", "A+")
    # Recorded before the rule existed or by another path: a result whose period began after
    # the merge is not the predecessor's past.
    final_result(p2025, agency("so-thong-tin-truyen-thong"), "1.00", "B")
    AgencyChange.objects.create(
        kind=AgencyChangeKind.MERGE, effective_date=MERGE_DAY, decision=DECISION
    ).predecessors.add(agency("so-thong-tin-truyen-thong"))
    AgencyChange.objects.get().successors.add(agency("so-khoa-hoc-cong-nghe"))

    assert [(p.year, str(p.score)) for p in lineage.trend(agency("so-khoa-hoc-cong-nghe"))] == [
        (2022, "2.75")
    ]


def test_each_part_of_a_split_shows_the_split_agencys_results(reference):
    make_agency("so-a", "Sở Phần A")
    make_agency("so-b", "Sở Phần B")
    p2022 = published_period(2022)
    final_result(p2022, agency("so-ngoai-vu"), "1.20", "B")
    lineage.record_change(
        actor=None,
        kind=AgencyChangeKind.SPLIT,
        effective_date=MERGE_DAY,
        predecessors=[agency("so-ngoai-vu")],
        successors=[agency("so-a"), agency("so-b")],
        decision=DECISION,
    )

    for code in ("so-a", "so-b"):
        assert [(p.year, str(p.score), p.label) for p in lineage.trend(agency(code))] == [
            (2022, "1.20", "Sở Ngoại vụ (trước khi chia tách)")
        ]
    assert agency("so-ngoai-vu").ended_on == MERGE_DAY


def test_a_chain_of_merges_reaches_the_first_predecessor(reference):
    make_agency("so-moi", "Sở Mới")
    p2022 = published_period(2022)
    final_result(p2022, agency("so-thong-tin-truyen-thong"), "2.75", "A+")
    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe")
    merge(["so-khoa-hoc-cong-nghe"], "so-moi", day=dt.date(2025, 7, 1))

    assert [p.label for p in lineage.trend(agency("so-moi"))] == [
        "Sở Thông tin và Truyền thông (trước khi hợp nhất)"
    ]


# --- an ended agency ----------------------------------------------------------------------------


def test_an_agency_that_merged_away_starts_no_dossier_and_reads_its_history(reference):
    p2022 = published_period(2022)
    final_result(p2022, agency("so-thong-tin-truyen-thong"), "2.75", "A+")
    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe")
    current = make_period(code="2025", year=2025, deadline=dt.date.today() + dt.timedelta(days=9))
    officer = make_user("canbo_tttt", agency=agency("so-thong-tin-truyen-thong"))

    with pytest.raises(SetupError) as raised:
        get_or_create_submission(agency("so-thong-tin-truyen-thong"), current)

    assert raised.value.message == (
        "“Sở Thông tin và Truyền thông” đã hợp nhất hoặc chia tách từ ngày 01/03/2025 nên không "
        "lập hồ sơ mới (hồ sơ thuộc cơ quan sau thay đổi); các kỳ trước vẫn xem được."
    )
    home = login(officer).get(reverse("home")).content.decode()
    assert "Đơn vị đã hợp nhất vào Sở Khoa học và Công nghệ từ ngày 01/03/2025" in home
    assert "Bắt đầu tự đánh giá" not in home
    assert "Hiện không có kỳ đánh giá nào đang mở cho đơn vị." in home
    assert "Các kỳ trước" in home
    start = login(officer).post(reverse("assessments:agency_period", args=["2025"]))
    assert start.status_code == 302
    assert not Submission.objects.filter(period=current).exists()


# --- the administrator's form and workbook ------------------------------------------------------


def test_the_form_shows_merging_into_itself_next_to_the_field(reference, administrator):
    science = agency("so-khoa-hoc-cong-nghe")
    response = login(administrator).post(
        reverse("assessments:admin_agency_changes"),
        {
            "kind": "merge",
            "effective_date": "2025-03-01",
            "predecessors": [science.pk],
            "successors": [science.pk],
            "decision": DECISION,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "predecessors": [
            "Không thể hợp nhất “Sở Khoa học và Công nghệ” vào chính nó: chọn các cơ quan, đơn vị "
            "được hợp nhất vào."
        ]
    }
    assert AgencyChange.objects.count() == 0


def test_the_form_requires_a_date_and_a_decision(reference, administrator):
    response = login(administrator).post(
        reverse("assessments:admin_agency_changes"), {"kind": "merge"}
    )

    assert response.context["form"].errors == {
        "effective_date": ["Nhập ngày hiệu lực."],
        "predecessors": ["Chọn ít nhất một cơ quan, đơn vị trước thay đổi."],
        "decision": ["Nhập căn cứ, quyết định."],
    }


def test_the_form_records_a_merge(reference, administrator):
    client = login(administrator)
    response = client.post(
        reverse("assessments:admin_agency_changes"),
        {
            "kind": "merge",
            "effective_date": "2025-03-01",
            "predecessors": [agency("so-thong-tin-truyen-thong").pk],
            "successors": [agency("so-khoa-hoc-cong-nghe").pk],
            "decision": DECISION,
        },
    )

    assert response.status_code == 302
    change = AgencyChange.objects.get()
    assert (change.kind, change.effective_date, change.recorded_by) == (
        "merge",
        MERGE_DAY,
        administrator,
    )
    listing = client.get(response.url)
    assert "Đã ghi nhận hợp nhất, sáp nhập hiệu lực từ ngày 01/03/2025." in listing.content.decode()


def change_workbook(rows) -> bytes:
    return simple_workbook("Thay đổi cơ quan", [CHANGE_HEADER, *rows])


def test_the_change_workbook_reports_every_row_error_and_writes_nothing(reference, administrator):
    content = change_workbook(
        [
            [
                "Hợp nhất",
                "01/03/2025",
                "so-thong-tin-truyen-thong",
                "so-khoa-hoc-cong-nghe",
                "",
                "QĐ 1",
            ],
            ["Hợp nhất", "31/02/2025", "so-khong-co", "so-tai-chinh", "", "QĐ 2"],
            ["Gộp", "01/03/2025", "so-y-te", "so-y-te", "", ""],
            [
                "Hợp nhất",
                "01/03/2025",
                "so-khoa-hoc-cong-nghe",
                "so-khoa-hoc-cong-nghe",
                "",
                "QĐ 3",
            ],
            ["Hợp nhất", "01/07/2025", "so-thong-tin-truyen-thong", "so-y-te", "", "QĐ 4"],
        ]
    )

    with pytest.raises(WorkbookError) as raised:
        import_agency_changes_workbook(content, actor=administrator)

    assert raised.value.errors == [
        "Dòng 3, cột B “Ngày hiệu lực”: “31/02/2025” không phải là ngày (viết theo dạng "
        "01/03/2025).",
        "Dòng 3, cột C “Mã cơ quan trước thay đổi”: không có cơ quan, đơn vị có mã “so-khong-co”.",
        "Dòng 4, cột A “Loại thay đổi”: “Gộp” không phải là loại thay đổi (đổi tên, hợp nhất "
        "hoặc chia tách).",
        "Dòng 4, cột F “Căn cứ, quyết định”: căn cứ, quyết định không được để trống.",
        "Dòng 5, cột C “Mã cơ quan trước thay đổi”: Không thể hợp nhất “Sở Khoa học và Công "
        "nghệ” vào chính nó: chọn các cơ quan, đơn vị được hợp nhất vào.",
        # Checked against row 2, which the workbook records first.
        "Dòng 6, cột C “Mã cơ quan trước thay đổi”: “Sở Thông tin và Truyền thông” đã ngừng hoạt "
        "động từ ngày 01/03/2025.",
    ]
    assert AgencyChange.objects.count() == 0
    assert agency("so-thong-tin-truyen-thong").ended_on is None
    assert not AuditEntry.objects.filter(action=AuditAction.RECORD_AGENCY_CHANGE).exists()


def test_the_change_workbook_records_in_row_order_and_imports_its_export_unchanged(
    reference, administrator
):
    make_agency("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường")
    content = change_workbook(
        [
            [
                "sáp nhập",
                "01/03/2025",
                "so-thong-tin-truyen-thong",
                "so-khoa-hoc-cong-nghe",
                "",
                "QĐ 1",
            ],
            [
                "Hợp nhất",
                "2025-03-01",
                "so-nong-nghiep-ptnt, so-tai-nguyen-moi-truong",
                "so-nong-nghiep-moi-truong",
                "",
                "QĐ 2",
            ],
            ["Đổi tên", "01/07/2025", "so-ngoai-vu", "", "Sở Ngoại vụ mới", "QĐ 3"],
        ]
    )

    assert import_agency_changes_workbook(content, actor=administrator) == (3, 0)
    assert agency("so-ngoai-vu").name == "Sở Ngoại vụ mới"
    assert agency("so-tai-nguyen-moi-truong").ended_on == MERGE_DAY
    assert AuditEntry.objects.filter(action=AuditAction.RECORD_AGENCY_CHANGE).count() == 3
    exported = AgencyChangesExport().render()
    assert import_agency_changes_workbook(exported, actor=administrator) == (0, 0)
    assert AgencyChange.objects.count() == 3


# --- a new kind and a new province list by workbook ----------------------------------------------

KIND_HEADER = ["Mã loại", "Tên loại", "Phụ lục", "Thứ tự", "Đang sử dụng"]
AGENCY_HEADER = ["Mã", "Tên cơ quan, đơn vị", "Tên viết tắt", "Mã loại", "Thư điện tử", "Thứ tự"]


def agency_list_workbook(kinds, agencies) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cơ quan, đơn vị"
    for values in [AGENCY_HEADER, *agencies]:
        sheet.append(values)
    kinds_sheet = workbook.create_sheet("Loại cơ quan, đơn vị")
    for values in [KIND_HEADER, *kinds]:
        kinds_sheet.append(values)
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_agency_workbook_creates_a_new_kind_with_its_communes(reference, administrator):
    from assessments.exports.agencies_xlsx import AgenciesExport
    from assessments.imports import import_agencies_workbook
    from assessments.models import AgencyKind

    content = agency_list_workbook(
        [["ubnd-xa", "UBND cấp xã", "Phụ lục 4", 4, "Có"]],
        [
            ["phuong-tran-bien", "UBND phường Trấn Biên", "", "ubnd-xa", "", 1],
            ["phuong-bien-hoa", "UBND phường Biên Hòa", "", "ubnd-xa", "", 2],
        ],
    )

    assert import_agencies_workbook(content, actor=administrator) == (3, 0)
    kind = AgencyKind.objects.get(code="ubnd-xa")
    assert (kind.name, kind.appendix_label, kind.order) == ("UBND cấp xã", "Phụ lục 4", 4)
    assert list(kind.agencies.values_list("code", flat=True)) == [
        "phuong-tran-bien",
        "phuong-bien-hoa",
    ]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE_AGENCY_KIND).count() == 1
    assert import_agencies_workbook(AgenciesExport().render(), actor=administrator) == (0, 0)


def test_the_agency_workbook_reports_kind_rows_and_unknown_kinds_in_one_pass(
    reference, administrator
):
    from assessments.imports import import_agencies_workbook

    content = agency_list_workbook(
        [["ubnd xa", "", "Phụ lục 4", 4, "Có"]],
        [["phuong-tran-bien", "UBND phường Trấn Biên", "", "ubnd-phuong", "", 1]],
    )

    with pytest.raises(WorkbookError) as raised:
        import_agencies_workbook(content, actor=administrator)

    assert raised.value.errors == [
        "Trang “Loại cơ quan, đơn vị”, dòng 2, cột A “Mã loại”: mã loại “ubnd xa” chỉ được gồm chữ không dấu, số và dấu gạch "
        "ngang.",
        "Trang “Loại cơ quan, đơn vị”, dòng 2, cột B “Tên loại”: tên loại không được để trống.",
        "Dòng 2, cột D “Mã loại”: không có loại cơ quan có mã “ubnd-phuong”.",
    ]


# --- the 2025 demo's agencies --------------------------------------------------------------------


def test_the_dong_nai_2025_agencies_load_with_the_department_mergers(reference):
    from assessments.dong_nai_2025 import load_dong_nai_2025

    p2022 = published_period(2022)
    final_result(p2022, agency("so-khoa-hoc-cong-nghe"), "2.10", "A")
    final_result(p2022, agency("so-thong-tin-truyen-thong"), "2.75", "A+")

    # 95 communes and wards, Sở NN&MT and the kind; 9 departments reordered, 11 districts closed.
    assert load_dong_nai_2025() == {"agencies": (97, 20), "changes": (5, 0)}
    communes = Agency.objects.filter(kind__code="ubnd-xa")
    assert communes.count() == 95
    assert communes.filter(name__startswith="UBND phường").count() == 23
    assert set(
        communes.filter(
            code__in=[
                "phuong-bien-hoa",
                "phuong-tran-bien",
                "phuong-binh-phuoc",
                "phuong-dong-xoai",
            ]
        ).values_list("name", flat=True)
    ) == {
        "UBND phường Biên Hòa",
        "UBND phường Trấn Biên",
        "UBND phường Bình Phước",
        "UBND phường Đồng Xoài",
    }
    ended = Agency.objects.filter(ended_on=MERGE_DAY).order_by("code")
    assert list(ended.values_list("code", flat=True)) == [
        "so-giao-thong-van-tai",
        "so-ke-hoach-dau-tu",
        "so-lao-dong-tbxh",
        "so-nong-nghiep-ptnt",
        "so-tai-nguyen-moi-truong",
        "so-thong-tin-truyen-thong",
    ]
    assert not Agency.objects.filter(kind__code="ubnd-cap-huyen", is_active=True).exists()
    assert [p.label for p in lineage.trend(agency("so-khoa-hoc-cong-nghe"))] == [
        "Sở Khoa học và Công nghệ",
        "Sở Thông tin và Truyền thông (trước khi hợp nhất)",
    ]
    # A second run changes nothing.
    assert load_dong_nai_2025() == {"agencies": (0, 0), "changes": (0, 0)}


def test_the_daily_command_closes_agencies_whose_merge_has_come_into_effect(reference):
    import io

    from django.core.management import call_command

    merge(["so-thong-tin-truyen-thong"], "so-khoa-hoc-cong-nghe")
    Agency.objects.filter(code="so-thong-tin-truyen-thong").update(is_active=True)
    out = io.StringIO()

    call_command("close_ended_agencies", stdout=out)

    assert out.getvalue() == "Đã chuyển 1 cơ quan, đơn vị sang ngừng hoạt động.\n"
    assert agency("so-thong-tin-truyen-thong").is_active is False


def test_an_old_ranking_is_searched_by_the_name_it_shows(reference):
    old = published_period(2022)
    final_result(old, agency("so-ngoai-vu"), "2.10", "A")
    lineage.record_change(
        actor=None,
        kind=AgencyChangeKind.RENAME,
        effective_date=MERGE_DAY,
        predecessors=[agency("so-ngoai-vu")],
        new_name="Sở Hợp tác quốc tế",
        decision=DECISION,
    )

    page = Client().get(reverse("public:period_results", args=[2022]), {"q": "Ngoại vụ"})

    assert ">Sở Ngoại vụ</a>" in page.content.decode()
