"""The per-agency result sheet (phiếu kết quả) and the exchange thread, both as PDFs."""

from django.utils import timezone

from assessments.exports.base import PDF_CONTENT_TYPE, Export
from assessments.exports.documents import DocumentHeader, signer_lines
from assessments.exports.pdf import render_pdf
from assessments.models import User
from assessments.results import AgencyResult


def signer_id(submission) -> int | None:
    """Who signs the result sheet: the leader who finalised the result, or until then the reviewer
    who prepared it."""
    return submission.finalised_by_id if submission.finalised_at else submission.reviewer_id


def _header(period, type_name: str, agency_name: str, *, signer=None, day=None) -> DocumentHeader:
    """A working paper of the Department about one agency: no số/ký hiệu; signed by the leader
    who finalised the result, or prepared by the reviewer until then."""
    summary = f"{agency_name} — năm {period.year}"
    if signer is not None and signer.job_title:
        title_lines = signer_lines(signer.job_title)
        if title_lines and title_lines[0].startswith("PHÓ "):
            # A deputy signs on behalf of the head (ký thay, Nghị định 30, Điều 13).
            title_lines = ["KT. " + title_lines[0].removeprefix("PHÓ "), *title_lines]
    else:
        title_lines = ["NGƯỜI LẬP PHIẾU"] if signer is not None else []
    return DocumentHeader(
        issuing_body=period.evaluating_agency.name,
        parent_body=period.program.parent_body.upper(),
        place=period.program.place,
        type_name=type_name,
        summary_line=summary,
        subject=f"{type_name.capitalize()}: {summary}",
        date=day or timezone.localdate(),
        numbered=False,
        recipients=[f"{agency_name};", period.program.filing_line],
        signer_title_lines=title_lines,
        signer_name=signer.get_full_name() if signer is not None else "",
    )


class ResultSheetPdf(Export):
    """Per criterion: self-assessed and final points, the reviewer's reason for each adjustment,
    totals and grade. Built from a loaded AgencyResult (no query of its own)."""

    content_type = PDF_CONTENT_TYPE

    def __init__(self, period, result: AgencyResult, *, signer=None):
        # Exports of many agencies pass the signer they loaded in bulk (see signer_id).
        self.period = period
        self.result = result
        self.signer = signer
        self.filename = f"phieu-ket-qua-{period.code}-{result.agency.code}.pdf"

    def context(self) -> dict:
        result = self.result
        groups = {c.code: (own, final) for c, own, final in result.group_rows()}
        rows = []
        for row in result.rows:
            own, final = groups.get(row.criterion.code, (None, None))
            rows.append({"row": row, "group_self": own, "group_final": final})
        submission = result.submission
        finalised = submission is not None and submission.finalised_at is not None
        signer = self.signer
        if signer is None and submission is not None:
            signer = User.objects.filter(pk=signer_id(submission)).first()
        return {
            "doc": _header(
                self.period,
                "PHIẾU KẾT QUẢ ĐÁNH GIÁ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN",
                result.evaluated_as,
                signer=signer,
                # Dated when the result was finalised, whenever the sheet is printed.
                day=timezone.localtime(submission.finalised_at).date() if finalised else None,
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
                "NỘI DUNG TRAO ĐỔI, THỐNG NHẤT KẾT QUẢ ĐÁNH GIÁ",
                self.result.evaluated_as,
            ),
            "period": self.period,
            "result": self.result,
            "messages": self.messages,
            "adjusted": adjusted,
        }

    def render(self) -> bytes:
        return render_pdf("pdf/thread.html", self.context())
