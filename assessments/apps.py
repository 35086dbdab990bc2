from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _store_missing_results(sender, **kwargs):
    """Periods finalised before results were stored get theirs once, after migrating (when the
    models match the schema); a no-op query per final period afterwards."""
    from assessments.enums import SubmissionStatus
    from assessments.models import Period
    from assessments.results import FINAL_PERIOD_STATUSES, store_period_results

    using = kwargs.get("using", "default")
    for period in (
        Period.objects.using(using)
        .filter(
            status__in=FINAL_PERIOD_STATUSES,
            submissions__status=SubmissionStatus.FINALISED,
            submissions__result__isnull=True,
        )
        .distinct()
    ):
        store_period_results(period)


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Đánh giá ứng dụng CNTT"

    def ready(self):
        post_migrate.connect(_store_missing_results, sender=self)
        # Job start/finish/failure log lines, in web processes and workers alike.
        from assessments import jobs  # noqa: F401
