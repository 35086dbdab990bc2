"""The official report of the evaluating agency to its parent body (UBND tỉnh, through the
department the program names), and issuing it. Every name comes from the period's program.

Decision (issue 5): a report is issued once per period. Issuing stores the PDF bytes with their
SHA-256 in an IssuedDocument and writes an audit row; from then on the stored file is served as
issued, never re-rendered. A second issue for the same period is refused: an administrative
document that has left the Department is corrected by a new document, not by changing this one.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from itertools import chain, islice

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from assessments import audit, charts, permissions
from assessments.enums import AuditAction, DocumentKind, PeriodStatus
from assessments.exports.base import PDF_CONTENT_TYPE, Export
from assessments.exports.documents import (
    NAMED,
    DocumentHeader,
    date_text,
    layout_for,
    signer_lines,
)
from assessments.exports.pdf import LaidOut, append_pdfs, render_pdf
from assessments.models import IssuedDocument, Period
from assessments.results import FINAL_PERIOD_STATUSES, PeriodResults, StreamedResults

# Up to this many ranked agencies the body ranks them kind by kind (a province). Beyond it (a
# nation: 10,000 agencies) the body gives the summary by kind and the ranking is the report's
# annex, laid out ANNEX_ROWS rows per WeasyPrint render: WeasyPrint keeps every page's boxes until
# it writes, about 150 kB a row, so one render of 10,000 rows needed 1.5 GB.
ANNEX_FROM = 200
ANNEX_ROWS = 1000


@dataclass(frozen=True)
class AnnexRow:
    """One agency in the annex's ranking: its kind (index in the report's kinds) and place."""

    kind: int
    number: int
    name: str
    self_score: object
    final_score: object
    final_grade: str


@dataclass
class AnnexSection:
    """One kind's rows in one part of the annex, each with its index in the part; `starts` when
    the kind's heading is in this part (else its table goes on from the part before)."""

    kind: object
    rows: list[tuple[int, AnnexRow]]
    starts: bool


class IssueError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OfficialReportPdf(Export):
    """`render()` gives the report's PDF bytes for the given number, date and signer."""

    content_type = PDF_CONTENT_TYPE

    def __init__(
        self,
        results: PeriodResults | StreamedResults,
        *,
        number: str = "",
        issued_on: dt.date | None = None,
        signer_name: str = "",
        signer_title: str = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        annex_rows: int = ANNEX_ROWS,
    ):
        self.results = results
        self.annex_rows = annex_rows
        self.period = results.period
        self.number = number
        self.issued_on = issued_on
        self.signer_name = signer_name
        self.signer_title = signer_title
        self.filename = f"bao-cao-ket-qua-{self.period.code}.pdf"

    def context(self) -> dict:
        period = self.period
        department = period.evaluating_agency
        program = period.program
        summary = f"Kết quả đánh giá {program.subject} năm {period.year}"
        doc = DocumentHeader(
            issuing_body=department.name,
            parent_body=program.parent_body.upper(),
            place=program.place,
            number=self.number,
            summary_line=summary,
            subject=summary,
            # A công văn number (…/STTTT-CNTT-VT) takes the letter layout and this addressee; a
            # …/BC-… number the báo cáo layout, where the parent body heads the “Nơi nhận”.
            addressees=[f"{program.report_addressee}."],
            date=self.issued_on,
            recipients=[
                f"{program.parent_body_short};"
                if layout_for(self.number) == NAMED
                else "Như trên;",
                *([f"{program.report_through};"] if program.report_through else []),
                "Giám đốc, các Phó Giám đốc Sở;",
                "Các cơ quan, đơn vị được đánh giá;",
                program.filing_line,
            ],
            signer_title_lines=signer_lines(self.signer_title),
            signer_name=self.signer_name,
        )
        counts = self.results.grade_counts()
        total = self.results.final_count
        annex = None
        if total > ANNEX_FROM:
            kinds = [(kind, kind.final_count, kind.grade_counts()) for kind in self.results.kinds]
            annex = {
                "document_name": "Công văn" if doc.is_letter else "Báo cáo",
                "title": f"Xếp hạng kết quả đánh giá {program.subject} năm {period.year}".upper(),
            }
        else:
            kinds = [(kind, kind.ranked(), kind.grade_counts()) for kind in self.results.kinds]
        return {
            "doc": doc,
            "period": period,
            "kinds": kinds,
            "annex": annex,
            "counts": counts,
            "total": total,
            "chart": charts.bar_chart(counts, title=f"Phân bố mức xếp loại năm {period.year}"),
            "deadline_text": date_text(period.self_assessment_deadline),
        }

    def render(self) -> bytes:
        context = self.context()
        if context["annex"] is None:
            # The chart goes after section 2, or after the first kind's table where it fits.
            return render_pdf(
                "pdf/official_report.html", context, figure_slots=1 + len(context["kinds"])
            )
        # The chart goes after section 2, or after the summary table.
        body = render_pdf("pdf/official_report.html", context, figure_slots=2)
        return append_pdfs(body, self._annex_parts(context))

    def _annex_rows(self):
        for index, kind in enumerate(self.results.kinds):
            for number, result in enumerate(kind.ranked(), start=1):
                yield AnnexRow(
                    kind=index,
                    number=number,
                    name=result.evaluated_as,
                    self_score=result.self_score,
                    final_score=result.final_score,
                    final_grade=result.final_grade,
                )

    def _sections(self, rows: list[AnnexRow]) -> list[AnnexSection]:
        kinds = self.results.kinds
        sections = []
        for index, row in enumerate(rows):
            if not sections or sections[-1].rows[-1][1].kind != row.kind:
                sections.append(AnnexSection(kind=kinds[row.kind], rows=[], starts=row.number == 1))
            sections[-1].rows.append((index, row))
        return sections

    def _annex_parts(self, context: dict):
        """The annex's PDF parts, `annex_rows` rows each. Every part but the last drops its last
        page, which the next part starts with: no page is left half empty where two parts meet.
        The annex's pages are numbered on their own and on across parts (Nghị định 30/2020,
        Phụ lục I: số trang của phụ lục được đánh riêng theo từng phụ lục)."""
        rows = self._annex_rows()
        carried: list[AnnexRow] = []
        first_page = 1
        while True:
            batch = carried + list(islice(rows, max(self.annex_rows - len(carried), 1)))
            if not batch:
                return
            following = next(rows, None)
            last = following is None
            if not last:
                rows = chain([following], rows)
            part = {**context, "sections": self._sections(batch), "first_page": first_page}
            laid = LaidOut("pdf/official_report_annex.html", part)
            pages = len(laid.pages)
            carried = []
            if not last and pages > 1:
                number = laid.first_marked(pages - 1, "data-row")
                # (Row 0 on the last page: the part's rows did not fill a page; keep them.)
                if number is not None and int(number) > 0:
                    carried = batch[int(number) :]
                    pages -= 1
            data = laid.write(pages)
            del laid  # the next part is laid out without this one's pages in memory
            yield data
            first_page += pages


