"""Open data: a published period's results as CSV and JSON, with a documented, stable column set.

The columns below are a public contract (documented at /ket-qua/du-lieu-mo/ and in the README):
new columns may be appended, existing ones are never renamed, reordered or removed.
"""

import csv
import io
import json

from assessments.exports.base import Export, neutralise
from assessments.models import Period
from assessments.results import PeriodResults, final_submissions

# (key, Vietnamese description) — the order is the CSV column order.
COLUMNS = [
    ("nam", "Năm đánh giá (số nguyên, ví dụ 2022)."),
    ("ma_ky", "Mã kỳ đánh giá."),
    ("ma_co_quan", "Mã cơ quan, đơn vị (không đổi giữa các năm)."),
    ("ten_co_quan", "Tên cơ quan, đơn vị."),
    ("ma_loai", "Mã loại cơ quan, đơn vị (so-ban-nganh, don-vi-su-nghiep, ubnd-cap-huyen…)."),
    ("phu_luc", "Bảng tiêu chí áp dụng (Phụ lục 1, 2, 3…)."),
    (
        "diem_tu_danh_gia",
        "Điểm tự đánh giá trên thang điểm của kỳ (năm 2022: thang điểm 3), hai chữ số thập "
        "phân, dấu chấm thập phân.",
    ),
    ("diem_chinh_thuc", "Điểm chính thức sau thẩm định, cùng thang điểm, dấu chấm thập phân."),
    (
        "xep_loai",
        "Mức xếp loại theo các mức của kỳ (năm 2022: A+, A, B hoặc C); trống nếu kỳ chỉ xếp hạng.",
    ),
    ("thu_hang_trong_loai", "Thứ hạng trong loại cơ quan, đơn vị (cùng điểm thì cùng hạng)."),
    ("nop_muon", "true nếu nộp sau hạn chung của kỳ (kể cả khi được gia hạn), ngược lại false."),
    ("ngay_chot", "Ngày chốt kết quả, định dạng ISO 8601 (YYYY-MM-DD)."),
]
COLUMN_KEYS = [key for key, _description in COLUMNS]


def records(period: Period):
    """One record per finalised agency, kinds in order, best score first within a kind (stored
    rank, ties by name), read from the database in chunks: memory does not grow with the period."""
    rows = (
        final_submissions(period)
        .order_by("table__kind__order", "table_id", "result__rank", "agency__name", "pk")
        .values_list(
            "agency__code",
            "agency_name",
            "table__kind__code",
            "table__label",
            "self_score",
            "final_score",
            "final_grade",
            "result__rank",
            "is_late",
            "finalised_at",
        )
    )
    for code, name, kind, label, own, final, grade, rank, late, finalised in rows.iterator(
        chunk_size=2000
    ):
        yield {
            "nam": period.year,
            "ma_ky": period.code,
            "ma_co_quan": code,
            "ten_co_quan": name,
            "ma_loai": kind,
            "phu_luc": label,
            "diem_tu_danh_gia": f"{own:.2f}" if own is not None else "",
            "diem_chinh_thuc": f"{final:.2f}",
            "xep_loai": grade,
            "thu_hang_trong_loai": rank,
            "nop_muon": bool(late),
            "ngay_chot": finalised.date().isoformat() if finalised else "",
        }


def _period(source) -> Period:
    """Exports take the period (or, as before, a period's loaded results)."""
    return source.period if isinstance(source, PeriodResults) else source


class _Streamed(Export):
    def render(self) -> bytes:
        return b"".join(self.stream())


class OpenDataCsv(_Streamed):
    """UTF-8 with a byte-order mark (so Excel shows Vietnamese correctly), comma-separated."""

    content_type = "text/csv; charset=utf-8"

    def __init__(self, source):
        self.period = _period(source)
        self.filename = f"ket-qua-{self.period.code}.csv"

    def stream(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(COLUMN_KEYS)
        for count, record in enumerate(records(self.period), start=1):
            values = []
            for key in COLUMN_KEYS:
                value = record[key]
                if isinstance(value, bool):
                    value = "true" if value else "false"
                values.append(neutralise(value))
            writer.writerow(values)
            if count % 500 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")


def _indented(value, depth: int) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + " " * depth)


class OpenDataJson(_Streamed):
    """{"ky_danh_gia": {...}, "cot": [{"ten", "mo_ta"}], "ket_qua": [records]}. Points are strings
    ("2.50") so no reader turns them into binary floats. Streamed record by record, byte for byte
    what `json.dumps(data, ensure_ascii=False, indent=2)` gives."""

    content_type = "application/json; charset=utf-8"

    def __init__(self, source):
        self.period = _period(source)
        self.filename = f"ket-qua-{self.period.code}.json"

    def stream(self):
        period = self.period
        head = {
            "ky_danh_gia": {
                "ma_ky": period.code,
                "nam": period.year,
                "ten": period.title,
                "ngay_cong_bo": period.published_at.date().isoformat()
                if period.published_at
                else None,
                "co_quan_danh_gia": period.evaluating_agency.name,
            },
            "cot": [{"ten": key, "mo_ta": description} for key, description in COLUMNS],
        }
        text = json.dumps(head, ensure_ascii=False, indent=2)
        parts = [text[: -len("\n}")] + ',\n  "ket_qua": [']
        empty = True
        for record in records(period):
            parts.append(("\n    " if empty else ",\n    ") + _indented(record, 4))
            empty = False
            if len(parts) >= 500:
                yield "".join(parts).encode("utf-8")
                parts = []
        parts.append("]\n}" if empty else "\n  ]\n}")
        yield "".join(parts).encode("utf-8")
