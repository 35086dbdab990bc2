from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrefilledFact(models.Model):
    """One agency's value of one measurable criterion, taken from a provincial system (document
    management, the public-service portal …) and imported by the Department before the agency
    answers. The agency's dossier starts from it; the agency accepts it or gives its own value
    with an explanation (ItemScore.prefill). Written only by assessments.prefills."""

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.CASCADE,
        related_name="prefilled_facts",
    )
    agency = models.ForeignKey(
        "assessments.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="prefilled_facts",
    )
    criterion = models.ForeignKey(
        "assessments.Criterion",
        verbose_name=_("tiêu chí"),
        on_delete=models.CASCADE,
        related_name="prefilled_facts",
    )
    inputs = models.JSONField(
        _("số liệu"),
        help_text=_("Số liệu theo cách tính điểm của tiêu chí, như cơ quan nhập trên phiếu."),
    )
    source = models.CharField(
        _("hệ thống nguồn"),
        max_length=255,
        help_text=_("Ví dụ: Hệ thống quản lý văn bản và điều hành; Cổng dịch vụ công."),
    )
    as_of = models.DateField(_("ngày lấy số liệu"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("nhập lúc"))

    class Meta:
        ordering = ["period", "agency", "criterion__order"]
        verbose_name = _("số liệu điền sẵn")
        verbose_name_plural = _("số liệu điền sẵn")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "criterion"], name="one_prefilled_fact_per_agency_and_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.agency_id} — {self.criterion_id}"