def _addressee(period) -> str:
    """“UBND tỉnh (qua Sở Nội vụ)”: whom the report goes to, as the audit trail names it."""
    program = period.program
    through = f" (qua {program.report_through})" if program.report_through else ""
    return f"{program.parent_body_short}{through}"


def issued_report(period) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(
        period=period, kind=DocumentKind.CONSOLIDATED_REPORT
    ).first()


def issue_official_report(
    results: PeriodResults | StreamedResults,
    *,
    actor,
    number: str,
    issued_on: dt.date,
    signer_name: str,
    signer_title: str,
) -> IssuedDocument:
    """Render the report with its number, date and signer, store the bytes and their SHA-256, and
    audit it. Rules: the period's results are final (chốt or công bố); a number, a signer and a
    signer title are given; a period has one issued report (a second issue is refused)."""
    if not permissions.can_issue(actor):
        raise IssueError("Chỉ lãnh đạo Sở được ban hành báo cáo kết quả.")
    period = results.period
    if period.status not in FINAL_PERIOD_STATUSES:
        raise IssueError(
            "Chỉ ban hành báo cáo khi kỳ đánh giá đã chốt kết quả "
            f"(hiện tại: “{PeriodStatus(period.status).label}”)."
        )
    if not number.strip() or not signer_name.strip() or not signer_title.strip():
        raise IssueError("Vui lòng nhập số, ký hiệu văn bản, người ký và chức vụ người ký.")
    existing = issued_report(period)
    if existing is not None:
        raise IssueError(
            f"Báo cáo năm {period.year} đã ban hành (số {existing.number} ngày "
            f"{existing.issued_on:%d/%m/%Y}). Văn bản đã ban hành không được sửa hay ban hành "
            "lại; nếu cần điều chỉnh, vui lòng ban hành văn bản mới ngoài hệ thống."
        )
    pdf = OfficialReportPdf(
        results,
        number=number.strip(),
        issued_on=issued_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
    ).render()
    stored = []
    try:
        with transaction.atomic():
            # Two leads issuing at once: the second waits here and then finds the first report.
            Period.objects.select_for_update().filter(pk=period.pk).first()
            existing = issued_report(period)
            if existing is not None:
                raise IssueError(f"Báo cáo năm {period.year} vừa được người khác ban hành.")
            document = IssuedDocument(
                period=period,
                kind=DocumentKind.CONSOLIDATED_REPORT,
                number=number.strip(),
                issued_on=issued_on,
                signer_name=signer_name.strip(),
                signer_title=signer_title.strip(),
                sha256=hashlib.sha256(pdf).hexdigest(),
                issued_by=actor,
            )
            # The file is written inside the transaction; if the row is not stored, neither is
            # the file (no orphan on disk).
            document.file.save(f"bao-cao-{period.code}.pdf", ContentFile(pdf), save=False)
            stored.append(document.file.name)
            document.save()
            audit.record(
                actor=actor,
                period=period,
                action=AuditAction.ISSUE_REPORT,
                target=number.strip(),
                field="sha256",
                new=document.sha256,
                reason=f"Ban hành báo cáo kết quả năm {period.year} gửi {_addressee(period)}.",
            )
    except BaseException as error:
        for name in stored:
            IssuedDocument._meta.get_field("file").storage.delete(name)
        if isinstance(error, IntegrityError):
            raise IssueError("Báo cáo của kỳ này vừa được người khác ban hành.") from error
        raise
    return document
