"""Excel imports: criteria tables round-trip exactly, every mistake is named by row and column,
and nothing is written unless the whole workbook is valid."""

import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from assessments.criteria_io import CriteriaImportError, dump_table
from assessments.enums import Role
from assessments.exports.agencies_xlsx import AccountsExport, AgenciesExport
from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.imports import (
    WorkbookError,
    import_accounts_workbook,
    import_agencies_workbook,
    import_criteria_workbook,
    parse_criteria_workbook,
)
from assessments.models import Agency, AuditEntry, User
from assessments.services import get_or_create_submission
from tests.assessments.admin_workbooks import edited, row_of, simple_workbook, table_workbook
from tests.factories import make_period


@pytest.fixture
def table(period):
    return period.tables.get(kind__code="so-ban-nganh")


@pytest.fixture
def new_period(reference):
    return make_period(code="2023", year=2023, tables=False)


# Columns of the “Tiêu chí” sheet (1-based).
MAXIMUM, TIERS, PER_UNIT, OTHER, ALLOW_NA = 5, 9, 12, 14, 17


def errors_of(content):
    _data, errors = parse_criteria_workbook(content)
    return errors


@pytest.mark.parametrize("kind", ["so-ban-nganh", "don-vi-su-nghiep", "ubnd-cap-huyen"])
def test_export_then_import_gives_the_same_table(period, new_period, administrator, kind):
    table = period.tables.get(kind__code=kind)
    copy = import_criteria_workbook(
        CriteriaTableExport(table).render(), new_period, table.kind, actor=administrator
    )
    assert dump_table(copy) == dump_table(table)


def test_the_template_documents_every_column_and_has_no_rows(reference):
    workbook = load_workbook(io.BytesIO(CriteriaTableExport().render()))
    assert workbook.sheetnames == ["Tiêu chí", "Thông tin", "Hướng dẫn"]
    assert [cell.value for cell in workbook["Tiêu chí"][1]] == [
        "Mã",
        "Nhóm cha",
        "Nội dung tiêu chí",
        "Cách tính điểm",
        "Điểm tối đa",
        "Tên tử số",
        "Tên mẫu số",
        "Đơn vị đếm",
        "Mức theo tỷ lệ (ngưỡng %: điểm)",
        "Lựa chọn (mã | nội dung | điểm)",
        "Danh mục (mỗi dòng một mục)",
        "Điểm mỗi mục hoặc mỗi vi phạm",
        "Mức trần",
        "Tham số khác (JSON)",
        "Hướng dẫn chấm",
        "Tài liệu kiểm chứng",
        "Cho phép không áp dụng",
        "Bắt buộc tài liệu kiểm chứng",
        "Đo tự động (điền sẵn)",
    ]
    assert workbook["Tiêu chí"].max_row == 1
    explained = " ".join(row[0] for row in workbook["Hướng dẫn"].iter_rows(values_only=True))
    for header in ("Mã", "Nhóm cha", "Cách tính điểm", "Điểm tối đa", "Tên tử số", "Mức trần"):
        assert header in explained


def test_a_missing_column_is_named(table):
    content = table_workbook(table, lambda wb: wb["Tiêu chí"].delete_cols(MAXIMUM))
    assert errors_of(content) == ["Trang “Tiêu chí” thiếu cột “Điểm tối đa”."]


def test_a_duplicate_code_names_both_rows(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "I.2"), column=1).value = "I.1"

    rows = _rows(table)
    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {rows['I.2']}, cột A “Mã”: mã “I.1” trùng với dòng {rows['I.1']}."
    ]


def test_a_bad_rule_parameter_is_named_with_its_column(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "I.2"), column=PER_UNIT).value = None

    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {_rows(table)['I.2']}, cột L “Điểm mỗi mục hoặc mỗi vi phạm”: "
        "Thiếu tham số “per_item”."
    ]


