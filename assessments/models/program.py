from django.db import models
from django.utils.translation import gettext_lazy as _

# The 2022 program's wording, as printed on its documents (Công văn 2083/STTTT-CNTT-VT); the data
# migration gives it to the program existing periods belong to.
PROGRAM_2022 = {
    "code": "ung-dung-cntt",
    "name": "Đánh giá ứng dụng CNTT trong quản lý điều hành",
    "subject": "ứng dụng công nghệ thông tin trong quản lý điều hành",
    "parent_body": "UBND tỉnh Đồng Nai",
    "agency_short_name": "Sở TT&TT",
    "agency_abbreviation": "STTTT",
    "handling_unit": "phòng CNTT-VT",
    "handling_unit_code": "CNTT-VT",
    "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    "report_addressee": "Ủy ban nhân dân tỉnh Đồng Nai (qua Sở Nội vụ)",
    "report_through": "Sở Nội vụ",
}


class Program(models.Model):
    """An evaluation the province runs year after year (chương trình đánh giá): its periods,
    the agency that evaluates and the wording of its documents. Several programs may run in the
    same year for the same agencies; each has its own periods, queue, reports and public pages.

    Nothing in the portal names a particular department: pages, letters and PDFs read the
    evaluating agency, its parent body and its signer from here (and from the period, which
    records the agency that evaluated it, so a renamed department keeps its past periods)."""

    code = models.SlugField(
        _("mã chương trình"),
        max_length=40,
        unique=True,
        help_text=_("Chữ thường không dấu, ví dụ “chuyen-doi-so”."),
    )
    name = models.CharField(_("tên chương trình đánh giá"), max_length=255, unique=True)
    subject = models.CharField(
        _("nội dung đánh giá"),
        max_length=255,
        help_text=_(
            "Đọc sau chữ “đánh giá” trong văn bản, ví dụ “ứng dụng công nghệ thông tin trong "
            "quản lý điều hành” hoặc “chuyển đổi số”."
        ),
    )
    description = models.TextField(_("giới thiệu"), blank=True)
    evaluating_agency = models.ForeignKey(
        "assessments.Agency",
        verbose_name=_("cơ quan đánh giá"),
        on_delete=models.PROTECT,
        related_name="programs",
        help_text=_("Cơ quan thẩm định; kỳ mới của chương trình lấy cơ quan này."),
    )
    parent_body = models.CharField(
        _("cơ quan chủ quản"),
        max_length=255,
        help_text=_("In ở dòng trên của tiêu đề văn bản, ví dụ “UBND tỉnh Đồng Nai”."),
    )
    agency_short_name = models.CharField(
        _("tên gọi tắt của cơ quan đánh giá"),
        max_length=60,
        help_text=_("Dùng trong thông báo và hướng dẫn, ví dụ “Sở KH&CN”."),
    )
    agency_abbreviation = models.CharField(
        _("chữ viết tắt trong ký hiệu văn bản"),
        max_length=20,
        help_text=_("Ví dụ “SKHCN” trong “123/SKHCN-CĐS”."),
    )
    handling_unit = models.CharField(
        _("phòng chuyên môn"),
        max_length=120,
        help_text=_("Nơi liên hệ trên các trang, ví dụ “phòng Chuyển đổi số”."),
    )
    handling_unit_code = models.CharField(
        _("ký hiệu phòng chuyên môn"),
        max_length=20,
        help_text=_("Dùng trong ký hiệu văn bản và dòng “Lưu:”, ví dụ “CĐS”."),
    )
    signer_title = models.CharField(
        _("chức vụ người ký mặc định"),
        max_length=150,
        help_text=_("Mỗi dòng một dòng chức danh, ví dụ “KT. GIÁM ĐỐC” rồi “PHÓ GIÁM ĐỐC”."),
    )
    signer_name = models.CharField(_("người ký mặc định"), max_length=150, blank=True)
    report_addressee = models.CharField(
        _("nơi nhận báo cáo kết quả"),
        max_length=255,
        help_text=_("Dòng “Kính gửi”, ví dụ “Ủy ban nhân dân tỉnh Đồng Nai (qua Sở Nội vụ)”."),
    )
    report_through = models.CharField(
        _("cơ quan chuyển báo cáo"),
        max_length=120,
        blank=True,
        help_text=_("Cơ quan báo cáo được gửi qua, ví dụ “Sở Nội vụ”; để trống nếu gửi thẳng."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("chương trình đánh giá")
        verbose_name_plural = _("chương trình đánh giá")

    def __str__(self):
        return self.name

    @property
    def parent_body_short(self) -> str:
        """“UBND tỉnh” of “UBND tỉnh Đồng Nai”, as a “Nơi nhận” line names it."""
        name = self.parent_body.strip()
        marker = " tỉnh "
        return name[: name.index(marker) + len(marker) - 1] if marker in name else name

    @property
    def place(self) -> str:
        """The place before a document's date: “Đồng Nai” of “UBND tỉnh Đồng Nai”."""
        name = self.parent_body.strip()
        marker = " tỉnh "
        return name[name.index(marker) + len(marker) :] if marker in name else name

    @property
    def filing_line(self) -> str:
        """The “Lưu:” line closing the “Nơi nhận” of every document."""
        return f"Lưu: VT, {self.handling_unit_code}."

    @property
    def contact(self) -> str:
        """Whom a page tells a person to contact: “phòng CNTT-VT, Sở TT&TT”."""
        return f"{self.handling_unit}, {self.agency_short_name}"


def program_2022(evaluating_agency) -> Program:
    """The 2022 program (the IT-use evaluation), created with its historical wording if missing."""
    program, _ = Program.objects.get_or_create(
        code=PROGRAM_2022["code"],
        defaults={**PROGRAM_2022, "evaluating_agency": evaluating_agency},
    )
    return program
