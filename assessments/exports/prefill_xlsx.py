"""The prefill workbook of a period: the template the Department fills from the province's
systems, listing every agency expected to self-assess against every measurable criterion of its
kind's table, with the facts already imported. The import reads it back unchanged
(`prefills.parse_prefill_workbook`); the layout lives in `assessments.workbooks`."""

from assessments import periods, workbooks
from assessments.exports.base import XLSX_CONTENT_TYPE, Export
from assessments.models import Criterion, PrefilledFact
from assessments.prefills import inputs_to_cells
from assessments.workbooks import GUIDE_SHEET, PREFILL_COLUMNS, PREFILL_GUIDE, PREFILL_SHEET
from scoring import InvalidInput, parse_decimal


def _cell(value):
    """Numbers stored as the Vietnamese text of the answer form go back as numbers."""
    if isinstance(value, str) and value:
        try:
            return parse_decimal(value)
        except InvalidInput:  # an option's key, a list of item numbers: text
            return value
    return value


class PrefillExport(Export):
    content_type = XLSX_CONTENT_TYPE

    def __init__(self, period):
        self.period = period
        self.filename = f"so-lieu-dien-san-{period.code}.xlsx"

    def rows(self):
        criteria: dict[int, list[Criterion]] = {}
        for criterion in (
            Criterion.objects.filter(table__period=self.period, measurable=True)
            .exclude(rule="")
            .select_related("table")
            .order_by("order")
        ):
            criteria.setdefault(criterion.table.kind_id, []).append(criterion)
        facts = {
            (fact.agency_id, fact.criterion_id): fact
            for fact in PrefilledFact.objects.filter(period=self.period)
        }
        agencies = periods.expected_agencies(self.period).order_by("kind__order", "order", "name")
        for agency in agencies:
            for criterion in criteria.get(agency.kind_id, ()):
                fact = facts.get((agency.pk, criterion.pk))
                cells = inputs_to_cells(criterion, fact.inputs) if fact else {}
                values = {
                    "agency": agency.code,
                    "agency_name": agency.name,
                    "criterion": criterion.code,
                    "criterion_title": criterion.title,
                    "source": fact.source if fact else "",
                    "as_of": fact.as_of if fact else None,
                    **{key: _cell(value) for key, value in cells.items()},
                }
                yield [values.get(column.key) for column in PREFILL_COLUMNS]

    def render(self) -> bytes:
        workbook = workbooks.new_workbook()
        workbooks.set_properties(
            workbook,
            title=f"Số liệu điền sẵn — {self.period}",
            creator=self.period.evaluating_agency.name,
        )
        sheet = workbook.active
        sheet.title = PREFILL_SHEET
        workbooks.write_table(sheet, PREFILL_COLUMNS, self.rows())
        for row in sheet.iter_rows(min_row=2, min_col=9, max_col=9):
            for cell in row:
                cell.number_format = "DD/MM/YYYY"
        workbooks.setup_page(sheet)
        guide = workbook.create_sheet(GUIDE_SHEET)
        guide.column_dimensions["A"].width = 26
        guide.column_dimensions["B"].width = 90
        for label, text in PREFILL_GUIDE:
            guide.append([label, text])
            workbooks.style_body(guide[guide.max_row], border=False)
            guide.cell(row=guide.max_row, column=1).font = workbooks.font(bold=True)
        workbooks.fit_row_heights(guide)
        workbooks.setup_page(guide, header_rows=None, landscape=False)
        return workbooks.to_bytes(workbook)


__all__ = ["PrefillExport"]
