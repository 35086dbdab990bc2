"""Domain rules of saving a self-assessment: validation, versions, permissions, audit, evidence."""

import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import workflow
from assessments.forms.answers import answer_of
from assessments.models import AuditEntry, Evidence, ItemScore
from assessments.selfassessment import (
    EditRefused,
    ItemConflict,
    add_evidence,
    remove_evidence,
    save_item,
    unlink_evidence,
)
from assessments.services import get_or_create_submission
from assessments.uploads import UploadRefused
from tests.factories import fill_submission

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def draft(period, agency_b):
    return get_or_create_submission(agency_b, period)


def item(submission, code) -> ItemScore:
    return submission.items.select_related("criterion").get(criterion__code=code)


def _answer(it, data) -> dict:
    return answer_of(it, data).answer


@pytest.mark.parametrize(
    ("code", "data", "inputs"),
    [
        ("VI.3", {"met": "yes"}, {"met": True}),
        ("VI.3", {"met": "no"}, {"met": False}),
        ("VI.3", {"met": ""}, {}),
        (
            "II.2",
            {"numerator": "1.234", "denominator": "1.300"},
            {"numerator": "1.234", "denominator": "1.300"},
        ),
        (
            "II.2",
            {"numerator": "2,5", "denominator": "10"},
            {"numerator": "2,5", "denominator": "10"},
        ),
        (
            "II.2",
            {"source": "percent", "numerator": "", "denominator": "", "percent": "90"},
            {"percent": "90"},
        ),
        ("II.1", {"percent": "87,5 %"}, {"percent": "87,5"}),
        ("II.1", {"percent": "0.5"}, {"percent": "0,5"}),
        ("IV.1", {"checked": ["2", "0", "2"]}, {"checked": [0, 2]}),
        ("IV.1", {"checked": []}, {}),
        ("IV.1", {"checked": [], "checked_none": "1"}, {"checked": []}),
        ("IV.1", {"checked": ["1"], "checked_none": "1"}, {"checked": [1]}),
        ("I.1", {"option": "sau-31-3"}, {"option": "sau-31-3"}),
        ("I.2", {"count": "2"}, {"count": "2"}),
        ("Đ.1", {"count": "0"}, {"count": "0"}),
    ],
)
def test_the_answer_form_reads_each_rule(draft, code, data, inputs):
    form = answer_of(item(draft, code), data)
    assert form.errors == {}
    assert form.cleaned_data["inputs"] == inputs


@pytest.mark.parametrize(
    ("code", "data", "errors"),
    [
        (
            "II.2",
            {"numerator": "5", "denominator": "4"},
            {"numerator": "Tử số không được lớn hơn mẫu số."},
        ),
        ("II.2", {"numerator": "-1", "denominator": "4"}, {"numerator": "Tử số không được âm."}),
        ("I.2", {"count": "-1"}, {"count": "Số lượng không được âm."}),
        ("I.1", {"option": "x"}, {"option": "Lựa chọn không hợp lệ."}),
        ("IV.1", {"checked": ["99"]}, {"checked": "Mục “99” không có trong danh sách."}),
        ("VI.3", {"met": "có lẽ"}, {"met": "Hãy chọn “Có” hoặc “Không”."}),
        ("II.1", {"percent": "1,2,3"}, {"percent": "Giá trị “1,2,3” không phải là số hợp lệ."}),
        (
            "II.2",
            {"numerator": "751", "denominator": "1.000", "percent": "50"},
            {
                "percent": "Đang tính theo tử số và mẫu số; hãy xóa tỷ lệ, "
                "hoặc chọn “Nhập tỷ lệ (%)” để dùng tỷ lệ này."
            },
        ),
        (
            "II.2",
            {"source": "percent", "numerator": "751", "percent": "50"},
            {
                "numerator": "Đang tính theo tỷ lệ (%); hãy xóa tử số và mẫu số, "
                "hoặc chọn “Nhập tử số và mẫu số” để dùng chúng."
            },
        ),
        (
            "I.2",
            {"count": "1" * 16},
            {
                "count": "Số quá dài: chỉ nhập tối đa 15 chữ số (kể cả phần thập phân), "
                "không quá 32 ký tự."
            },
        ),
    ],
)
def test_the_answer_form_refuses_invalid_values(draft, code, data, errors):
    form = answer_of(item(draft, code), data)
    assert form.answer_errors == errors
    assert form.cleaned_data["inputs"] is None


def test_save_item_recomputes_points_bumps_versions_and_audits(draft, officer_b):
    it = item(draft, "II.2")
    outcome = save_item(
        it,
        actor=officer_b,
        answer=_answer(
            it, {"numerator": "9", "denominator": "10", "explanation": "Số liệu phần mềm"}
        ),
        expected_version=1,
    )
    draft.refresh_from_db()
    assert outcome.changed == ["inputs", "explanation"]
    assert outcome.item.points == Decimal("0.23")
    assert outcome.item.version == 2
    assert outcome.item.updated_by == officer_b
    assert draft.version == 2
    assert list(
        AuditEntry.objects.values_list("action", "target", "field", "old_value", "new_value")
    ) == [
        ("update_self_assessment", "II.2", "inputs", "Chưa trả lời", "9/10 (90 %)"),
        ("update_self_assessment", "II.2", "explanation", "", "Số liệu phần mềm"),
    ]


