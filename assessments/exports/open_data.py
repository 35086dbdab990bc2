"""Open data: a published period's results as CSV and JSON, with a documented, stable column set.

The columns below are a public contract (documented at /ket-qua/du-lieu-mo/ and in the README):
new columns may be appended, existing ones are never renamed, reordered or removed.
"""

import csv
import io
import json

from assessments.exports.base import Export, neutralise
from assessments.results import PeriodResults

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
        "Điểm tự đánh giá, thang điểm 3, hai chữ số thập phân, dấu chấm thập phân.",
    ),
    ("diem_chinh_thuc", "Điểm chính thức sau thẩm định, thang điểm 3, dấu chấm thập phân."),
    ("xep_loai", "Mức xếp loại: A+, A, B hoặc C."),
    ("thu_hang_trong_loai", "Thứ hạng trong loại cơ quan, đơn vị (cùng điểm thì cùng hạng)."),
    ("nop_muon", "true nếu nộp sau hạn chung của kỳ (kể cả khi được gia hạn), ngược lại false."),
    ("ngay_chot", "Ngày chốt kết quả, định dạng ISO 8601 (YYYY-MM-DD)."),
]
COLUMN_KEYS = [key for key, _description in COLUMNS]


def records(results: PeriodResults) -> list[dict]:
    """One record per finalised agency, kinds in order, best score first within a kind."""
    period = results.period
    rows = []
    for kind in results.kinds:
        for result in kind.ranked():
            submission = result.submission
            rows.append(
                {
                    "nam": period.year,
                    "ma_ky": period.code,
                    "ma_co_quan": result.agency.code,
                    "ten_co_quan": result.agency.name,
                    "ma_loai": kind.kind.code,
                    "phu_luc": kind.table.label,
                    "diem_tu_danh_gia": f"{submission.self_score:.2f}"
                    if submission.self_score is not None
                    else "",
                    "diem_chinh_thuc": f"{submission.final_score:.2f}",
                    "xep_loai": submission.final_grade,
                    "thu_hang_trong_loai": result.rank,
                    "nop_muon": bool(submission.is_late),
                    "ngay_chot": submission.finalised_at.date().isoformat()
                    if submission.finalised_at
                    else "",
                }
            )
    return rows


class OpenDataCsv(Export):
    """UTF-8 with a byte-order mark (so Excel shows Vietnamese correctly), comma-separated."""

    content_type = "text/csv; charset=utf-8"

    def __init__(self, results: PeriodResults):
        self.results = results
        self.filename = f"ket-qua-{results.period.code}.csv"

    def render(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMN_KEYS)
        for record in records(self.results):
            values = []
            for key in COLUMN_KEYS:
                value = record[key]
                if isinstance(value, bool):
                    value = "true" if value else "false"
                values.append(neutralise(value))
            writer.writerow(values)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class OpenDataJson(Export):
    """{"ky_danh_gia": {...}, "cot": [{"ten", "mo_ta"}], "ket_qua": [records]}. Points are strings
    ("2.50") so no reader turns them into binary floats."""

    content_type = "application/json; charset=utf-8"

    def __init__(self, results: PeriodResults):
        self.results = results
        self.filename = f"ket-qua-{results.period.code}.json"

    def render(self) -> bytes:
        period = self.results.period
        data = {
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
            "ket_qua": records(self.results),
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
