"""Finalised results built through the workflow, shared by the export, report and public tests.

(A module, not a conftest: tests/assessments/conftest.py belongs to no single area.)
"""

import datetime as dt

from django.core.files.base import ContentFile

from assessments import appraisal, workflow
from assessments.enums import PeriodStatus, Role
from assessments.models import Agency, Evidence
from assessments.services import get_or_create_submission
from tests.factories import fill_submission, make_agency, make_user

FORMULA_NAME = '=HYPERLINK("http://x";"Ban Thử nghiệm")'

# Inputs that lose points against Phụ lục 1: II.1 at 60 % → 0.10 of 0.40; III.5 not applicable.
WEAKER_INPUTS = {"II.1": {"percent": "60"}}


def adjust(item, *, actor, inputs: dict, reason: str) -> None:
    """A reviewer correction, through the appraisal page's domain function."""
    appraisal.correct_inputs(item, actor=actor, inputs=inputs, reason=reason)


def finalise_agency(
    period, agency, *, reviewer, lead, inputs=None, adjustments=None, exchange=False
):
    """Fill, submit, appraise (with optional adjustments and an explanation round), agree and
    finalise one agency's submission. Returns the finalised submission."""
    officer = agency.users.filter(role=Role.OFFICER).first() or make_user(
        f"canbo-{agency.code}", agency=agency
    )
    submission = fill_submission(get_or_create_submission(agency, period), inputs=inputs)
    submission = workflow.submit(submission, actor=officer)
    submission = workflow.start_review(submission, actor=reviewer)
    for code, (new_inputs, reason) in (adjustments or {}).items():
        item = submission.items.select_related("criterion").get(criterion__code=code)
        adjust(item, actor=reviewer, inputs=new_inputs, reason=reason)
    if exchange:
        submission = workflow.return_for_explanation(
            submission, actor=reviewer, message="Đề nghị đơn vị cho ý kiến về tiêu chí II.2."
        )
        for item in submission.items.filter(reviewer_points__isnull=False):
            appraisal.respond_to_item(
                item, actor=officer, response="agree", text="Đơn vị thống nhất số liệu điều chỉnh."
            )
        submission = workflow.answer(submission, actor=officer, message="Đơn vị thống nhất.")
    submission = workflow.accept(submission, actor=reviewer)
    return workflow.finalise(submission, actor=lead)


def build_results(period, *, count: int, reviewer, lead, publish=False):
    """`count` agencies (1 to 3) finalised: Sở Tài chính with full marks; UBND huyện Trảng Bom
    adjusted on II.2 after an exchange; a board whose name looks like a spreadsheet formula.
    The period is then closed and finalised (and published when asked)."""
    agencies = [Agency.objects.get(code="so-tai-chinh")]
    finalise_agency(period, agencies[0], reviewer=reviewer, lead=lead)
    if count >= 2:
        agencies.append(Agency.objects.get(code="huyen-trang-bom"))
        finalise_agency(
            period,
            agencies[1],
            reviewer=reviewer,
            lead=lead,
            adjustments={
                "II.2": (
                    {"numerator": "50", "denominator": "100"},
                    "Số liệu hệ thống QLVB chỉ ghi nhận 50/100 hồ sơ.",
                )
            },
            exchange=True,
        )
    if count >= 3:
        agencies.append(make_agency("ban-thu-nghiem", FORMULA_NAME))
        finalise_agency(period, agencies[2], reviewer=reviewer, lead=lead, inputs=WEAKER_INPUTS)
    if period.status == PeriodStatus.SELF_ASSESSMENT:
        period = workflow.change_period_status(period, "close_self_assessment", actor=lead)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    if publish:
        period = workflow.change_period_status(period, "publish_period", actor=lead)
    return period, agencies


def attach_file(submission, name: str, data: bytes, *, codes=("I.1",)) -> Evidence:
    evidence = Evidence(
        submission=submission,
        original_filename=name,
        content_type="application/pdf",
        size=len(data),
        summary="Tệp đính kèm",
        doc_date=dt.date(2022, 5, 1),
    )
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    evidence.items.set(submission.items.filter(criterion__code__in=codes))
    return evidence
