"""Realistic table data shared by the scoring tests (Phụ lục 1 of domain.md §4)."""

from decimal import Decimal as D

from scoring import ItemInput, ItemSpec

PERCENT_TIERS = {
    "basis": "percent",
    "tiers": [
        {"min": "90", "points": "0.40"},
        {"min": "70", "points": "0.25"},
        {"min": "50", "points": "0.10"},
    ],
}
PLAN_OPTIONS = {
    "options": [
        {"key": "before_deadline", "label": "Ban hành trước 31/3", "points": "0.10"},
        {"key": "late", "label": "Ban hành sau 31/3", "points": "0.05"},
        {"key": "none", "label": "Chưa ban hành", "points": "0"},
    ]
}
WEBSITE_CHECKLIST = {
    "checklist": ["Giới thiệu", "Tin tức", "Văn bản", "Dịch vụ công", "Hỏi đáp"],
}


def _tiers(*pairs: tuple[str, str]) -> dict:
    return {"basis": "percent", "tiers": [{"min": m, "points": p} for m, p in pairs]}


def phu_luc_1() -> tuple[ItemSpec, ...]:
    """Phụ lục 1 (sở, ban, ngành) as reconstructed in domain.md §4; positive maxima sum to 3.00."""
    c = ItemSpec
    return (
        c("I", None, {}, D("0.30")),
        c("I.1", "tiers", PLAN_OPTIONS, D("0.10"), "I"),
        c("I.2", "count", {"per_item": "0.05", "cap": "0.10"}, D("0.10"), "I"),
        c("I.3", "tiers", _tiers(("90", "0.10"), ("70", "0.05")), D("0.10"), "I"),
        c("II", None, {}, D("1.20")),
        c("II.1", "tiers", PERCENT_TIERS, D("0.40"), "II"),
        c("II.2", "ratio", {"unit_label": "hồ sơ"}, D("0.30"), "II"),
        c("II.3", "ratio", {}, D("0.15"), "II"),
        c("II.4", "tiers", _options("0.15", "0.05"), D("0.15"), "II"),
        c("II.5", "count", {"per_item": "0.10"}, D("0.20"), "II"),
        c("III", None, {}, D("0.90")),
        c("III.1", "ratio", {}, D("0.20"), "III", allow_not_applicable=True),
        c(
            "III.2",
            "tiers",
            _tiers(("50", "0.25"), ("30", "0.15"), ("10", "0.05")),
            D("0.25"),
            "III",
        ),
        c("III.3", "ratio", {}, D("0.20"), "III"),
        c("III.4", "ratio", {}, D("0.15"), "III"),
        c("III.5", "tiers", _tiers(("30", "0.10"), ("0.01", "0.05")), D("0.10"), "III"),
        c("IV", None, {}, D("0.30")),
        c("IV.1", "ratio", WEBSITE_CHECKLIST, D("0.20"), "IV"),
        c("IV.2", "yes_no", {}, D("0.10"), "IV"),
        c("V", None, {}, D("0.30")),
        c("V.1", "tiers", _options("0.15", "0.05"), D("0.15"), "V"),
        c("V.2", "ratio", {}, D("0.15"), "V", allow_not_applicable=True),
        c("Đ", None, {}, None),
        c("Đ.1", "deduction", {"per_violation": "0.25"}, D("-0.50"), "Đ"),
        c("Đ.2", "deduction", {"per_violation": "0.10"}, D("-0.30"), "Đ"),
        c("Đ.3", "deduction", {"per_violation": "0.10"}, D("-0.20"), "Đ"),
    )


def _options(full: str, partial: str) -> dict:
    return {
        "options": [
            {"key": "full", "label": "Đầy đủ", "points": full},
            {"key": "partial", "label": "Một phần", "points": partial},
            {"key": "none", "label": "Chưa có", "points": "0"},
        ]
    }


def full_marks() -> dict[str, ItemInput]:
    """Answers that earn every positive criterion its maximum and no deductions."""
    best = {
        "tiers": lambda spec: (
            {"option": "before_deadline" if "before_deadline" in str(spec.params) else "full"}
            if "options" in spec.params
            else {"percent": "100"}
        ),
        "count": lambda spec: {"count": 10},
        "ratio": lambda spec: (
            {"checked": list(range(len(spec.params["checklist"])))}
            if "checklist" in spec.params
            else {"numerator": 50, "denominator": 50}
        ),
        "yes_no": lambda spec: {"met": True},
        "deduction": lambda spec: {"count": 0},
    }
    return {s.code: ItemInput(best[s.rule](s)) for s in phu_luc_1() if s.rule is not None}
