import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.enums import (
    SETTLED,
    AgencyResponse,
    Agreement,
    MessageKind,
    PrefillState,
    SubmissionStatus,
)


class Submission(models.Model):
    """One agency's self-assessment dossier for one period, and everything the review adds to it.

    `status` changes only through assessments.workflow. `version` grows on every write that another
    person could race (autosave, appraisal, transitions), so a stale page is told, not overwritten.
    """

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    agency = models.ForeignKey(
        "assessments.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    table = models.ForeignKey(
        "assessments.CriteriaTable",
        verbose_name=_("bảng tiêu chí"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    # The name under which the agency was evaluated in this period: set when the dossier is
    # created, followed by a later rename only while the dossier is not finalised (see
    # assessments.lineage.record_change), so old results keep the name they were given under.
    agency_name = models.CharField(
        _("tên cơ quan trong kỳ"), max_length=255, blank=True, editable=False
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
        editable=False,
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thẩm định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_submissions",
    )
    round = models.PositiveSmallIntegerField(_("số vòng giải trình"), default=0, editable=False)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_late = models.BooleanField(_("nộp muộn"), default=False, editable=False)
    reply_by = models.DateField(_("hạn trả lời giải trình"), null=True, blank=True)
    # Scores are stored when a step completes, with the thresholds used, so a later change of the
    # period's thresholds never silently re-grades a finalised result.
    self_score = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    self_grade = models.CharField(_("mức tự đánh giá"), max_length=40, blank=True)
    final_score = models.DecimalField(
        _("điểm chính thức"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    final_grade = models.CharField(_("mức xếp loại"), max_length=40, blank=True)
    final_thresholds = models.JSONField(
        _("các mức xếp loại áp dụng"),
        null=True,
        blank=True,
        help_text=_("Các mức của kỳ khi chốt (tên mức, điểm thấp nhất); trống: chỉ xếp hạng."),
    )
    finalised_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chốt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("ý kiến quyết định của lãnh đạo"), blank=True)
    document_number = models.CharField(
        _("số văn bản tự đánh giá"), max_length=60, blank=True, help_text=_("Ví dụ: 123/STC-VP")
    )
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["period", "agency__kind__order", "agency__order", "agency__name"]
        verbose_name = _("hồ sơ tự đánh giá")
        verbose_name_plural = _("hồ sơ tự đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period"],
                name="one_submission_per_agency_and_period",
                violation_error_message=_("Cơ quan đã có hồ sơ trong kỳ đánh giá này."),
            ),
            # The upper end is the period's scale (3, 100, 1.000): the scoring library clamps it.
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0),
                name="final_score_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.FINALISED) | Q(final_score__isnull=False),
                name="finalised_has_score",
            ),
        ]

    def __str__(self):
        return f"{self.agency} — {self.period}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.agency_name and self.agency_id:
            self.agency_name = self.agency.name
        super().save(*args, **kwargs)

    @property
    def evaluated_as(self) -> str:
        """The agency's name as of this period (its current name for a row written before
        names were kept)."""
        return self.agency_name or self.agency.name


