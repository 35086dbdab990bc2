"""Facts prefilled from the province's systems: the import (every row error in one pass), the
dossier starting from them, re-import, the template, and the agency's accept / own value."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments import prefills, selfassessment
from assessments.criteria_io import dump_table, load_table
from assessments.enums import AuditAction, PeriodStatus, PrefillState
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.exports.prefill_xlsx import PrefillExport
from assessments.exports.self_assessment import SelfAssessmentPdf
from assessments.forms.answers import answer_of, self_assessment_form
from assessments.imports import WorkbookError, parse_criteria_workbook
from assessments.models import (
    Agency,
    AgencyKind,
    AuditEntry,
    CriteriaTable,
    ItemScore,
    PrefilledFact,
)
from assessments.results import load_period_results
from assessments.services import get_or_create_submission
from tests.assessments.prefill_helpers import (
    AS_OF,
    DOCUMENTS,
    PORTAL,
    mark_measurable,
    row,
    standard_rows,
    workbook_bytes,
)
from tests.factories import make_agency, make_period


@pytest.fixture
def measurable(period):
    mark_measurable(period)
    return period


def _facts(period) -> dict:
    return {
        (fact.agency.code, fact.criterion.code): (fact.inputs, fact.source, fact.as_of)
        for fact in PrefilledFact.objects.filter(period=period).select_related(
            "agency", "criterion"
        )
    }


def _import(period, rows, actor, **kwargs):
    return prefills.import_prefill_workbook(
        workbook_bytes(rows, **kwargs), period, actor=actor, filename="so-lieu.xlsx"
    )


def _errors(period, rows, actor, **kwargs) -> list[str]:
    with pytest.raises(WorkbookError) as raised:
        _import(period, rows, actor, **kwargs)
    return raised.value.errors


# --- the import -------------------------------------------------------------------------------


def test_import_stores_each_value_as_the_agency_form_would(measurable, agency_a, administrator):
    outcome = _import(measurable, standard_rows(), administrator)

    assert (outcome.created, outcome.replaced, outcome.unchanged, outcome.placed) == (3, 0, 0, 0)
    assert _facts(measurable) == {
        ("so-tai-chinh", "II.2"): (
            {"numerator": "1.234", "denominator": "1.300"},
            DOCUMENTS,
            AS_OF,
        ),
        ("so-tai-chinh", "II.5"): ({"count": "2"}, PORTAL, AS_OF),
        ("so-tai-chinh", "I.1"): ({"option": "truoc-31-3"}, DOCUMENTS, AS_OF),
    }
    fact = PrefilledFact.objects.get(criterion__code="II.2")
    assert fact.imported_by == administrator
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT_PREFILLS)
    assert (entry.period, entry.new_value, entry.reason) == (
        measurable,
        "3 mới, 0 thay, 0 giữ nguyên; điền vào 0 tiêu chí của phiếu đang soạn",
        "Nhập từ tệp so-lieu.xlsx",
    )


def test_a_percentage_text_dates_and_yes_no_words_are_read(measurable, agency_a, administrator):
    mark_measurable(measurable, ("I.3",))
    _import(
        measurable,
        [
            row("so-tai-chinh", "II.2", value="87,5", as_of="15/10/2022"),
            row("so-tai-chinh", "I.3", numerator="1.234", denominator="1.300", as_of="2022-10-15"),
        ],
        administrator,
    )

    assert _facts(measurable) == {
        ("so-tai-chinh", "II.2"): ({"percent": "87,5"}, DOCUMENTS, AS_OF),
        ("so-tai-chinh", "I.3"): ({"numerator": "1.234", "denominator": "1.300"}, DOCUMENTS, AS_OF),
    }


def test_every_row_error_is_reported_by_row_and_column_and_nothing_is_written(
    measurable, agency_a, administrator
):
    mark_measurable(measurable, ("II.3", "II.4"))

    errors = _errors(
        measurable,
        [
            row("khong-co", "II.2", numerator=1, denominator=2),
            row("so-tai-chinh", "X.9", value=1),
            row("so-tai-chinh", "III.1", numerator=1, denominator=2),
            row("so-tai-chinh", "VI.1", value=1),
            row("so-tai-chinh", "II.2", numerator=5, denominator=2),
            row("so-tai-chinh", "II.5", value="nhiều"),
            row("so-tai-chinh", "I.1", value="khong-co-muc-nay"),
            row("so-tai-chinh", "II.3", numerator=1, denominator=2, source=""),
            row("so-tai-chinh", "II.4", value="day-du", as_of="ngày mai"),
            row("so-tai-chinh", "II.2", numerator=1, denominator=2),
        ],
        administrator,
    )

    assert errors == [
        "Dòng 2, cột A “Mã cơ quan”: không có cơ quan, đơn vị có mã “khong-co”.",
        "Dòng 3, cột C “Mã tiêu chí”: kỳ “Đánh giá ứng dụng CNTT năm 2022” không có tiêu chí "
        "mã “X.9”.",
        "Dòng 4, cột C “Mã tiêu chí”: tiêu chí “III.1” không được đánh dấu “Đo tự động (điền "
        "sẵn)” trong bảng tiêu chí; hãy đánh dấu trong bảng hoặc bỏ dòng này.",
        "Dòng 5, cột C “Mã tiêu chí”: tiêu chí “VI.1” thuộc Phụ lục 3, không thuộc bảng tiêu "
        "chí của loại “Sở, ban, ngành” mà “so-tai-chinh” tự đánh giá.",
        "Dòng 6, cột F “Tử số”: Tử số không được lớn hơn mẫu số.",
        "Dòng 7, cột E “Giá trị”: Giá trị “nhiều” không phải là số hợp lệ.",
        "Dòng 8, cột E “Giá trị”: “khong-co-muc-nay” không hợp lệ; cần mã một lựa chọn "
        "(“truoc-31-3”, “sau-31-3”, “chua-ban-hanh”).",
        "Dòng 9, cột H “Hệ thống nguồn”: hãy ghi hệ thống lấy số liệu.",
        "Dòng 10, cột I “Ngày lấy số liệu”: “ngày mai” không phải là ngày (ngày/tháng/năm, "
        "ví dụ 15/10/2025).",
        "Dòng 11, cột C “Mã tiêu chí”: cơ quan “so-tai-chinh” và tiêu chí “II.2” trùng với dòng 6.",
    ]
    assert PrefilledFact.objects.count() == 0
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT_PREFILLS).exists()


def test_a_date_after_today_is_refused(measurable, agency_a, administrator):
    tomorrow = dt.date.today() + dt.timedelta(days=2)

    assert _errors(
        measurable, [row("so-tai-chinh", "II.5", value=2, as_of=tomorrow)], administrator
    ) == [f"Dòng 2, cột I “Ngày lấy số liệu”: ngày lấy số liệu {tomorrow:%d/%m/%Y} chưa tới."]


def test_a_row_without_a_value_names_the_form_the_rule_takes(measurable, agency_a, administrator):
    errors = _errors(
        measurable,
        [row("so-tai-chinh", "II.2"), row("so-tai-chinh", "II.5"), row("so-tai-chinh", "I.1")],
        administrator,
    )

    assert errors == [
        "Dòng 2, cột E “Giá trị”: thiếu giá trị; cần tử số và mẫu số ở hai cột Tử số, Mẫu số "
        "(hoặc tỷ lệ % ở cột Giá trị).",
        "Dòng 3, cột E “Giá trị”: thiếu giá trị; cần một số (ví dụ 12).",
        "Dòng 4, cột E “Giá trị”: thiếu giá trị; cần mã một lựa chọn (“truoc-31-3”, "
        "“sau-31-3”, “chua-ban-hanh”).",
    ]


def test_rows_left_empty_from_the_template_are_skipped(measurable, agency_a, administrator):
    empty = row("so-tai-chinh", "II.5", source=None, as_of=None)

    outcome = _import(measurable, [*standard_rows(), empty], administrator)

    assert outcome.created == 3


def test_control_characters_and_missing_columns_are_refused(measurable, agency_a, administrator):
    assert _errors(
        measurable, [row("so-tai-chinh", "II.5", value=2, source="Cổng\x9f")], administrator
    ) == [
        "Dòng 2, cột H “Hệ thống nguồn”: có ký tự điều khiển không in được (U+009F); hãy gõ "
        "lại nội dung ô này."
    ]
    assert _errors(
        measurable,
        [["so-tai-chinh", "II.5", 2]],
        administrator,
        headers=["Mã cơ quan", "Mã tiêu chí", "Giá trị"],
    ) == [
        "Trang “Số liệu điền sẵn” thiếu cột “Hệ thống nguồn”.",
        "Trang “Số liệu điền sẵn” thiếu cột “Ngày lấy số liệu”.",
    ]


def test_a_closed_period_refuses_the_import(measurable, agency_a, administrator):
    measurable.status = PeriodStatus.REVIEW
    measurable.save(update_fields=["status"])

    assert _errors(measurable, standard_rows(), administrator) == [
        "Kỳ “Đánh giá ứng dụng CNTT năm 2022” không còn ở giai đoạn chuẩn bị hoặc tự đánh giá: "
        "số liệu điền sẵn chỉ nhập trước khi các cơ quan nộp hồ sơ."
    ]


def test_reimport_replaces_a_changed_fact_and_audits_old_and_new(
    measurable, agency_a, administrator
):
    _import(measurable, standard_rows(), administrator)
    rows = standard_rows()
    rows[1] = row("so-tai-chinh", "II.5", value=1, source=PORTAL, as_of=dt.date(2022, 10, 20))

    outcome = _import(measurable, rows, administrator)

    assert (outcome.created, outcome.replaced, outcome.unchanged) == (0, 1, 2)
    assert _facts(measurable)[("so-tai-chinh", "II.5")] == (
        {"count": "1"},
        PORTAL,
        dt.date(2022, 10, 20),
    )
    entry = AuditEntry.objects.get(action=AuditAction.REPLACE_PREFILL)
    assert (entry.target, entry.old_value, entry.new_value, entry.actor) == (
        "so-tai-chinh · II.5",
        "2 hệ thống (Cổng dịch vụ công, ngày 15/10/2022)",
        "1 hệ thống (Cổng dịch vụ công, ngày 20/10/2022)",
        administrator,
    )


@pytest.mark.parametrize("count", [1, 3])
def test_import_queries_do_not_grow_with_the_rows(count, measurable, agency_a, administrator):
    agencies = ["so-tai-chinh"] + [
        make_agency(f"so-thu-{index}", f"Sở thử {index}").code for index in range(2)
    ]
    content = workbook_bytes([row(code, "II.5", value=2) for code in agencies[:count]])

    with CaptureQueriesContext(connection) as queries:
        prefills.import_prefill_workbook(content, measurable, actor=administrator)

    assert PrefilledFact.objects.count() == count
    assert len(queries) == 8


# --- the dossier starts from the facts --------------------------------------------------------


def test_a_dossier_created_after_the_import_starts_from_the_facts(
    measurable, agency_a, administrator
):
    _import(measurable, standard_rows(), administrator)

    submission = get_or_create_submission(agency_a, measurable)

    items = {item.criterion.code: item for item in submission.items.select_related("criterion")}
    assert items["II.2"].inputs == {"numerator": "1.234", "denominator": "1.300"}
    assert items["II.2"].points == Decimal("0.28")
    assert items["II.5"].points == Decimal("0.20")
    assert items["I.1"].points == Decimal("0.10")
    assert {code for code, item in items.items() if item.prefill == PrefillState.OFFERED} == {
        "I.1",
        "II.2",
        "II.5",
    }
    assert items["II.3"].inputs == {} and items["II.3"].prefill == ""


def test_an_existing_draft_gets_facts_only_where_the_agency_has_not_answered(
    measurable, agency_a, officer_a, administrator
):
    submission = get_or_create_submission(agency_a, measurable)
    typed = submission.items.select_related("criterion").get(criterion__code="II.2")
    selfassessment.save_item(
        typed,
        actor=officer_a,
        answer=answer_of(typed, {"numerator": "10", "denominator": "20"}).answer,
        expected_version=typed.version,
    )
    version = submission.items.get(criterion__code="II.5").version

    outcome = _import(measurable, standard_rows(), administrator)

    items = {item.criterion.code: item for item in submission.items.select_related("criterion")}
    assert outcome.placed == 2
    assert items["II.2"].inputs == {"numerator": "10", "denominator": "20"}
    assert items["II.2"].prefill == ""
    assert (items["II.5"].inputs, items["II.5"].prefill, items["II.5"].version) == (
        {"count": "2"},
        PrefillState.OFFERED,
        version + 1,
    )
    placed = AuditEntry.objects.filter(action=AuditAction.PLACE_PREFILL).order_by("target")
    assert [(e.submission_id, e.target, e.old_value, e.new_value) for e in placed] == [
        (submission.pk, "I.1", "Chưa trả lời", "Ban hành trước ngày 31/3/2022"),
        (submission.pk, "II.5", "Chưa trả lời", "2 hệ thống"),
    ]


def test_reimport_updates_a_placed_value_but_never_one_the_agency_changed(
    measurable, agency_a, officer_a, administrator
):
    _import(measurable, standard_rows(), administrator)
    submission = get_or_create_submission(agency_a, measurable)
    own = submission.items.select_related("criterion").get(criterion__code="I.1")
    selfassessment.save_item(
        own,
        actor=officer_a,
        answer=answer_of(own, {"option": "sau-31-3", "explanation": "Ban hành ngày 5/4."}).answer,
        expected_version=own.version,
    )
    rows = [
        row("so-tai-chinh", "II.2", numerator=1250, denominator=1300),
        row("so-tai-chinh", "II.5", value=2, source=PORTAL),
        row("so-tai-chinh", "I.1", value="chua-ban-hanh"),
    ]

    outcome = _import(measurable, rows, administrator)

    items = {item.criterion.code: item for item in submission.items.select_related("criterion")}
    assert outcome.placed == 1
    assert items["II.2"].inputs == {"numerator": "1.250", "denominator": "1.300"}
    assert (items["I.1"].inputs, items["I.1"].prefill) == (
        {"option": "sau-31-3"},
        PrefillState.CHANGED,
    )


# --- the agency's answer ----------------------------------------------------------------------


@pytest.fixture
def prefilled(measurable, agency_a, administrator):
    _import(measurable, standard_rows(), administrator)
    submission = get_or_create_submission(agency_a, measurable)
    return submission.items.select_related("criterion", "submission").get(criterion__code="II.2")


def test_an_own_value_without_explanation_is_refused_next_to_the_explanation(prefilled):
    fact = prefills.fact_for_item(prefilled)
    form = self_assessment_form(
        prefilled,
        {f"c{prefilled.pk}-numerator": "1.200", f"c{prefilled.pk}-denominator": "1.300"},
        prefill=fact,
    )

    assert not form.is_valid()
    assert form.errors["explanation"] == [
        "Số liệu khác số liệu điền sẵn từ Hệ thống quản lý văn bản và điều hành "
        "(1.234/1.300 (94,92 %), ngày 15/10/2022): hãy giải trình vì sao số liệu của đơn vị khác."
    ]
    assert form.answer["inputs"] is None


def test_an_own_value_with_explanation_is_stored_as_changed(prefilled, officer_a):
    fact = prefills.fact_for_item(prefilled)
    form = self_assessment_form(
        prefilled,
        {
            f"c{prefilled.pk}-numerator": "1.200",
            f"c{prefilled.pk}-denominator": "1.300",
            f"c{prefilled.pk}-explanation": "34 văn bản mật không qua hệ thống.",
        },
        prefill=fact,
    )
    assert form.is_valid()

    saved = selfassessment.save_item(
        prefilled, actor=officer_a, answer=form.answer, expected_version=prefilled.version
    ).item

    assert (saved.inputs, saved.prefill, saved.points) == (
        {"numerator": "1.200", "denominator": "1.300"},
        PrefillState.CHANGED,
        Decimal("0.28"),
    )


def test_accepting_the_prefilled_value_is_recorded(prefilled, officer_a):
    accepted = selfassessment.accept_prefill(
        prefilled, actor=officer_a, expected_version=prefilled.version
    )

    assert (accepted.inputs, accepted.prefill, accepted.version) == (
        {"numerator": "1.234", "denominator": "1.300"},
        PrefillState.ACCEPTED,
        prefilled.version + 1,
    )
    entry = AuditEntry.objects.get(action=AuditAction.ACCEPT_PREFILL)
    assert (entry.actor, entry.target, entry.new_value, entry.reason) == (
        officer_a,
        "II.2",
        "1.234/1.300 (94,92 %)",
        "Hệ thống quản lý văn bản và điều hành, ngày 15/10/2022",
    )


def test_a_corrected_fact_replaces_an_accepted_value_and_asks_again(
    prefilled, officer_a, administrator
):
    """The agency accepted the province's figure, then the province corrects it: the dossier
    follows the corrected figure, offered again (the agency has not accepted this one)."""
    accepted = selfassessment.accept_prefill(
        prefilled, actor=officer_a, expected_version=prefilled.version
    )
    rows = [row("so-tai-chinh", "II.2", numerator=1250, denominator=1300)]

    outcome = _import(prefilled.submission.period, rows, administrator)

    item = ItemScore.objects.get(pk=prefilled.pk)
    assert outcome.placed == 1
    assert (item.inputs, item.prefill, item.version) == (
        {"numerator": "1.250", "denominator": "1.300"},
        PrefillState.OFFERED,
        accepted.version + 1,
    )
    entry = AuditEntry.objects.filter(action=AuditAction.PLACE_PREFILL).latest("pk")
    assert (entry.target, entry.old_value, entry.new_value) == (
        "II.2",
        "1.234/1.300 (94,92 %)",
        "1.250/1.300 (96,15 %)",
    )


def test_accepting_without_a_fact_is_refused(prefilled, officer_a):
    other = prefilled.submission.items.get(criterion__code="II.3")

    with pytest.raises(selfassessment.EditRefused) as refused:
        selfassessment.accept_prefill(other, actor=officer_a, expected_version=other.version)

    assert refused.value.message == "Tiêu chí này không có số liệu điền sẵn cho đơn vị."


# --- workbooks --------------------------------------------------------------------------------


def test_the_template_lists_every_agency_and_measurable_criterion_and_imports_back(
    measurable, agency_a, administrator
):
    _import(measurable, standard_rows(), administrator)

    content = PrefillExport(measurable).render()
    sheet = load_workbook(io.BytesIO(content))["Số liệu điền sẵn"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "so-tai-chinh"]
    outcome = prefills.import_prefill_workbook(content, measurable, actor=administrator)

    assert [(r[2], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("I.1", "truoc-31-3", None, None, DOCUMENTS),
        ("II.2", None, 1234, 1300, DOCUMENTS),
        ("II.5", 2, None, None, PORTAL),
    ]
    assert (outcome.created, outcome.replaced, outcome.unchanged) == (0, 0, 3)


def test_the_measurable_flag_goes_through_the_criteria_workbook(measurable):
    table = CriteriaTable.objects.get(period=measurable, label="Phụ lục 1")

    data, errors = parse_criteria_workbook(CriteriaTableExport(table).render(), table.kind)

    assert errors == []
    assert {r["code"] for r in data["rows"] if r["measurable"]} == {"I.1", "II.2", "II.5"}
    assert {r["code"] for r in dump_table(table)["rows"] if r["measurable"]} == {
        "I.1",
        "II.2",
        "II.5",
    }


# --- documents --------------------------------------------------------------------------------


def test_documents_mark_answers_from_a_fact_and_answers_the_agency_changed(prefilled, officer_a):
    own = prefilled.submission.items.select_related("criterion").get(criterion__code="I.1")
    selfassessment.save_item(
        own,
        actor=officer_a,
        answer=answer_of(own, {"option": "sau-31-3", "explanation": "Ban hành ngày 5/4."}).answer,
        expected_version=own.version,
    )
    period = prefilled.submission.period

    book = load_workbook(io.BytesIO(ConsolidatedXlsx(load_period_results(period)).render()))
    text = _pdf_text(SelfAssessmentPdf(prefilled.submission).render())

    assert book.sheetnames[-2:] == ["Số liệu điền sẵn", "Căn cứ và ngưỡng"]
    rows = list(book["Số liệu điền sẵn"].iter_rows(min_row=3, values_only=True))
    assert rows == [
        (1, "Sở Tài chính", "I.1", "Đơn vị sửa số liệu điền sẵn"),
        (2, "Sở Tài chính", "II.2", "Theo số liệu điền sẵn"),
        (3, "Sở Tài chính", "II.5", "Theo số liệu điền sẵn"),
    ]
    assert text.count("Theo số liệu điền sẵn") == 2
    assert text.count("Đơn vị sửa số liệu điền sẵn") == 1


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- the 2025 demo workbook -------------------------------------------------------------------

DEMO = Path(__file__).resolve().parents[2] / "fixtures/programs/dti-2025/so-lieu-dien-san.xlsx"


def _demo_table(kind, rows) -> dict:
    def criterion(code, rule, maximum, params):
        if rule == "tiers":
            params = {"basis": "percent", "tiers": [{"min": "90", "points": maximum}]}
        return {
            "code": code,
            "parent": "6",
            "title": f"Tiêu chí {code}",
            "rule": rule,
            "params": params,
            "maximum": maximum,
            "measurable": True,
        }

    built = [criterion(*values) for values in rows]
    total = sum(Decimal(row["maximum"]) for row in built)
    return {
        "kind": kind,
        "label": f"Bảng {kind}",
        "title": "Chỉ số chuyển đổi số (thử)",
        "scale_max": str(total),
        "rows": [
            {"code": "6", "title": "Hoạt động số", "maximum": str(total)},
            *built,
            {"code": "Đ", "title": "Điểm trừ"},
            {
                "code": "Đ.2",
                "parent": "Đ",
                "title": "Chậm báo cáo",
                "rule": "deduction",
                "params": {"per_violation": "1.00"},
                "maximum": "-3.00",
                "measurable": True,
            },
        ],
    }


def test_the_2025_demo_workbook_imports_through_import_prefills(reference, administrator):
    """The demo's prefill workbook against tables with the 2025 codes it names (the demo's own
    tables are seeded by the integrator): every row is read."""
    kind = AgencyKind.objects.create(code="ubnd-xa", name="UBND cấp xã", appendix_label="Phụ lục 4")
    make_agency("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường")
    for code, name in (
        ("phuong-bien-hoa", "Phường Biên Hòa"),
        ("phuong-tran-bien", "Phường Trấn Biên"),
    ):
        Agency.objects.create(code=code, name=name, kind=kind)
    period = make_period(code="dti-2025", year=2025, tables=False)
    ratio = {"numerator_label": "Số đạt", "denominator_label": "Tổng số"}
    load_table(
        _demo_table(
            "so-ban-nganh",
            [
                ("3.2.2", "ratio", "4.00", ratio),
                ("6.1.1", "tiers", "6.00", {}),
                ("6.1.2", "ratio", "4.00", ratio),
                ("6.1.3", "ratio", "4.00", ratio),
                ("6.2.1", "tiers", "8.00", {}),
                ("6.3.2", "count", "4.00", {"per_item": "1.00"}),
            ],
        ),
        period,
    )
    load_table(
        _demo_table(
            "ubnd-xa",
            [
                ("6.1.1", "tiers", "5.00", {}),
                ("6.1.2", "ratio", "5.00", ratio),
                ("6.2.1", "tiers", "6.00", {}),
            ],
        ),
        period,
    )

    outcome = prefills.import_prefills(period, DEMO, administrator)

    assert (outcome.created, outcome.replaced) == (20, 0)
    fact = PrefilledFact.objects.get(agency__code="phuong-bien-hoa", criterion__code="6.2.1")
    assert (fact.inputs, fact.source, fact.as_of) == (
        {"numerator": "4.100", "denominator": "5.000"},
        "Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh",
        dt.date(2025, 10, 15),
    )
