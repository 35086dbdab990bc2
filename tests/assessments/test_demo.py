from collections import Counter

from django.core.management import call_command
from django.test import override_settings

from assessments.enums import PeriodStatus, SubmissionStatus
from assessments.models import AuditEntry, ItemScore, Message, Period, Submission


@override_settings(DEBUG=True)
def test_seed_demo_gives_2022_complete_published_results_once(db):
    call_command("seed_demo")
    period = Period.objects.get(code="2022")
    assert period.status == PeriodStatus.PUBLISHED
    submissions = Submission.objects.filter(period=period).select_related("agency__kind")
    assert submissions.count() == 39
    assert set(submissions.values_list("status", flat=True)) == {SubmissionStatus.FINALISED}
    grades = Counter(submissions.values_list("final_grade", flat=True))
    assert grades == {"A+": 11, "A": 20, "B": 8}
    assert submissions.filter(is_late=True).count() == 1
    assert submissions.filter(round__gt=0).count() == 7
    assert ItemScore.objects.filter(submission__period=period, reviewer_reason__gt="").count() == 19
    own = submissions.get(agency__code="so-thong-tin-truyen-thong")
    starter = AuditEntry.objects.get(submission=own, action="start_review").actor
    assert starter.username == "lanhdao"
    counts = (AuditEntry.objects.count(), Message.objects.count())
    call_command("seed_demo")
    assert (AuditEntry.objects.count(), Message.objects.count()) == counts
    assert Submission.objects.filter(period=period).count() == 39