class ItemScore(models.Model):
    """One criterion of one submission: the agency's self-assessment and the reviewer's appraisal.

    The agency's original inputs and points stay on record once submitted; the review writes only
    to the reviewer_* and agreed_* fields.
    """

    submission = models.ForeignKey(
        Submission, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="items"
    )
    criterion = models.ForeignKey(
        "assessments.Criterion",
        verbose_name=_("tiêu chí"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    inputs = models.JSONField(_("số liệu tự đánh giá"), default=dict, blank=True)
    points = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("giải trình"), blank=True)
    not_applicable = models.BooleanField(_("không áp dụng"), default=False)
    not_applicable_reason = models.TextField(_("lý do không áp dụng"), blank=True)
    prefill = models.CharField(
        _("số liệu điền sẵn"),
        max_length=10,
        choices=PrefillState.choices,
        blank=True,
        help_text=_("Trống: tiêu chí không có số liệu điền sẵn cho cơ quan này."),
    )

    reviewer_inputs = models.JSONField(_("số liệu thẩm định"), null=True, blank=True)
    reviewer_points = models.DecimalField(
        _("điểm thẩm định"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    reviewer_override = models.BooleanField(
        _("điều chỉnh trực tiếp điểm"),
        default=False,
        help_text=_("Điểm thẩm định được nhập trực tiếp thay vì tính từ số liệu."),
    )
    reviewer_not_applicable = models.BooleanField(_("thẩm định: không áp dụng"), null=True)
    reviewer_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    agency_response = models.CharField(
        _("ý kiến của cơ quan"), max_length=10, choices=AgencyResponse.choices, blank=True
    )
    agency_response_text = models.TextField(_("nội dung giải trình"), blank=True)
    agreed_points = models.DecimalField(
        _("điểm thống nhất"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    agreed_not_applicable = models.BooleanField(_("thống nhất: không áp dụng"), null=True)
    agreed_inputs = models.JSONField(
        _("số liệu thống nhất"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Với tiêu chí so sánh giữa các đơn vị: số liệu được thống nhất (của đơn vị hoặc "
            "của Sở), từ đó điểm được tính khi chốt kết quả kỳ đánh giá."
        ),
    )
    agreement = models.CharField(
        _("cách thống nhất"),
        max_length=24,
        choices=Agreement.choices,
        blank=True,
        help_text=_(
            "Cách đạt được điểm thống nhất: không điều chỉnh, đơn vị đồng ý, Sở chấp nhận "
            "giải trình, hoặc lãnh đạo quyết định. Trống khi tiêu chí chưa thống nhất."
        ),
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thống nhất"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("thống nhất lúc"), null=True, blank=True)
    agreement_reason = models.TextField(_("lý do quyết định"), blank=True)
    sent_appraisal = models.JSONField(
        _("kết quả thẩm định đã gửi"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Cột thẩm định như lúc Sở gửi cho đơn vị; sửa đổi sau đó chưa gửi thì đơn vị chưa thấy."
        ),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["submission", "criterion__order"]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="one_score_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.submission} — {self.criterion.code}"

    @property
    def appraised_points(self):
        """The reviewer's points where set, else the agency's (no adjustment)."""
        return self.reviewer_points if self.reviewer_points is not None else self.points

    @property
    def is_adjusted(self) -> bool:
        """The reviewer's result differs from the agency's (points, or not-applicable)."""
        if (
            self.reviewer_not_applicable is not None
            and self.reviewer_not_applicable != self.not_applicable
        ):
            return True
        if (
            self.reviewer_points is None
            and self.reviewer_reason
            and not self.reviewer_not_applicable
            and self.reviewer_inputs is not None
            and not self.reviewer_override
        ):
            # A corrected value whose points are computed only at the period's finalisation
            # (a rule across agencies): the values themselves tell the adjustment. A changed
            # value always has a reason, so a list that loads only the listed fields
            # (results.ListedItem) reads no more for any other criterion.
            return self.reviewer_inputs != (self.inputs or {})
        return self.reviewer_points is not None and self.reviewer_points != self.points

    SENT_FIELDS = (
        "reviewer_inputs",
        "reviewer_points",
        "reviewer_override",
        "reviewer_not_applicable",
        "reviewer_reason",
    )

    def appraisal_snapshot(self) -> dict:
        """The reviewer's column as JSON, stored when it is sent to the agency."""
        values = {name: getattr(self, name) for name in self.SENT_FIELDS}
        if values["reviewer_points"] is not None:
            values["reviewer_points"] = str(values["reviewer_points"])
        return values

    def as_sent(self) -> "ItemScore":
        """This item with the reviewer's column as last sent to the agency (in memory only,
        never saved): what the agency may see while the reviewer works on a new version."""
        if self.sent_appraisal is not None:
            for name in self.SENT_FIELDS:
                setattr(self, name, self.sent_appraisal.get(name))
            if self.reviewer_points is not None:
                self.reviewer_points = Decimal(self.reviewer_points)
            self.reviewer_override = bool(self.reviewer_override)
            self.reviewer_reason = self.reviewer_reason or ""
        return self

    @property
    def is_settled(self) -> bool:
        """An adjusted criterion the agency agreed to, whose explanation the Department accepted,
        or which the lead decided."""
        return self.agreement in SETTLED

    @property
    def is_open(self) -> bool:
        """Adjusted and not settled: the dossier cannot be agreed while any criterion is open."""
        return self.is_adjusted and not self.is_settled


def evidence_upload_to(instance, filename: str) -> str:
    # Stored under a random name nobody can guess; the original name is kept in a field.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.submission.period_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A piece of evidence (tài liệu kiểm chứng): an official document citation, a file, a link,
    or several of these. One evidence item may support several criteria of the submission."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="evidence"
    )
    items = models.ManyToManyField(
        ItemScore, verbose_name=_("tiêu chí liên quan"), related_name="evidence", blank=True
    )
    doc_number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    doc_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    file = models.FileField(_("tệp đính kèm"), upload_to=evidence_upload_to, blank=True)
    original_filename = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    added_during_review = models.BooleanField(_("bổ sung khi giải trình"), default=False)
    added_in_round = models.PositiveSmallIntegerField(
        _("vòng giải trình bổ sung"),
        default=0,
        help_text=_("Vòng giải trình mà đơn vị bổ sung tài liệu (0: có từ khi tự đánh giá)."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thêm"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "created_at", "id"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(doc_number="") | ~Q(file="") | ~Q(url=""),
                name="evidence_has_citation_file_or_link",
                violation_error_message=_(
                    "Tài liệu kiểm chứng cần có số/ký hiệu văn bản, tệp đính kèm hoặc đường dẫn."
                ),
            ),
        ]

    def __str__(self):
        return self.citation or self.original_filename or self.url

    @property
    def citation(self) -> str:
        parts = []
        if self.doc_number:
            parts.append(f"Số {self.doc_number}")
        if self.doc_date:
            parts.append(f"ngày {self.doc_date:%d/%m/%Y}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        text = " ".join(parts)
        if self.summary:
            text = f"{text} — {self.summary}" if text else self.summary
        return text


class Message(models.Model):
    """The exchange between the Department and the agency, per criterion or per submission."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="messages"
    )
    item = models.ForeignKey(
        ItemScore,
        verbose_name=_("tiêu chí"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người viết"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=MessageKind.choices)
    body = models.TextField(_("nội dung"))
    is_internal = models.BooleanField(
        _("ghi chú nội bộ"), default=False, help_text=_("Cơ quan được đánh giá không xem được.")
    )
    round = models.PositiveSmallIntegerField(_("vòng"), default=0)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("trao đổi")
        verbose_name_plural = _("trao đổi")

    def __str__(self):
        return self.body[:60]


class Assignment(models.Model):
    """A reviewer assigned to a criteria group of a submission (the whole submission uses
    Submission.reviewer)."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="assignments"
    )
    group = models.ForeignKey(
        "assessments.Criterion",
        verbose_name=_("nhóm tiêu chí"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thẩm định"),
        on_delete=models.PROTECT,
        related_name="group_assignments",
    )

    class Meta:
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")
        constraints = [
            models.UniqueConstraint(fields=["submission", "group"], name="one_reviewer_per_group")
        ]

    def __str__(self):
        return f"{self.group_id} → {self.reviewer_id}"
