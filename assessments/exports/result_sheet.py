"""The per-agency result sheet (phiếu kết quả) and the exchange thread, both as PDFs."""

from django.utils import timezone

from assessments.exports.base import PDF_CONTENT_TYPE, Export
from assessments.exports.documents import DocumentHeader
from assessments.exports.pdf import render_pdf
from assessments.results import AgencyResult


def _header(period, summary: str, agency, day=None) -> DocumentHeader:
    return DocumentHeader(
        issuing_body=period.evaluating_agency.name,
        summary_line=summary,
        date=day or timezone.localdate(),
        numbered=False,
        recipients=[f"{agency.name};", "Lưu: VT, CNTT-VT."],
        signer_title_lines=["NGƯỜI LẬP PHIẾU"],
    )


class ResultSheetPdf(Export):
    """Per criterion: self-assessed and final points, the reviewer's reason for each adjustment,
    totals and grade. Built from a loaded AgencyResult (no query of its own)."""

    content_type = PDF_CONTENT_TYPE

    def __init__(self, period, result: AgencyResult):
        self.period = period
        self.result = result
        self.filename = f"phieu-ket-qua-{period.code}-{result.agency.code}.pdf"

    def context(self) -> dict:
        result = self.result
        groups = {c.code: (own, final) for c, own, final in result.group_rows()}
        rows = []
        for row in result.rows:
            own, final = groups.get(row.criterion.code, (None, None))
            rows.append({"row": row, "group_self": own, "group_final": final})
        return {
            "doc": _header(
                self.period,
                f"Phiếu kết quả đánh giá ứng dụng CNTT năm {self.period.year}",
                result.agency,
                # Dated when the result was finalised, whenever the sheet is printed.
                day=timezone.localtime(result.submission.finalised_at).date()
                if result.submission and result.submission.finalised_at
                else None,
            ),
            "period": self.period,
            "result": result,
            "rows": rows,
        }

    def render(self) -> bytes:
        return render_pdf("pdf/result_sheet.html", self.context())


class ThreadPdf(Export):
    """The exchange between the Department and the agency: questions, answers, decisions and the
    responses on each adjusted criterion. Internal notes of the Department and questions drafted
    for a round not yet sent are left out (the dossier goes to auditors and the agency alike)."""

    content_type = PDF_CONTENT_TYPE

    def __init__(self, period, result: AgencyResult, messages):
        self.period = period
        self.result = result
        sent_round = result.submission.round if result.submission else 0
        self.messages = [
            message
            for message in messages
            if not message.is_internal and message.round <= sent_round
        ]
        self.filename = f"trao-doi-{period.code}-{result.agency.code}.pdf"

    def context(self) -> dict:
        adjusted = [row for row in self.result.rows if row.adjusted and row.item is not None]
        return {
            "doc": _header(
                self.period,
                f"Nội dung trao đổi, thống nhất kết quả đánh giá năm {self.period.year}",
                self.result.agency,
            ),
            "period": self.period,
            "result": self.result,
            "messages": self.messages,
            "adjusted": adjusted,
        }

    def render(self) -> bytes:
        return render_pdf("pdf/thread.html", self.context())
