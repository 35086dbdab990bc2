"""The administration workbooks: consistency of what is imported, the kind of a table, round
trips through the portal's own exports, control characters, damaged files, readable parameter
columns and the layout written (issue 10 point 7 and 8, issue 12)."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.criteria_io import dump_table
from assessments.enums import Role
from assessments.exports.agencies_xlsx import AccountsExport, AgenciesExport
from assessments.exports.consolidated_xlsx import ConsolidatedXlsx
from assessments.exports.criteria_xlsx import CriteriaTableExport
from assessments.forms.administration import AccountForm, AgencyForm, AgencyKindForm
from assessments.imports import (
    WorkbookError,
    import_accounts_workbook,
    import_agencies_workbook,
    import_criteria_workbook,
    parse_criteria_workbook,
)
from assessments.models import Agency, AgencyKind, AuditEntry, User
from assessments.results import load_period_results
from tests.assessments.admin_workbooks import edited, row_of, simple_workbook, table_workbook
from tests.assessments.results_helpers import build_results
from tests.factories import make_period, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DAMAGED = (
    "Tệp Excel bị hỏng hoặc không đầy đủ (nội dung không đọc được). Hãy mở tệp bằng Excel "
    "hoặc LibreOffice, lưu lại thành .xlsx rồi tải lên lại."
)


@pytest.fixture
def table(period):
    return period.tables.get(kind__code="so-ban-nganh")


@pytest.fixture
def new_period(reference):
    return make_period(code="2023", year=2023, tables=False)


@pytest.fixture
def admin_client(administrator, client_for):
    return client_for(administrator)


def column_of(sheet, header) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == header)


def _rows(table):
    return {row["code"]: n for n, row in enumerate(dump_table(table)["rows"], start=2)}


# Consistency -------------------------------------------------------------------------------


def test_criteria_that_sum_to_more_than_their_group_maximum_are_refused(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=column_of(sheet, "Điểm tối đa")).value = 0.45

    _data, errors = parse_criteria_workbook(table_workbook(table, change))
    assert errors == [
        f"Dòng {_rows(table)['II']}, cột E “Điểm tối đa” (mã II): tổng điểm tối đa các tiêu "
        "chí của nhóm là 1,35, phải bằng điểm tối đa của nhóm (1,20)."
    ]


def test_a_phu_luc_1_workbook_uploaded_as_phu_luc_2_is_refused(table, new_period, administrator):
    kind = AgencyKind.objects.get(code="don-vi-su-nghiep")
    with pytest.raises(WorkbookError) as caught:
        import_criteria_workbook(table_workbook(table), new_period, kind, actor=administrator)
    assert caught.value.errors == [
        "Trang “Thông tin”, dòng 1, cột B “Phụ lục”: tệp là bảng “Phụ lục 1”, còn loại "
        f"“{kind.name}” dùng “Phụ lục 2”. Hãy chọn đúng loại cơ quan, đơn vị hoặc tải lên "
        "đúng tệp."
    ]
    assert new_period.tables.count() == 0


def test_the_upload_page_refuses_a_workbook_of_another_kind(admin_client, period, table):
    other = period.tables.get(kind__code="don-vi-su-nghiep")
    before = dump_table(other)
    upload = SimpleUploadedFile("pl1.xlsx", table_workbook(table), content_type=XLSX)
    response = admin_client.post(
        reverse("assessments:admin_table_upload", args=[period.code]),
        {"kind": other.kind.pk, "file": upload},
    )
    assert response.status_code == 200
    assert response.context["errors"][0].startswith(
        "Trang “Thông tin”, dòng 1, cột B “Phụ lục”: tệp là bảng “Phụ lục 1”"
    )
    assert dump_table(period.tables.get(kind=other.kind)) == before
    assert list(period.tables.values_list("label", flat=True).order_by("label")) == [
        "Phụ lục 1",
        "Phụ lục 2",
        "Phụ lục 3",
    ]


def test_readable_parameter_columns_import_back_unchanged(period, new_period, administrator):
    table = period.tables.get(kind__code="so-ban-nganh")
    sheet = load_workbook(io.BytesIO(CriteriaTableExport(table).render()))["Tiêu chí"]
    header = [cell.value for cell in sheet[1]]

    def cells(code):
        values = [cell.value for cell in sheet[row_of(sheet, code)]]
        return {key: value for key, value in zip(header, values, strict=True) if value}

    assert cells("II.1")["Mức theo tỷ lệ (ngưỡng %: điểm)"] == "90: 0,40\n70: 0,25\n50: 0,10"
    assert cells("I.1")["Lựa chọn (mã | nội dung | điểm)"] == (
        "truoc-31-3 | Ban hành trước ngày 31/3/2022 | 0,10\n"
        "sau-31-3 | Ban hành sau ngày 31/3/2022 | 0,05\n"
        "chua-ban-hanh | Chưa ban hành | 0"
    )
    assert cells("Đ.1")["Điểm mỗi mục hoặc mỗi vi phạm"] == "0,25"
    assert not any("Tham số khác (JSON)" in cells(code) for code in _rows(table))
    copy = import_criteria_workbook(
        CriteriaTableExport(table).render(), new_period, table.kind, actor=administrator
    )
    assert dump_table(copy)["rows"] == dump_table(table)["rows"]


def test_parameters_the_columns_cannot_show_exactly_stay_as_json():
    from assessments.workbooks import params_to_columns

    params = {"per_item": "0.05", "items": [], "unit_label": "quy chế"}
    assert params_to_columns("count", params) == {
        "other_params": '{"per_item": "0.05", "items": [], "unit_label": "quy chế"}'
    }
    assert params_to_columns("yes_no", {"label_yes": "Đã ban hành"}) == {
        "other_params": '{"label_yes": "Đã ban hành"}'
    }


def test_accounts_round_trip_through_their_own_export_unchanged(reference, administrator):
    # The demo's officers who submit for agencies without an account of their own have no
    # surname and no e-mail address (the old import refused two cells for each of them).
    for code in ("so-y-te", "so-xay-dung"):
        User.objects.create(
            username=f"canbo-{code}",
            role=Role.OFFICER,
            agency=Agency.objects.get(code=code),
            first_name="Cán bộ đầu mối",
        )
    make_user(
        "stc_lan",
        agency=Agency.objects.get(code="so-tai-chinh"),
        first_name="Lan",
        last_name="Nguyễn Thị",
        phone="0251 3822 111",
    )
    content = AccountsExport().render()
    assert import_accounts_workbook(content, actor=administrator) == (0, 0)
    assert AuditEntry.objects.count() == 0


def test_a_new_account_still_needs_an_address_for_its_password_link(reference, administrator):
    content = simple_workbook(
        "Tài khoản",
        [
            ["Tên đăng nhập", "Họ và tên đệm", "Tên", "Thư điện tử", "Mã cơ quan"],
            ["canbo-moi", "", "Cán bộ", "", "so-y-te"],
        ],
    )
    with pytest.raises(WorkbookError) as caught:
        import_accounts_workbook(content, actor=administrator)
    assert caught.value.errors == [
        "Dòng 2, cột B “Họ và tên đệm”: không được để trống.",
        "Dòng 2, cột D “Thư điện tử”: “” không phải là địa chỉ thư hợp lệ (cần để gửi đường "
        "dẫn đặt mật khẩu).",
    ]


def test_agencies_round_trip_with_inactive_agencies_and_every_column(reference, administrator):
    agency = Agency.objects.get(code="so-y-te")
    agency.short_name, agency.email, agency.is_active = "SYT", "syt@dongnai.gov.vn", False
    agency.save()
    assert import_agencies_workbook(AgenciesExport().render(), actor=administrator) == (0, 0)
    assert AuditEntry.objects.count() == 0


# Control characters ------------------------------------------------------------------------


def test_a_control_character_in_an_imported_name_is_refused(reference, administrator):
    # Excel writes a control character as _x0001_ in the file.
    content = simple_workbook(
        "Cơ quan, đơn vị",
        [
            ["Mã", "Tên cơ quan, đơn vị", "Mã loại"],
            ["xa-a", "UBND xã_x0001_ A", "ubnd-cap-huyen"],
        ],
    )
    with pytest.raises(WorkbookError) as caught:
        import_agencies_workbook(content, actor=administrator)
    assert caught.value.errors == [
        "Dòng 2, cột B “Tên cơ quan, đơn vị”: có ký tự điều khiển không in được (U+0001); "
        "hãy gõ lại nội dung ô này."
    ]
    assert not Agency.objects.filter(code="xa-a").exists()


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (
            AgencyForm,
            {"code": "xa-a", "name": "UBND xã\x01 A", "order": 0, "is_active": True},
            "name",
        ),
        (
            AgencyKindForm,
            {"code": "xa", "name": "Cấp\x1f xã", "appendix_label": "Phụ lục 4", "order": 4},
            "name",
        ),
        (
            AccountForm,
            {"username": "lan", "last_name": "Nguyễn\x07", "first_name": "Lan", "role": "admin"},
            "last_name",
        ),
    ],
)
def test_a_control_character_typed_in_a_form_is_refused(reference, form_class, data, field):
    if form_class is AgencyForm:
        data["kind"] = AgencyKind.objects.get(code="ubnd-cap-huyen").pk
    form = form_class(data)
    assert not form.is_valid()
    code = re.search(r"[\x00-\x1f]", data[field]).group()
    assert form.errors[field] == [
        f"Có ký tự điều khiển không in được (mã U+{ord(code):04X}); hãy gõ lại nội dung này."
    ]


def test_exports_survive_a_legacy_name_with_a_control_character(period, reviewer, lead):
    period, _agencies = build_results(period, count=3, reviewer=reviewer, lead=lead)
    Agency.objects.filter(code="so-tai-chinh").update(name="Sở Tài\x01 chính")
    agencies = load_workbook(io.BytesIO(AgenciesExport().render()))["Cơ quan, đơn vị"]
    assert "Sở Tài chính" in [row[1] for row in agencies.iter_rows(values_only=True)]
    consolidated = load_workbook(io.BytesIO(ConsolidatedXlsx(load_period_results(period)).render()))
    names = [row[1] for row in consolidated["Tổng hợp"].iter_rows(values_only=True)]
    assert "Sở Tài chính" in names


# Damaged files -----------------------------------------------------------------------------


def _damaged(content: bytes, how: str) -> bytes:
    if how == "cut":
        return content[: len(content) // 2]
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                if how == "truncated":
                    data = data[: len(data) // 2]
                else:
                    data = data.replace(b"</row>", b"</c></row>", 1)
            target.writestr(info.filename, data)
    return out.getvalue()


IMPORT_PAGES = {
    "criteria": ("assessments:admin_table_upload", True),
    "agencies": ("assessments:admin_agencies_import", False),
    "accounts": ("assessments:admin_accounts_import", False),
}


@pytest.mark.parametrize("how", ["truncated", "malformed", "cut"])
@pytest.mark.parametrize("which", ["criteria", "agencies", "accounts"])
def test_a_damaged_workbook_gets_a_message_next_to_the_file_field(
    admin_client, period, table, agency_a, which, how
):
    make_user("canbo_a", agency=agency_a)
    content = {
        "criteria": lambda: CriteriaTableExport(table).render(),
        "agencies": lambda: AgenciesExport().render(),
        "accounts": lambda: AccountsExport().render(),
    }[which]()
    name, per_period = IMPORT_PAGES[which]
    url = reverse(name, args=[period.code] if per_period else [])
    data = {"file": SimpleUploadedFile("tep.xlsx", _damaged(content, how), content_type=XLSX)}
    if per_period:
        data["kind"] = table.kind.pk
    before = AuditEntry.objects.count()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    expected = (
        "Không đọc được tệp: hãy chọn tệp Excel .xlsx (tải mẫu từ trang này)."
        if how == "cut"
        else DAMAGED
    )
    assert response.context["form"].errors == {"file": [expected]}
    assert expected in response.text
    assert AuditEntry.objects.count() == before


# Layout ------------------------------------------------------------------------------------


def test_imports_and_exports_do_not_import_each_other():
    root = Path(__file__).resolve().parents[2] / "assessments"
    imports_source = (root / "imports.py").read_text(encoding="utf-8")
    assert "assessments.exports" not in imports_source
    for path in (root / "exports").glob("*.py"):
        assert "assessments.imports" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("which", ["template", "table", "agencies", "accounts"])
def test_every_admin_workbook_has_properties_page_set_up_and_one_font(period, which):
    export = {
        "template": lambda: CriteriaTableExport(),
        "table": lambda: CriteriaTableExport(period.tables.get(kind__code="so-ban-nganh")),
        "agencies": lambda: AgenciesExport(),
        "accounts": lambda: AccountsExport(),
    }[which]()
    workbook = load_workbook(io.BytesIO(export.render()))
    department = period.evaluating_agency.name
    assert workbook.properties.creator == department
    assert workbook.properties.title
    first = workbook.worksheets[0]
    assert (first.page_setup.paperSize, first.page_setup.orientation) == (9, "landscape")
    assert first.sheet_properties.pageSetUpPr.fitToPage is True
    assert first.page_setup.fitToHeight == 0
    assert first.print_title_rows == "$1:$1"
    header = first[1]
    assert all(cell.border.left.style == "thin" for cell in header)
    fonts = {
        cell.font.name
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert fonts == {"Times New Roman"}


def test_wrapped_text_gets_row_heights(period):
    table = period.tables.get(kind__code="so-ban-nganh")
    sheet = load_workbook(io.BytesIO(CriteriaTableExport(table).render()))["Tiêu chí"]
    row = row_of(sheet, "II.1")
    # Three tiers on three lines, and the longest title wraps over three lines of 42 characters.
    assert sheet.row_dimensions[row].height >= 3 * 15


def test_an_officer_export_holds_no_other_role(reference, administrator, reviewer):
    sheet = load_workbook(io.BytesIO(AccountsExport().render()))["Tài khoản"]
    usernames = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "thamdinh" not in usernames
    assert User.objects.filter(role=Role.REVIEWER).exists()


def test_a_workbook_edited_by_hand_keeps_reading(table):
    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=3).value = "Tỷ lệ hồ sơ xử lý trên mạng"

    data, errors = parse_criteria_workbook(edited(table_workbook(table), change))
    assert errors == []
    assert next(r for r in data["rows"] if r["code"] == "II.2")["title"] == (
        "Tỷ lệ hồ sơ xử lý trên mạng"
    )
