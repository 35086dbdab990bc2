from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Đánh giá ứng dụng CNTT"

    def ready(self):
        # Job start/finish/failure log lines, in web processes and workers alike.
        from assessments import jobs  # noqa: F401
