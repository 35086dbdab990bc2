"""The administration pages as an administrator uses them: each change is made through the
domain functions, leaves an audit row, and every mistake gets a Vietnamese message."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessments import periods
from assessments.criteria_io import dump_table
from assessments.enums import PeriodStatus, Role, SubmissionStatus
from assessments.forms.administration import BAND_ROWS
from assessments.models import (
    Agency,
    AgencyKind,
    AuditEntry,
    Extension,
    Notification,
    Period,
    Program,
    ReminderLog,
    User,
)
from assessments.queries import annotate_extension
from assessments.services import get_or_create_submission
from tests.assessments.admin_workbooks import row_of, table_workbook
from tests.factories import make_agency, make_period, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_client(administrator, client_for):
    return client_for(administrator)


def bands_data(*bands):
    data = {}
    for row in range(1, BAND_ROWS + 1):
        label, lowest = bands[row - 1] if row <= len(bands) else ("", "")
        data[f"band_label_{row}"], data[f"band_lowest_{row}"] = label, lowest
    return data


def period_data(**changes):
    data = {
        "code": "2023",
        "year": "2023",
        "title": "Đánh giá ứng dụng CNTT trong quản lý điều hành năm 2023",
        "window_start": "2023-01-01",
        "window_end": "2023-10-25",
        "self_assessment_deadline": "2023-10-30",
        "report_deadline": "2023-11-20",
        "evaluating_agency": str(Agency.objects.get(code="so-thong-tin-truyen-thong").pk),
        "legal_basis": "Quyết định số 16/2022/QĐ-UBND",
        "guidance_document": "",
        "program": str(Program.objects.get(code="ung-dung-cntt").pk),
        "scale_max": "3",
        "decimal_places": "2",
        **bands_data(("A+", "2,50"), ("A", "1,50"), ("B", "0,50"), ("C", "0")),
    }
    data.update(changes)
    return data


def errors_in(response):
    return response.context["form"].errors


# Periods -------------------------------------------------------------------------------------


def test_a_new_year_copies_the_previous_periods_tables(admin_client, period, administrator):
    form = admin_client.get(reverse("assessments:admin_period_create")).context["form"]
    assert form.initial["code"] == str(period.year + 1)
    assert form.initial["copy_from"] == period.pk

    response = admin_client.post(
        reverse("assessments:admin_period_create"), period_data(copy_from=str(period.pk))
    )

    new = Period.objects.get(code="2023")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:admin_period", args=["2023"])
    assert new.status == PeriodStatus.PREPARING
    old_tables = {
        t.kind.code: json.loads(
            json.dumps(dump_table(t), ensure_ascii=False).replace("năm 2022", "năm 2023")
        )
        for t in period.tables.all()
    }
    assert {t.kind.code: dump_table(t) for t in new.tables.all()} == old_tables
    # The copy's page lists what still names 2022 (dates, document numbers) to be read.
    page = admin_client.get(response["Location"]).content.decode()
    assert "Nội dung bảng tiêu chí còn nhắc năm khác năm 2023" in page
    assert (
        "<strong>Phụ lục 1, tiêu chí I.1: tham số chấm điểm</strong>: …-3&quot;, &quot;label&quot;: "
        "&quot;Ban hành trước ngày 31/3/2022&quot;"
    ) in page
    assert list(AuditEntry.objects.filter(period=new).values_list("action", "target", "actor")) == [
        ("create_period", "2023", administrator.pk),
        ("copy_table", "Phụ lục 1", administrator.pk),
        ("copy_table", "Phụ lục 2", administrator.pk),
        ("copy_table", "Phụ lục 3", administrator.pk),
    ]


def test_dates_out_of_order_are_explained_before_the_database_refuses(admin_client, period):
    response = admin_client.post(
        reverse("assessments:admin_period_create"),
        period_data(
            window_end="2023-10-31",
            self_assessment_deadline="2023-10-30",
            report_deadline="2023-10-01",
            band_lowest_2="2,60",
        ),
    )
    assert response.status_code == 200
    assert errors_in(response) == {
        "self_assessment_deadline": [
            "Hạn gửi kết quả tự đánh giá phải sau ngày kết thúc kỳ đánh giá (31/10/2023)."
        ],
        "report_deadline": [
            "Hạn gửi kết quả về UBND tỉnh phải sau hạn gửi kết quả tự đánh giá (30/10/2023)."
        ],
        "band_lowest_2": [
            "Mức “A”: điểm thấp nhất phải nhỏ hơn của mức “A+” (2,5); "
            "các mức xếp từ cao xuống thấp."
        ],
    }
    assert not Period.objects.filter(code="2023").exists()


def test_editing_a_period_records_each_changed_field(admin_client, period, administrator):
    data = period_data(
        code=period.code,
        year=str(period.year),
        title=period.title,
        window_start=period.window_start.isoformat(),
        window_end=period.window_end.isoformat(),
        self_assessment_deadline=period.self_assessment_deadline.isoformat(),
        report_deadline=(period.report_deadline + dt.timedelta(days=3)).isoformat(),
        legal_basis=period.legal_basis,
        band_lowest_1="2,60",
    )
    response = admin_client.post(reverse("assessments:admin_period_edit", args=[period.code]), data)
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.bands[0] == {"label": "A+", "lowest": "2.60"}
    entries = AuditEntry.objects.filter(action="update_period").order_by("field")
    assert [(e.field, e.old_value, e.new_value) for e in entries] == [
        (
            "bands",
            "A+ ≥ 2,50; A ≥ 1,50; B ≥ 0,50; C ≥ 0,00",
            "A+ ≥ 2,60; A ≥ 1,50; B ≥ 0,50; C ≥ 0,00",
        ),
        (
            "report_deadline",
            f"{period.report_deadline - dt.timedelta(days=3):%d/%m/%Y}",
            f"{period.report_deadline:%d/%m/%Y}",
        ),
    ]


def test_a_period_is_opened_through_the_workflow(admin_client, reference, administrator):
    from tests.factories import make_period

    period = make_period(code="2023", year=2023, status=PeriodStatus.PREPARING)
    url = reverse("assessments:admin_period_status", args=[period.code])
    response = admin_client.post(url, {"action": "open_period"}, follow=True)
    period.refresh_from_db()
    assert period.status == PeriodStatus.SELF_ASSESSMENT
    assert [str(m) for m in response.context["messages"]] == [
        "Kỳ đánh giá chuyển sang trạng thái “Đang tự đánh giá”."
    ]
    response = admin_client.post(url, {"action": "open_period"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Không thể chuyển kỳ đánh giá khi đang ở trạng thái “Đang tự đánh giá”."
    ]
    assert admin_client.post(url, {"action": "publish_period"}).status_code == 404


def test_a_period_past_its_deadline_opens_only_with_the_confirmation_box(
    admin_client, reference, administrator
):
    from tests.factories import make_period

    period = make_period(
        code="2023",
        year=2023,
        status=PeriodStatus.PREPARING,
        deadline=dt.date.today() - dt.timedelta(days=3),
        tables=False,
    )
    page = admin_client.get(reverse("assessments:admin_period", args=[period.code]))
    url = reverse("assessments:admin_period_status", args=[period.code])

    refused = admin_client.post(url, {"action": "open_period"}, follow=True)
    period.refresh_from_db()
    assert period.status == PeriodStatus.PREPARING
    assert [str(m) for m in refused.context["messages"]] == [
        f"Hạn gửi kết quả tự đánh giá của kỳ (hết ngày {period.self_assessment_deadline:%d/%m/%Y}) "
        "đã qua: các cơ quan sẽ không nộp được hồ sơ. Hãy sửa thời hạn của kỳ, hoặc đánh dấu "
        "“Vẫn mở kỳ dù hạn đã qua” để xác nhận."
    ]
    assert 'name="confirm_past_deadline"' in page.content.decode()

    admin_client.post(url, {"action": "open_period", "confirm_past_deadline": "on"})
    period.refresh_from_db()
    assert period.status == PeriodStatus.SELF_ASSESSMENT


def test_the_reminder_page_offers_no_reminder_to_an_agency_past_its_deadline(
    admin_client, period, agency_a, agency_b, administrator
):
    periods.grant_extension(
        period,
        agency_a,
        new_deadline=period.self_assessment_deadline + dt.timedelta(days=5),
        reason="Thay đổi cán bộ đầu mối",
        actor=administrator,
    )
    url = reverse("assessments:admin_reminders", args=[period.code])
    # The common deadline passed yesterday; agency_a's extension runs five days more.
    Period.objects.filter(pk=period.pk).update(
        window_start=dt.date.today() - dt.timedelta(days=300),
        window_end=dt.date.today() - dt.timedelta(days=5),
        self_assessment_deadline=dt.date.today() - dt.timedelta(days=1),
    )
    Extension.objects.filter(agency=agency_a).update(
        new_deadline=dt.date.today() + dt.timedelta(days=4)
    )

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"agency": [agency_a.pk, agency_b.pk]}, follow=True)

    assert f'id="nhac-{agency_a.pk}"' in page
    assert f'id="nhac-{agency_b.pk}"' not in page
    assert [str(m) for m in response.context["messages"]] == [
        "Đã gửi nhắc việc tới 1 cơ quan, đơn vị.",
        "Không gửi cho (đã nhắc hôm nay, đã nộp, hoặc đã quá hạn mà không được gia hạn): "
        "UBND huyện Trảng Bom.",
    ]


@pytest.mark.parametrize("tampered", ["99999999999999999999999", "abc", "-1", ""])
def test_a_tampered_agency_on_the_reminder_page_is_refused_with_a_message(
    admin_client, period, agency_a, tampered
):
    url = reverse("assessments:admin_reminders", args=[period.code])

    response = admin_client.post(url, {"agency": [agency_a.pk, tampered]}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Cơ quan, đơn vị đã chọn không phải tự đánh giá trong kỳ này; vui lòng tải lại trang."
    ]
    assert ReminderLog.objects.count() == 0


def test_the_reminder_page_asks_to_choose_an_agency(admin_client, period):
    url = reverse("assessments:admin_reminders", args=[period.code])

    response = admin_client.post(url, {}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Vui lòng chọn ít nhất một cơ quan, đơn vị để nhắc."
    ]


# Criteria tables -----------------------------------------------------------------------------


def test_a_table_downloads_and_uploads_back_through_the_pages(admin_client, period):
    table = period.tables.get(kind__code="so-ban-nganh")
    download = admin_client.get(
        reverse("assessments:admin_table_download", args=[period.code, "so-ban-nganh"])
    )
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == (
        'attachment; filename="bang-tieu-chi-2022-so-ban-nganh.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(download.content))["Tiêu chí"]
    sheet_row = row_of(sheet, "II.2")
    assert [c.value for c in sheet[sheet_row]][:7] == [
        "II.2",
        "II",
        "Tỷ lệ hồ sơ công việc được xử lý trên phần mềm QLVB&ĐHCV",
        "Tỷ lệ",
        0.3,
        "Số hồ sơ công việc xử lý trên phần mềm",
        "Tổng số hồ sơ công việc",
    ]

    def change(workbook):
        workbook["Tiêu chí"].cell(row=sheet_row, column=3).value = "Hồ sơ xử lý trên mạng"

    upload = SimpleUploadedFile("pl1.xlsx", table_workbook(table, change), content_type=XLSX)
    kind = table.kind
    response = admin_client.post(
        reverse("assessments:admin_table_upload", args=[period.code]),
        {"kind": kind.pk, "file": upload},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"Đã nhập Phụ lục 1 (26 dòng) cho kỳ “{period}”."
    ]
    assert period.tables.get(kind=kind).criteria.get(code="II.2").title == "Hồ sơ xử lý trên mạng"


def test_an_upload_with_errors_lists_them_and_keeps_the_table(admin_client, period):
    table = period.tables.get(kind__code="so-ban-nganh")
    before = dump_table(table)

    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "I"), column=5).value = "không"

    upload = SimpleUploadedFile("pl1.xlsx", table_workbook(table, change), content_type=XLSX)
    response = admin_client.post(
        reverse("assessments:admin_table_upload", args=[period.code]),
        {"kind": table.kind.pk, "file": upload},
    )
    assert response.status_code == 200
    assert response.context["errors"] == ["Dòng 2, cột E “Điểm tối đa”: “không” không phải là số."]
    assert "Dòng 2, cột E “Điểm tối đa”: “không” không phải là số." in response.text
    assert dump_table(period.tables.get(kind=table.kind)) == before


def test_an_upload_that_is_not_xlsx_is_refused_by_the_form(admin_client, period):
    upload = SimpleUploadedFile("pl1.csv", b"a,b", content_type="text/csv")
    response = admin_client.post(
        reverse("assessments:admin_table_upload", args=[period.code]),
        {"kind": AgencyKind.objects.get(code="so-ban-nganh").pk, "file": upload},
    )
    assert errors_in(response) == {"file": ["Hãy chọn tệp Excel có đuôi .xlsx."]}


def test_a_kind_whose_agencies_all_merged_away_is_not_offered_for_a_new_table(
    admin_client, period, administrator
):
    """After the 2025 reform no district remains: a new period offers no table for them, and a
    forged choice is refused with a sentence; the period that has a district table keeps it."""
    district = AgencyKind.objects.get(code="ubnd-cap-huyen")
    district.agencies.update(ended_on=dt.date(2025, 7, 1))
    new_period = make_period(
        code="dot-2026", year=2026, tables=False, status=PeriodStatus.PREPARING
    )
    page = admin_client.get(reverse("assessments:admin_period", args=[new_period.code]))
    offered = [kind.code for kind in page.context["upload_form"].fields["kind"].queryset]
    assert offered == ["so-ban-nganh", "don-vi-su-nghiep"]
    upload = SimpleUploadedFile(
        "pl3.xlsx", table_workbook(period.tables.get(kind=district)), content_type=XLSX
    )
    response = admin_client.post(
        reverse("assessments:admin_table_upload", args=[new_period.code]),
        {"kind": district.pk, "file": upload},
    )
    assert errors_in(response) == {
        "kind": [
            "Loại này không còn cơ quan, đơn vị nào được đánh giá (đã hợp nhất hoặc ngừng "
            "hoạt động): hãy chọn một loại trong danh sách."
        ]
    }
    assert not new_period.tables.exists()
    # The 2022 period, which has the district table, may still replace it.
    page = admin_client.get(reverse("assessments:admin_period", args=[period.code]))
    offered = [kind.code for kind in page.context["upload_form"].fields["kind"].queryset]
    assert offered == ["so-ban-nganh", "don-vi-su-nghiep", "ubnd-cap-huyen"]


# Agency kinds, agencies, accounts ------------------------------------------------------------


def test_an_agency_kind_is_added_with_an_audit_row(admin_client, administrator):
    response = admin_client.post(
        reverse("assessments:admin_kinds"),
        {
            "code": "ubnd-cap-xa",
            "name": "UBND cấp xã",
            "appendix_label": "Phụ lục 4",
            "order": 4,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    kind = AgencyKind.objects.get(code="ubnd-cap-xa")
    assert (kind.name, kind.appendix_label) == ("UBND cấp xã", "Phụ lục 4")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target, entry.actor) == (
        "create_agency_kind",
        "UBND cấp xã",
        administrator,
    )


def test_an_agency_is_added_then_deactivated_never_deleted(admin_client, reference):
    kind = AgencyKind.objects.get(code="ubnd-cap-huyen")
    data = {
        "code": "xa-phu-hoi",
        "name": "UBND xã Phú Hội",
        "short_name": "",
        "kind": kind.pk,
        "email": "",
        "order": 1,
        "is_active": "on",
    }
    assert admin_client.post(reverse("assessments:admin_agency_create"), data).status_code == 302
    agency = Agency.objects.get(code="xa-phu-hoi")
    data.pop("is_active")
    admin_client.post(reverse("assessments:admin_agency", args=[agency.pk]), data)
    agency.refresh_from_db()
    assert agency.is_active is False
    assert list(AuditEntry.objects.values_list("action", "field", "old_value", "new_value")) == [
        ("create_agency", "", "", "UBND xã Phú Hội"),
        ("update_agency", "is_active", "có", "không"),
    ]


@pytest.mark.parametrize("extra", [1, 3])
def test_the_agency_list_costs_the_same_queries_whatever_its_length(
    admin_client, reference, django_assert_num_queries, extra
):
    for index in range(extra):
        make_agency(f"them-{index}", f"Cơ quan thêm {index}")
    # session, user, unread notifications, the page's length, the page's agencies
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("assessments:admin_agencies"), {"q": "thêm"})
    assert len(response.context["agencies"]) == extra


def test_the_agency_search_finds_by_name(admin_client, reference):
    response = admin_client.get(reverse("assessments:admin_agencies"), {"q": "trảng bom"})
    assert [a.code for a in response.context["agencies"]] == ["huyen-trang-bom"]


@pytest.mark.parametrize("extra", [1, 3])
def test_the_account_list_costs_the_same_queries_whatever_its_length(
    admin_client, agency_a, django_assert_num_queries, extra
):
    for index in range(extra):
        make_user(f"stc{index}", agency=agency_a)
    # session, user, unread notifications, the page's length, the page's accounts
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("assessments:admin_accounts"), {"q": "stc"})
    assert len(response.context["accounts"]) == extra


def test_a_new_account_sets_its_own_password_through_a_one_time_link(
    admin_client, agency_a, administrator, django_capture_on_commit_callbacks
):
    data = {
        "username": "stc_hoa",
        "last_name": "Lê Thị",
        "first_name": "Hoa",
        "email": "hoa@stc.dongnai.gov.vn",
        "role": Role.OFFICER,
        "agency": agency_a.pk,
        "job_title": "Chuyên viên",
        "phone": "",
        "is_active": "on",
    }
    form = admin_client.get(reverse("assessments:admin_account_create")).context["form"]
    assert "password" not in form.fields
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("assessments:admin_account_create"), data)
    assert response.status_code == 302
    user = User.objects.get(username="stc_hoa")
    assert user.has_usable_password() is False
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/dat-mat-khau/\S+)|https?://[^/\s]+(/dat-mat-khau/\S+)",
        mail.outbox[0].body,
    )
    path = link.group(1) or link.group(2)

    visitor = Client()
    page = visitor.get(path, follow=True)
    assert page.context["validlink"] is True
    new_password = "Hoa-dat-mat-khau-2023"
    done = visitor.post(
        page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done["Location"] == reverse("login")
    assert Client().login(username="stc_hoa", password=new_password)
    assert visitor.get(path, follow=True).context["validlink"] is False
    assert list(AuditEntry.objects.values_list("action", "target")) == [
        ("create_account", "stc_hoa"),
        ("send_password_link", "stc_hoa"),
    ]


def test_an_officer_account_needs_an_agency(admin_client, reference):
    data = {
        "username": "x",
        "last_name": "A",
        "first_name": "B",
        "email": "x@example.gov.vn",
        "role": Role.OFFICER,
        "is_active": "on",
    }
    response = admin_client.post(reverse("assessments:admin_account_create"), data)
    assert errors_in(response) == {"agency": ["Cán bộ đầu mối phải thuộc một cơ quan, đơn vị."]}


def test_an_administrator_cannot_lock_themselves_out(admin_client, administrator):
    data = {
        "username": administrator.username,
        "last_name": "Q",
        "first_name": "T",
        "email": administrator.email,
        "role": Role.ADMIN,
    }
    response = admin_client.post(
        reverse("assessments:admin_account", args=[administrator.pk]), data
    )
    assert errors_in(response) == {"is_active": ["Bạn không thể tự khóa tài khoản của mình."]}


# Extensions and reminders --------------------------------------------------------------------


def test_an_extension_is_granted_shown_to_the_agency_and_removed(
    admin_client, period, agency_a, officer_a, administrator, client_for
):
    new_deadline = period.self_assessment_deadline + dt.timedelta(days=5)
    url = reverse("assessments:admin_extensions", args=[period.code])
    response = admin_client.post(
        url,
        {
            "agency": agency_a.pk,
            "new_deadline": new_deadline.isoformat(),
            "reason": "Sự cố đường truyền",
        },
    )
    assert response.status_code == 302
    extension = Extension.objects.get(period=period, agency=agency_a)
    assert (extension.new_deadline, extension.reason, extension.granted_by) == (
        new_deadline,
        "Sự cố đường truyền",
        administrator,
    )
    assert Notification.objects.get(user=officer_a).title == (
        f"{period.title}: gia hạn tự đánh giá đến hết ngày {new_deadline:%d/%m/%Y}"
    )
    home = client_for(officer_a).get(reverse("home")).text
    assert f"Hạn nộp (đã gia hạn): hết ngày {new_deadline:%d/%m/%Y}" in home
    assert "Lý do: Sự cố đường truyền" in home

    submission = get_or_create_submission(agency_a, period)
    annotated = annotate_extension(type(submission).objects.filter(pk=submission.pk)).get()
    assert (annotated.extension_deadline, annotated.extension_reason) == (
        new_deadline,
        "Sự cố đường truyền",
    )
    by_agency = annotate_extension(Agency.objects.all(), period=period, agency_field="pk")
    assert dict(
        by_agency.filter(extension_deadline__isnull=False).values_list("code", "extension_deadline")
    ) == {"so-tai-chinh": new_deadline}

    remove = reverse("assessments:admin_extension_remove", args=[period.code, extension.pk])
    admin_client.post(remove, {"reason": "Đơn vị đã khắc phục"})
    assert not Extension.objects.exists()
    assert list(AuditEntry.objects.values_list("action", "old_value", "new_value", "reason")) == [
        ("grant_extension", "", f"{new_deadline:%d/%m/%Y}", "Sự cố đường truyền"),
        ("remove_extension", f"{new_deadline:%d/%m/%Y}", "", "Đơn vị đã khắc phục"),
    ]


def test_an_extension_before_the_common_deadline_is_explained(admin_client, period, agency_a):
    response = admin_client.post(
        reverse("assessments:admin_extensions", args=[period.code]),
        {
            "agency": agency_a.pk,
            "new_deadline": period.self_assessment_deadline.isoformat(),
            "reason": "Sự cố",
        },
    )
    assert response.context["form"].non_field_errors() == [
        f"Hạn mới phải sau hạn chung ({period.self_assessment_deadline:%d/%m/%Y}) của kỳ đánh giá."
    ]
    assert not Extension.objects.exists()


def test_the_reminder_page_sorts_agencies_and_sends_once_a_day(
    admin_client,
    period,
    agency_a,
    agency_b,
    officer_a,
    officer_b,
    django_capture_on_commit_callbacks,
):
    from tests.factories import submitted_submission

    submitted_submission(agency_b, period, officer_b)
    get_or_create_submission(agency_a, period)
    url = reverse("assessments:admin_reminders", args=[period.code])
    rows = {row["agency"].code: row["state"] for row in admin_client.get(url).context["rows"]}
    assert rows["so-tai-chinh"] == "draft"
    assert rows["huyen-trang-bom"] == "submitted"
    assert rows["so-noi-vu"] == "not_started"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = admin_client.post(url, {"agency": [agency_a.pk]}, follow=True)
    assert [str(m) for m in first.context["messages"]] == [
        "Đã gửi nhắc việc tới 1 cơ quan, đơn vị."
    ]
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    second = admin_client.post(url, {"agency": [agency_a.pk, agency_b.pk]}, follow=True)
    assert [str(m) for m in second.context["messages"]] == [
        "Không gửi cho (đã nhắc hôm nay, đã nộp, hoặc đã quá hạn mà không được gia hạn): "
        "Sở Tài chính, UBND huyện Trảng Bom."
    ]
    assert ReminderLog.objects.count() == 1
    assert Notification.objects.filter(user=officer_a, title__startswith="Nhắc việc").count() == 1
    assert get_or_create_submission(agency_a, period).status == SubmissionStatus.DRAFT


@pytest.mark.parametrize("years", [[], [2023, 2024]])
def test_the_period_list_costs_the_same_queries_whatever_its_length(
    admin_client, period, django_assert_num_queries, years
):
    from tests.factories import make_period

    for year in years:
        make_period(code=str(year), year=year, tables=False)
    # Session, user, unread notifications, periods with their counts, programs.
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("assessments:admin_home"))
    [(_program, periods)] = response.context["programs"]
    assert [p.code for p in periods] == [
        *[str(y) for y in reversed(years)],
        "2022",
    ]


def test_reminders_for_a_period_not_open_are_refused_with_a_message(admin_client, period, agency_a):
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.PREPARING)
    url = reverse("assessments:admin_reminders", args=[period.code])
    response = admin_client.post(url, {"agency": [agency_a.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Kỳ đánh giá không mở cho các cơ quan tự đánh giá; không gửi nhắc việc."
    ]
    assert ReminderLog.objects.count() == 0


def test_the_agency_import_page_lists_errors_then_imports(admin_client, reference):
    from tests.assessments.admin_workbooks import simple_workbook

    url = reverse("assessments:admin_agencies_import")
    header = ["Mã", "Tên cơ quan, đơn vị", "Mã loại"]
    bad = simple_workbook("Cơ quan, đơn vị", [header, ["xa-a", "UBND xã A", "khong-co"]])
    response = admin_client.post(url, {"file": SimpleUploadedFile("a.xlsx", bad)})
    assert response.context["errors"] == [
        "Dòng 2, cột C “Mã loại”: không có loại cơ quan có mã “khong-co”."
    ]
    good = simple_workbook("Cơ quan, đơn vị", [header, ["xa-a", "UBND xã A", "ubnd-cap-huyen"]])
    response = admin_client.post(url, {"file": SimpleUploadedFile("a.xlsx", good)}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Đã thêm 1, cập nhật 0 dòng."]
    assert Agency.objects.get(code="xa-a").name == "UBND xã A"


def test_the_agency_template_has_only_the_header_row(admin_client, reference):
    response = admin_client.get(reverse("assessments:admin_agencies_export"), {"mau": "1"})
    sheet = load_workbook(io.BytesIO(response.content))["Cơ quan, đơn vị"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        [
            "Mã",
            "Tên cơ quan, đơn vị",
            "Tên viết tắt",
            "Mã loại",
            "Thư điện tử",
            "Thứ tự",
            "Đang hoạt động",
        ]
    ]


def test_the_extension_form_lists_agencies_in_the_official_order(admin_client, period):
    # Ordering by name sorts byte-wise on SQLite (“Sở Thông tin” before “Sở Tài chính”,
    # “UBND huyện Định Quán” last); the official order of the appendices reads right everywhere.
    response = admin_client.get(reverse("assessments:admin_extensions", args=[period.code]))

    listed = [agency.pk for agency in response.context["form"].fields["agency"].queryset]
    assert listed == list(
        periods.expected_agencies(period)
        .order_by("kind__order", "order", "name")
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "name",
    [
        "admin_home",
        "admin_period",
        "admin_extensions",
        "admin_reminders",
        "admin_accounts",
        "admin_agencies",
        "admin_kinds",
    ],
)
def test_every_administration_table_scrolls_inside_its_box_on_a_phone(admin_client, period, name):
    # A bare table pushed the whole page sideways on a 390 px screen (up to 636 px wide).
    args = [period.code] if name in ("admin_period", "admin_extensions", "admin_reminders") else []
    page = admin_client.get(reverse(f"assessments:{name}", args=args)).content.decode()

    assert page.count("<table") >= 1
    assert page.count('<div class="table-responsive"><table') == page.count("<table")


def test_thresholds_are_typed_with_a_decimal_comma():
    from assessments.forms.administration import PeriodForm

    form = PeriodForm()
    assert form.fields["band_lowest_1"].widget.input_type == "text"
    assert form.fields["band_lowest_1"].clean("2,6") == Decimal("2.6")
    assert form.fields["scale_max"].clean("1.000") == Decimal("1000")
