"""A three-level criteria table on the 2022 scale (0–3), small enough to read in a test:
pillars → main indexes → criteria, a deduction group beside them. It fits today's point fields;
the 100-point DTI fixtures wait for the wider fields."""

from assessments.criteria_io import load_table


def _row(code, parent, title, rule="", maximum=None, params=None, **extra):
    return {
        "code": code,
        "parent": parent,
        "title": title,
        "rule": rule,
        "params": params or {},
        "maximum": maximum,
        **extra,
    }


def deep_data(kind="so-ban-nganh") -> dict:
    return {
        "label": "Phụ lục 1",
        "kind": kind,
        "title": "Chỉ số chuyển đổi số (thử, ba cấp)",
        "scale_max": "3.00",
        "deduction_floor": "-1.00",
        "source": "Bảng thử ba cấp",
        "rows": [
            _row("1", None, "Nhận thức số", maximum="1.00"),
            _row("1.1", "1", "Lãnh đạo, chỉ đạo", maximum="0.60"),
            _row("1.1.1", "1.1", "Kế hoạch chuyển đổi số được ban hành", "yes_no", "0.60"),
            _row("1.2", "1", "Tuyên truyền", maximum="0.40"),
            _row(
                "1.2.1",
                "1.2",
                "Tỷ lệ cán bộ được tập huấn kỹ năng số",
                "ratio",
                "0.40",
                {"numerator_label": "Số người được tập huấn", "denominator_label": "Tổng số"},
            ),
            _row("2", None, "Hoạt động chính quyền số", maximum="2.00"),
            _row("2.1", "2", "Dịch vụ công trực tuyến", maximum="2.00"),
            _row(
                "2.1.1",
                "2.1",
                "Tỷ lệ hồ sơ TTHC trực tuyến toàn trình",
                "tiers",
                "1.50",
                {
                    "basis": "percent",
                    "tiers": [{"min": "80", "points": "1.50"}, {"min": "50", "points": "0.75"}],
                },
            ),
            _row(
                "2.1.2",
                "2.1",
                "Số bộ dữ liệu mở được công bố",
                "count",
                "0.50",
                {"per_item": "0.25", "unit_label": "bộ dữ liệu"},
                allow_not_applicable=True,
            ),
            _row("Đ", None, "Điểm trừ"),
            _row(
                "Đ.1",
                "Đ",
                "Sự cố an toàn thông tin do chủ quan",
                "deduction",
                "-0.50",
                {"per_violation": "0.25"},
                requires_evidence=False,
            ),
        ],
    }


def load_deep_table(period, kind="so-ban-nganh"):
    """Replace `kind`'s table of `period` (no submissions yet) with the deep one."""
    return load_table(deep_data(kind), period)