def test_maxima_that_do_not_sum_to_three_are_refused(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "I"), column=MAXIMUM).value = 0.2

    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {_rows(table)['I']}, cột E “Điểm tối đa” (mã I): tổng điểm tối đa các tiêu chí "
        "của nhóm là 0,30, phải bằng điểm tối đa của nhóm (0,20).",
        "Tổng điểm tối đa các nhóm là 2,90, phải bằng 3,00.",
    ]


def test_text_in_a_number_cell_is_named(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=MAXIMUM).value = "ba mươi"

    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {_rows(table)['II.2']}, cột E “Điểm tối đa”: “ba mươi” không phải là số."
    ]


def test_every_error_of_a_workbook_is_listed_at_once(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=4).value = "Phần trăm"
        sheet.cell(row=row_of(sheet, "II.3"), column=OTHER).value = "{numerator_label"
        sheet.cell(row=row_of(sheet, "II.4"), column=ALLOW_NA).value = "Có thể"
        sheet.cell(row=row_of(sheet, "II.5"), column=3).value = None
        sheet.cell(row=row_of(sheet, "I.3"), column=TIERS).value = "90: 0,10\n70 điểm 0,05"
        sheet.cell(row=row_of(sheet, "V.2"), column=MAXIMUM).value = 0.25

    rows = _rows(table)
    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {rows['I.3']}, cột I “Mức theo tỷ lệ (ngưỡng %: điểm)”: “70 điểm 0,05” phải có "
        "dạng “ngưỡng %: điểm”, ví dụ “90: 0,40”.",
        f"Dòng {rows['II.2']}, cột D “Cách tính điểm”: “Phần trăm” không phải là cách tính "
        "điểm hợp lệ (Có/Không, Tỷ lệ, Theo mức, Đếm số lượng, Điểm trừ, So với đơn vị cao nhất, "
        "So với trung bình).",
        f"Dòng {rows['II.3']}, cột N “Tham số khác (JSON)”: tham số không đúng định dạng JSON "
        "(cần {…}).",
        f"Dòng {rows['II.4']}, cột Q “Cho phép không áp dụng”: “Có thể” phải là “Có” hoặc “Không”.",
        f"Dòng {rows['II.5']}, cột C “Nội dung tiêu chí”: nội dung tiêu chí không được để trống.",
        # Table-wide checks in the same pass, for the groups whose rows have no error.
        f"Dòng {rows['V']}, cột E “Điểm tối đa” (mã V): tổng điểm tối đa các tiêu chí của nhóm "
        "là 0,40, phải bằng điểm tối đa của nhóm (0,30).",
    ]


def test_a_structural_error_names_the_row_and_the_code(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "I.1"), column=2).value = "IX"

    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {_rows(table)['I.1']}, cột B “Nhóm cha” (mã I.1): nhóm cha “IX” không tồn tại."
    ]


def test_formulas_are_not_evaluated(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=MAXIMUM).value = "=0.1+0.2"

    assert errors_of(table_workbook(table, change)) == [
        f"Dòng {_rows(table)['II.2']}, cột E “Điểm tối đa”: Tiêu chí phải có điểm tối đa."
    ]


def test_vietnamese_decimal_text_is_read(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=MAXIMUM).value = "0,30"

    data, errors = parse_criteria_workbook(table_workbook(table, change))
    assert errors == []
    assert next(row for row in data["rows"] if row["code"] == "II.2")["maximum"] == "0.30"


def test_formula_like_text_is_neutralised_in_the_export_and_read_back(
    table, new_period, administrator
):
    table.criteria.filter(code="II.2").update(title='=HYPERLINK("http://x")')
    content = CriteriaTableExport(table).render()
    sheet = load_workbook(io.BytesIO(content))["Tiêu chí"]
    assert sheet.cell(row=_rows(table)["II.2"], column=3).value == '\'=HYPERLINK("http://x")'
    copy = import_criteria_workbook(content, new_period, table.kind, actor=administrator)
    assert copy.criteria.get(code="II.2").title == '=HYPERLINK("http://x")'