def test_saving_the_same_values_changes_nothing(draft, officer_b):
    it = item(draft, "VI.3")
    save_item(it, actor=officer_b, answer=_answer(it, {"met": "yes"}), expected_version=1)
    outcome = save_item(it, actor=officer_b, answer=_answer(it, {"met": "yes"}), expected_version=2)
    assert outcome.changed == []
    assert outcome.item.version == 2
    assert AuditEntry.objects.count() == 1


def test_stale_version_raises_a_conflict_carrying_the_current_item(draft, officer_b):
    it = item(draft, "VI.3")
    save_item(it, actor=officer_b, answer=_answer(it, {"met": "yes"}), expected_version=1)
    with pytest.raises(ItemConflict) as conflict:
        save_item(it, actor=officer_b, answer=_answer(it, {"met": "no"}), expected_version=1)
    assert conflict.value.current.inputs == {"met": True}
    assert conflict.value.current.version == 2
    assert item(draft, "VI.3").inputs == {"met": True}


def test_not_applicable_only_where_the_table_allows_it(draft, officer_b):
    form = answer_of(item(draft, "II.2"), {"not_applicable": "on"})
    assert form.errors == {"not_applicable": ["Tiêu chí này không được chọn “Không áp dụng”."]}
    save_item(item(draft, "II.2"), actor=officer_b, answer=form.answer, expected_version=1)
    assert item(draft, "II.2").not_applicable is False
    allowed = save_item(
        item(draft, "III.1"),
        actor=officer_b,
        answer=_answer(
            item(draft, "III.1"),
            {"not_applicable": "on", "not_applicable_reason": "Không có TTHC đủ điều kiện"},
        ),
        expected_version=1,
    )
    assert allowed.item.not_applicable is True
    assert allowed.item.not_applicable_reason == "Không có TTHC đủ điều kiện"


def test_other_agency_officer_reviewer_and_submitted_dossier_are_refused(
    draft, officer_a, officer_b, reviewer
):
    for actor in (officer_a, reviewer):
        with pytest.raises(EditRefused):
            save_item(
                item(draft, "VI.3"),
                actor=actor,
                answer=_answer(item(draft, "VI.3"), {"met": "yes"}),
                expected_version=1,
            )
    fill_submission(draft)
    workflow.submit(draft, actor=officer_b)
    it = item(draft, "VI.3")
    with pytest.raises(EditRefused) as refused:
        save_item(
            it, actor=officer_b, answer=_answer(it, {"met": "no"}), expected_version=it.version
        )
    assert refused.value.message == (
        "Hồ sơ đã nộp hoặc kỳ đánh giá đã đóng nên không thể sửa. "
        "Nếu cần sửa hồ sơ đã nộp, hãy rút hồ sơ trước khi Sở TT&TT bắt đầu thẩm định."
    )


def test_add_evidence_stores_file_under_random_name_with_hash(draft, officer_b):
    evidence = add_evidence(
        draft,
        actor=officer_b,
        items=[item(draft, "I.1"), item(draft, "I.2")],
        upload=SimpleUploadedFile("Quy chế.pdf", PDF),
        doc_number="12/QC-UBND",
    )
    assert evidence.original_filename == "Quy chế.pdf"
    assert evidence.file.name.startswith(f"evidence/{draft.period_id}/")
    assert evidence.file.name.endswith(".pdf") and "Quy" not in evidence.file.name
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert sorted(evidence.items.values_list("criterion__code", flat=True)) == ["I.1", "I.2"]
    assert AuditEntry.objects.get(action="add_evidence").target == "I.1, I.2"


def test_add_evidence_refuses_a_disguised_file_and_stores_nothing(draft, officer_b):
    with pytest.raises(UploadRefused):
        add_evidence(
            draft,
            actor=officer_b,
            items=[item(draft, "I.1")],
            upload=SimpleUploadedFile("virus.pdf", b"MZ" + b"\x00" * 100),
        )
    assert not Evidence.objects.exists()


def test_evidence_of_another_submission_cannot_be_linked(draft, period, agency_a, officer_b):
    other = get_or_create_submission(agency_a, period)
    with pytest.raises(EditRefused):
        add_evidence(draft, actor=officer_b, items=[other.items.first()], doc_number="1/KH")


def test_removing_evidence_deletes_its_file_after_commit(
    draft, officer_b, django_capture_on_commit_callbacks
):
    evidence = add_evidence(
        draft,
        actor=officer_b,
        items=[item(draft, "I.1")],
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    storage, name = evidence.file.storage, evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(evidence, actor=officer_b)
    assert not storage.exists(name)
    assert not Evidence.objects.exists()


def test_unlinking_the_last_criterion_removes_the_evidence(draft, officer_b):
    it = item(draft, "I.1")
    evidence = add_evidence(draft, actor=officer_b, items=[it], doc_number="1/KH")
    unlink_evidence(evidence, it, actor=officer_b)
    assert not Evidence.objects.exists()


def test_none_of_the_checklist_is_an_answer_worth_zero(draft, officer_b):
    outcome = save_item(
        item(draft, "IV.1"),
        actor=officer_b,
        answer=_answer(item(draft, "IV.1"), {"checked_none": "1"}),
        expected_version=1,
    )
    assert outcome.item.inputs == {"checked": []}
    assert outcome.item.points == Decimal("0.00")
    assert AuditEntry.objects.get().new_value == "Đạt 0/10 mục"
