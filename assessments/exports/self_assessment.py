"""The agency's self-assessment report: a document to print, sign and send to the Department."""

from django.utils import timezone

from assessments import scores
from assessments.display import describe_inputs
from assessments.exports.base import PDF_CONTENT_TYPE, Export
from assessments.exports.documents import DocumentHeader, place_of, signer_lines
from assessments.exports.pdf import render_pdf


def parent_body_for(agency, program) -> str:
    # A People's Committee (district, commune) issues in its own name; departments and units sit
    # under the program's parent body (UBND tỉnh).
    return "" if agency.name.upper().startswith("UBND") else program.parent_body.upper()


def build_rows(criteria, items, result):
    """Table rows in table order: groups with their totals, criteria with inputs and evidence."""
    by_code = {item.criterion.code: item for item in items}
    rows = []
    for criterion in criteria:
        if criterion.is_group:
            group = result.groups.get(criterion.code)
            rows.append(
                {
                    "group": True,
                    "criterion": criterion,
                    "points": group.points if group else None,
                }
            )
            continue
        item = by_code.get(criterion.code)
        item_result = result.items.get(criterion.code)
        rows.append(
            {
                "group": False,
                "criterion": criterion,
                "item": item,
                "inputs": describe_inputs(
                    criterion,
                    item.inputs if item else None,
                    not_applicable=bool(item and item.not_applicable),
                ),
                "points": item_result.points if item_result else None,
                "evidence": [
                    e.citation or e.original_filename or e.url for e in item.evidence.all()
                ]
                if item
                else [],
            }
        )
    return rows


class SelfAssessmentPdf(Export):
    """`render()` gives the PDF bytes of one submission's self-assessment."""

    content_type = PDF_CONTENT_TYPE

    def __init__(self, submission, *, criteria=None, items=None):
        # Callers exporting many submissions pass rows they loaded in bulk (items with their
        # criterion and `evidence` prefetched), so the export's query count stays fixed.
        self.submission = submission
        self.criteria = criteria
        self.items = items
        self.filename = f"tu-danh-gia-{submission.period.code}-{submission.agency.code}.pdf"

    def context(self) -> dict:
        submission = self.submission
        period = submission.period
        criteria = self.criteria
        if criteria is None:
            criteria = scores.table_criteria(submission.table)
        items = self.items
        if items is None:
            items = list(
                submission.items.select_related("criterion__parent").prefetch_related("evidence")
            )
        result = scores.self_result(submission, criteria, items)
        day = (
            timezone.localtime(submission.submitted_at).date() if submission.submitted_at else None
        )
        summary = f"Kết quả tự đánh giá {period.program.subject} năm {period.year}"
        doc = DocumentHeader(
            issuing_body=submission.evaluated_as,
            parent_body=parent_body_for(submission.agency, period.program),
            place=place_of(submission.evaluated_as, period.program.place),
            number=submission.document_number,
            summary_line=summary,
            subject=summary,
            # Numbered …/BC-… it is a báo cáo; numbered as a công văn it is sent to the Department.
            addressees=[f"{period.evaluating_agency.name}."],
            date=day or timezone.localdate(),
            recipients=[f"{period.evaluating_agency.name};", "Lưu: VT."],
            signer_title_lines=signer_lines(submission.signer_title or "THỦ TRƯỞNG CƠ QUAN"),
            signer_name=submission.signer_name,
        )
        return {
            "doc": doc,
            "submission": submission,
            "period": period,
            "rows": build_rows(criteria, items, result),
            "result": result,
        }

    def render(self) -> bytes:
        return render_pdf("pdf/self_assessment.html", self.context())
