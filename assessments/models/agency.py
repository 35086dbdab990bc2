from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.enums import AgencyChangeKind


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
    ended_on = models.DateField(
        _("ngừng hoạt động từ ngày"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Ngày hiệu lực của việc hợp nhất vào hoặc chia tách thành cơ quan khác."),
    )

    class Meta:
        ordering = ["kind__order", "order", "name"]
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")

    def __str__(self):
        return self.name


class AgencyChange(models.Model):
    """A rename, merge or split of agencies, effective on a date, as the decision records it.

    Written only by assessments.lineage (checked, audited). Results already given stay with the
    agency as it was (Submission.agency_name); the successors' public trend shows the
    predecessors' results of the periods that began before the effective date.
    A rename keeps the agency (same code, same officers) and stores both names; a merge has one
    successor, which may itself be one of the predecessors (it absorbs the others); a split has
    one predecessor and at least two successors.
    """

    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=AgencyChangeKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    predecessors = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan trước thay đổi"), related_name="changes_from"
    )
    successors = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan sau thay đổi"), related_name="changes_to"
    )
    old_name = models.CharField(_("tên cũ"), max_length=255, blank=True)
    new_name = models.CharField(_("tên mới"), max_length=255, blank=True)
    decision = models.TextField(
        _("căn cứ, quyết định"),
        help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 28/02/2025 của UBND tỉnh."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]
        verbose_name = _("thay đổi cơ quan, đơn vị")
        verbose_name_plural = _("thay đổi cơ quan, đơn vị")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.effective_date:%d/%m/%Y})"
