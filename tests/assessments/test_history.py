"""The history panel reads as Vietnamese: every audit action and field has a label."""

from assessments import selfassessment
from assessments.forms.answers import answer_of
from assessments.history import history_for
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