def test_a_file_that_is_not_a_workbook_is_refused(reference):
    assert errors_of_raw(b"PK\x03\x04 not really") == [
        "Không đọc được tệp: hãy chọn tệp Excel .xlsx (tải mẫu từ trang này)."
    ]


def test_a_workbook_without_the_criteria_sheet_is_refused(reference):
    content = simple_workbook("Sheet1", [["Mã"]])
    assert errors_of(content) == ["Tệp không có trang “Tiêu chí”."]


def test_a_table_with_submissions_is_never_replaced(period, agency_a, administrator, table):
    get_or_create_submission(agency_a, period)
    before = dump_table(table)
    with pytest.raises(CriteriaImportError) as caught:
        import_criteria_workbook(
            table_workbook(table), period, table.kind, actor=administrator, filename="pl1.xlsx"
        )
    assert caught.value.errors == [
        f"Phụ lục 1 của kỳ “{period}” đã có hồ sơ tự đánh giá; không thể thay thế. Hãy tạo "
        "kỳ đánh giá mới hoặc xóa hồ sơ thử trước."
    ]
    table.refresh_from_db()
    assert dump_table(period.tables.get(kind=table.kind)) == before


def test_replacing_a_table_without_submissions_writes_it_and_an_audit_row(
    period, table, administrator
):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=3).value = "Tỷ lệ hồ sơ xử lý trên mạng"

    replaced = import_criteria_workbook(
        table_workbook(table, change), period, table.kind, actor=administrator, filename="a.xlsx"
    )
    assert replaced.criteria.get(code="II.2").title == "Tỷ lệ hồ sơ xử lý trên mạng"
    entry = AuditEntry.objects.get(action="replace_table")
    assert (entry.actor, entry.target, entry.new_value, entry.reason) == (
        administrator,
        "Phụ lục 1",
        "26 dòng",
        "Nhập từ tệp a.xlsx",
    )


def test_a_failed_import_writes_nothing(period, new_period, table, administrator):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "I"), column=6).value = 0.2

    with pytest.raises(WorkbookError):
        import_criteria_workbook(
            table_workbook(table, change), new_period, table.kind, actor=administrator
        )
    assert new_period.tables.count() == 0
    assert AuditEntry.objects.filter(period=new_period).count() == 0


def test_a_workbook_over_five_megabytes_is_refused(reference):
    assert errors_of_raw(b"0" * (5 * 1024 * 1024 + 1)) == ["Tệp quá lớn (5,0 MB); tối đa 5 MB."]


def errors_of_raw(content):
    try:
        return errors_of(content)
    except WorkbookError as error:
        return error.errors


def _rows(table):
    """Sheet row number of each code in an export: header, then rows in table order."""
    return {code: index for index, code in enumerate(_codes(table), start=2)}


def _codes(table):
    return [row["code"] for row in dump_table(table)["rows"]]


# Agencies and accounts -----------------------------------------------------------------------


def test_agencies_round_trip_changes_nothing(reference, administrator):
    content = AgenciesExport().render()
    assert import_agencies_workbook(content, actor=administrator) == (0, 0)
    assert AuditEntry.objects.count() == 0


def test_agencies_import_adds_and_updates_with_audit_rows(reference, administrator):
    def change(workbook):
        sheet = workbook["Cơ quan, đơn vị"]
        sheet.append(["xa-phu-hoi", "UBND xã Phú Hội", "", "ubnd-cap-huyen", "", 99, "Có"])
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "so-y-te")
        sheet.cell(row=row, column=5).value = "syt@dongnai.gov.vn"

    content = edited(AgenciesExport().render(), change)
    assert import_agencies_workbook(content, actor=administrator) == (1, 1)
    assert Agency.objects.get(code="xa-phu-hoi").kind.code == "ubnd-cap-huyen"
    assert Agency.objects.get(code="so-y-te").email == "syt@dongnai.gov.vn"
    assert list(AuditEntry.objects.values_list("action", "target", "field", "new_value")) == [
        ("update_agency", "Sở Y tế", "email", "syt@dongnai.gov.vn"),
        ("create_agency", "UBND xã Phú Hội", "", "UBND xã Phú Hội"),
    ]


