from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionResult(models.Model):
    """What the result pages show of a finalised dossier, stored when it is finalised (group
    points) and re-ranked whenever its kind's finalised set changes, so no page re-scores a whole
    period to draw one table. The total and grade stay on Submission (final_score, final_grade).

    Written only by assessments.results (called from workflow); removed when a result is reopened.
    """

    submission = models.OneToOneField(
        "assessments.Submission",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="result",
    )
    rank = models.PositiveIntegerField(
        _("thứ hạng trong loại"),
        null=True,
        blank=True,
        help_text=_("Cùng điểm thì cùng hạng (1, 2, 2, 4)."),
    )
    group_points = models.JSONField(
        _("điểm theo nhóm"),
        default=dict,
        blank=True,
        help_text=_("Mã nhóm tiêu chí → điểm chính thức của nhóm (chuỗi, ví dụ “1.50”)."),
    )

    class Meta:
        verbose_name = _("kết quả đã chốt")
        verbose_name_plural = _("kết quả đã chốt")
        indexes = [models.Index(fields=["rank"], name="result_rank")]

    def __str__(self):
        return f"{self.submission_id}: hạng {self.rank}"
