"""The history panel reads as Vietnamese: every audit action and field has a label."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from assessments import audit, periods, selfassessment, workflow
from assessments.enums import AuditAction
from assessments.forms.answers import answer_of
from assessments.history import history_for, period_log
from assessments.models import AuditEntry
from assessments.services import get_or_create_submission


def test_self_assessment_and_evidence_changes_read_in_vietnamese(agency_b, period, officer_b):
    submission = get_or_create_submission(agency_b, period)
    item = (
        submission.items.select_related("criterion")
        .filter(criterion__rule="ratio", criterion__allow_not_applicable=True)
        .order_by("criterion__order")
        .first()
    )
    selfassessment.save_item(
        item,
        actor=officer_b,
        answer=answer_of(
            item,
            {
                "explanation": "Theo báo cáo tháng 12",
                "not_applicable": "on",
                "not_applicable_reason": "Huyện chưa có thủ tục đủ điều kiện",
            },
        ).answer,
        expected_version=item.version,
    )
    evidence = selfassessment.add_evidence(
        submission, actor=officer_b, items=[item], doc_number="12/KH-UBND"
    )
    selfassessment.remove_evidence(evidence, actor=officer_b)

    rows = [
        (entry.title, entry.field, entry.old, entry.new)
        for entry in history_for(officer_b, submission)
    ]

    assert rows == [
        ("Cập nhật phiếu tự đánh giá", "Giải trình cách tính điểm", "", "Theo báo cáo tháng 12"),
        ("Cập nhật phiếu tự đánh giá", "Không áp dụng", "không", "có"),
        (
            "Cập nhật phiếu tự đánh giá",
            "Lý do không áp dụng",
            "",
            "Huyện chưa có thủ tục đủ điều kiện",
        ),
        ("Thêm tài liệu kiểm chứng", "Tài liệu kiểm chứng", "", "Số 12/KH-UBND"),
        ("Xóa tài liệu kiểm chứng", "Tài liệu kiểm chứng", "Số 12/KH-UBND", ""),
    ]


# Audit actions are one TextChoices ------------------------------------------------------------


def test_the_periods_log_reads_in_vietnamese(period, lead, administrator, client_for):
    workflow.change_period_status(period, "close_self_assessment", actor=administrator)
    workflow.change_period_status(period, "finalise_period", actor=lead)

    rows = [(entry.title, entry.field, entry.old, entry.new) for entry in period_log(period)]
    page = client_for(administrator).get(reverse("assessments:admin_period", args=[period.code]))

    assert rows == [
        ("Chốt kết quả kỳ đánh giá", "Trạng thái", "Đang thẩm định", "Đã chốt"),
        (
            "Kết thúc tự đánh giá, chuyển sang thẩm định",
            "Trạng thái",
            "Đang tự đánh giá",
            "Đang thẩm định",
        ),
    ]
    text = page.content.decode()
    assert "Chốt kết quả kỳ đánh giá" in text
    assert "finalise_period" not in text
    assert "<td>status</td>" not in text


def test_a_period_setting_change_names_the_field_in_vietnamese(period, administrator):
    periods.update_period(period, actor=administrator, report_deadline=dt.date(2030, 1, 31))

    [entry] = period_log(period)

    assert (entry.title, entry.field, entry.new) == (
        "Sửa thông tin kỳ",
        "Hạn gửi kết quả về UBND tỉnh",
        "31/01/2030",
    )


def test_every_status_move_is_an_audit_action_with_a_vietnamese_label():
    names = set(workflow.TRANSITIONS) | set(workflow.PERIOD_TRANSITIONS)

    assert names - set(AuditAction.values) == set()
    assert [action for action in AuditAction if action.label == action.value] == []


def test_an_action_that_is_not_an_audit_action_is_refused(period, administrator):
    with pytest.raises(ValueError):
        audit.record(actor=administrator, period=period, action="evidence.add")

    assert AuditEntry.objects.count() == 0


def test_old_object_verb_actions_are_renamed_by_the_migration(agency_b, period, officer_b):
    submission = get_or_create_submission(agency_b, period)
    AuditEntry.objects.create(submission=submission, period=period, action="evidence.add")
    AuditEntry.objects.create(submission=submission, period=period, action="submit")
    migration = importlib.import_module("assessments.migrations.0002_audit_actions")

    migration.rename_actions(django_apps, None)

    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["add_evidence", "submit"]
    assert [entry.title for entry in history_for(officer_b, submission)] == [
        "Thêm tài liệu kiểm chứng",
        "Nộp hồ sơ",
    ]