def test_agencies_import_lists_every_error_and_writes_nothing(reference, administrator):
    content = simple_workbook(
        "Cơ quan, đơn vị",
        [
            ["Mã", "Tên cơ quan, đơn vị", "Mã loại", "Thư điện tử", "Thứ tự"],
            ["xa-a", "UBND xã A", "ubnd-cap-xa", "", ""],
            ["xa-a", "UBND xã B", "ubnd-cap-huyen", "khong-phai-thu", "hai"],
            ["Xã C", "Sở Y tế", "ubnd-cap-huyen", "", ""],
        ],
    )
    with pytest.raises(WorkbookError) as caught:
        import_agencies_workbook(content, actor=administrator)
    assert caught.value.errors == [
        "Dòng 2, cột C “Mã loại”: không có loại cơ quan có mã “ubnd-cap-xa”.",
        "Dòng 3, cột A “Mã”: mã “xa-a” trùng với dòng 2.",
        "Dòng 3, cột D “Thư điện tử”: “khong-phai-thu” không phải là địa chỉ thư hợp lệ.",
        "Dòng 3, cột E “Thứ tự”: “hai” không phải là số.",
        "Dòng 4, cột A “Mã”: mã “Xã C” chỉ được gồm chữ không dấu, số và dấu gạch ngang.",
        "Dòng 4, cột B “Tên cơ quan, đơn vị”: tên “Sở Y tế” đã dùng cho cơ quan có mã “so-y-te”.",
    ]
    assert not Agency.objects.filter(code="xa-a").exists()


def test_accounts_import_creates_officers_who_set_their_own_password(
    reference, administrator, agency_a
):
    content = simple_workbook(
        "Tài khoản",
        [
            ["Tên đăng nhập", "Họ và tên đệm", "Tên", "Thư điện tử", "Mã cơ quan", "Chức vụ"],
            ["stc_lan", "Nguyễn Thị", "Lan", "lan@stc.dongnai.gov.vn", "so-tai-chinh", "CV"],
        ],
    )
    with_commit = pytest.importorskip("django.test").TestCase.captureOnCommitCallbacks
    with with_commit(execute=True):
        assert import_accounts_workbook(content, actor=administrator) == (1, 0)
    user = User.objects.get(username="stc_lan")
    assert (user.role, user.agency, user.has_usable_password()) == (Role.OFFICER, agency_a, False)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan@stc.dongnai.gov.vn"]
    assert "/dat-mat-khau/" in mail.outbox[0].body
    # Round trip: exporting and importing again changes nothing.
    assert import_accounts_workbook(AccountsExport().render(), actor=administrator) == (0, 0)


def test_accounts_import_names_every_mistake(reference, administrator, reviewer):
    content = simple_workbook(
        "Tài khoản",
        [
            ["Tên đăng nhập", "Họ và tên đệm", "Tên", "Thư điện tử", "Mã cơ quan"],
            ["thamdinh", "Phạm", "Bình", "b@example.gov.vn", "so-tai-chinh"],
            ["có dấu cách", "", "An", "", "khong-co"],
        ],
    )
    with pytest.raises(WorkbookError) as caught:
        import_accounts_workbook(content, actor=administrator)
    assert caught.value.errors == [
        "Dòng 2, cột A “Tên đăng nhập”: “thamdinh” là tài khoản chuyên viên thẩm định, "
        "không phải cán bộ đầu mối.",
        "Dòng 3, cột A “Tên đăng nhập”: tên đăng nhập “có dấu cách” chỉ được gồm chữ, số và "
        "các ký tự @ . + - _.",
        "Dòng 3, cột B “Họ và tên đệm”: không được để trống.",
        "Dòng 3, cột D “Thư điện tử”: “” không phải là địa chỉ thư hợp lệ (cần để gửi đường "
        "dẫn đặt mật khẩu).",
        "Dòng 3, cột E “Mã cơ quan”: không có cơ quan, đơn vị có mã “khong-co”.",
    ]
