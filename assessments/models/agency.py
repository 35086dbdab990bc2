from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.Model):
    """A kind of agency evaluated against its own criteria table (sở/ban/ngành → Phụ lục 1, …).

    Data, not constants: the 2025 reform abolished districts and added commune level units.
    """

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=200)
    appendix_label = models.CharField(
        _("phụ lục"), max_length=40, help_text=_("Tên phụ lục tiêu chí, ví dụ “Phụ lục 1”.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("loại cơ quan, đơn vị")
        verbose_name_plural = _("loại cơ quan, đơn vị")

    def __str__(self):
        return f"{self.appendix_label} — {self.name}"


class Agency(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.ForeignKey(
        AgencyKind, verbose_name=_("loại"), on_delete=models.PROTECT, related_name="agencies"
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(
        _("đang hoạt động"),
        default=True,
        help_text=_("Cơ quan ngừng hoạt động không bị xóa để giữ lịch sử đánh giá."),
    )

    class Meta:
        ordering = ["kind__order", "order", "name"]
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")

    def __str__(self):
        return self.name
