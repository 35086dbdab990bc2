"""Prefill workbooks built with openpyxl as a person would fill them, and the criteria marked
measurable for the tests (Phụ lục 1 of the 2022 tables, which Sở Tài chính answers)."""

import datetime as dt
import io

from openpyxl import Workbook

from assessments.models import Criterion
from assessments.workbooks import PREFILL_COLUMNS, PREFILL_SHEET

HEADERS = [column.header for column in PREFILL_COLUMNS]
DOCUMENTS = "Hệ thống quản lý văn bản và điều hành"
PORTAL = "Cổng dịch vụ công"
AS_OF = dt.date(2022, 10, 15)
# II.2 a ratio, II.5 a count, I.1 options: one of each form the value takes.
MEASURABLE = ("I.1", "II.2", "II.5")


def mark_measurable(period, codes=MEASURABLE, label="Phụ lục 1") -> None:
    Criterion.objects.filter(table__period=period, table__label=label, code__in=codes).update(
        measurable=True
    )


def row(
    agency,
    criterion,
    *,
    value=None,
    numerator=None,
    denominator=None,
    source=DOCUMENTS,
    as_of=AS_OF,
) -> list:
    """A row in the header order (the two “để đọc” columns left empty)."""
    values = {
        "agency": agency,
        "criterion": criterion,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "source": source,
        "as_of": as_of,
    }
    return [values.get(column.key) for column in PREFILL_COLUMNS]


def workbook_bytes(rows, *, headers=HEADERS, sheet=PREFILL_SHEET) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(headers)
    for values in rows:
        worksheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def standard_rows(agency="so-tai-chinh") -> list:
    return [
        row(agency, "II.2", numerator=1234, denominator=1300),
        row(agency, "II.5", value=2, source=PORTAL),
        row(agency, "I.1", value="truoc-31-3"),
    ]
