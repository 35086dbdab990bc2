"""Helpers shared by the appraisal and exchange tests: submissions put in a review status
through the real workflow."""

from assessments import workflow
from assessments.models import ItemScore
from tests.factories import submitted_submission


def item(submission, code) -> ItemScore:
    return submission.items.select_related("criterion").get(criterion__code=code)


def in_review(agency, period, officer, reviewer):
    submission = submitted_submission(agency, period, officer)
    return workflow.start_review(submission, actor=reviewer)


def returned(agency, period, officer, reviewer, *, lower="II.2"):
    """In review, one criterion lowered with a reason, then returned for explanation."""
    from assessments import appraisal

    submission = in_review(agency, period, officer, reviewer)
    appraisal.correct_inputs(
        item(submission, lower),
        actor=reviewer,
        inputs={"numerator": "80", "denominator": "100"},
        reason="Số liệu trên phần mềm QLVB&ĐHCV chỉ đạt 80 %.",
    )
    submission.refresh_from_db()
    return workflow.return_for_explanation(
        submission, actor=reviewer, message="Đề nghị giải trình tiêu chí II.2."
    )
