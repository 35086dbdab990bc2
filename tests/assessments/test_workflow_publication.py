import pytest

from assessments import workflow
from assessments.enums import PeriodStatus
from assessments.workflow import WorkflowError
from tests.factories import make_period


def test_publishing_a_period_without_any_final_result_is_refused(reference, lead):
    period = make_period(status=PeriodStatus.REVIEW)
    period = workflow.change_period_status(period, "finalise_period", actor=lead)
    with pytest.raises(WorkflowError) as refused:
        workflow.change_period_status(period, "publish_period", actor=lead)
    assert refused.value.message == "Kỳ đánh giá chưa có kết quả nào được chốt, chưa thể công bố."
    period.refresh_from_db()
    assert period.status == PeriodStatus.FINALISED


def test_only_the_lead_publishes(reference, administrator):
    period = make_period(status=PeriodStatus.FINALISED)
    with pytest.raises(WorkflowError) as refused:
        workflow.change_period_status(period, "publish_period", actor=administrator)
    assert refused.value.message == "Bạn không có quyền thay đổi trạng thái kỳ đánh giá."
