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


def test_publishing_tells_each_agency_with_a_result_where_to_read_it(
    period, agency_a, officer_a, officer_b, reviewer, lead
):
    from assessments.models import Notification
    from tests.assessments.results_helpers import build_results

    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    workflow.change_period_status(period, "publish_period", actor=lead)
    notice = Notification.objects.get(title="Kết quả đánh giá năm 2022 đã được công bố")
    assert (notice.user, notice.url) == (officer_a, "/ket-qua/2022/so-tai-chinh/")
