"""Creating the records a flow starts from. No status changes here (those are in workflow.py)."""

from django.db import IntegrityError, transaction

from assessments import prefills
from assessments.models import CriteriaTable, ItemScore, Submission
from assessments.permissions import agency_may_start_dossier


class SetupError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def get_or_create_submission(agency, period) -> Submission:
    """The agency's submission for the period, created on first use with one item per criterion
    of the table for its kind. Safe against two first visits at once (unique constraint)."""
    existing = Submission.objects.filter(agency=agency, period=period).first()
    if existing is not None:
        return existing
    if not agency_may_start_dossier(agency):
        raise SetupError(
            f"“{agency.name}” đã hợp nhất hoặc chia tách từ ngày "
            f"{agency.ended_on:%d/%m/%Y} nên không lập hồ sơ mới (hồ sơ thuộc cơ quan sau thay "
            "đổi); các kỳ trước vẫn xem được."
        )
    table = CriteriaTable.objects.filter(period=period, kind=agency.kind_id).first()
    if table is None:
        raise SetupError(
            f"Kỳ “{period}” chưa có bảng tiêu chí cho loại “{agency.kind.name}”. "
            f"Vui lòng liên hệ {period.program.contact}."
        )
    try:
        with transaction.atomic():
            submission = Submission.objects.create(agency=agency, period=period, table=table)
            # The facts prefilled from the province's systems are in place before the agency
            # starts typing.
            criteria = list(table.criteria.exclude(rule=""))
            ItemScore.objects.bulk_create(prefills.initial_items(submission, criteria))
    except IntegrityError:
        submission = Submission.objects.get(agency=agency, period=period)
    return submission
