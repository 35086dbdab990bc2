"""The header/footer data of an administrative document (Nghị định 30/2020/NĐ-CP)."""

import datetime as dt
from dataclasses import dataclass, field


def date_text(day: dt.date) -> str:
    """“ngày 05 tháng 11 năm 2022”. Nghị định 30/2020 (Phụ lục I): days below 10 and the months
    1 and 2 take a leading zero; other months do not (“tháng 3”, “tháng 01”)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class DocumentHeader:
    issuing_body: str
    parent_body: str = "UBND TỈNH ĐỒNG NAI"
    number: str = ""
    summary_line: str = ""
    place: str = "Đồng Nai"
    date: dt.date | None = None
    recipients: list[str] = field(default_factory=list)
    signer_title_lines: list[str] = field(default_factory=list)
    signer_name: str = ""
    # Working papers (result sheets, exchange records) carry no số/ký hiệu line.
    numbered: bool = True

    @property
    def date_text(self) -> str:
        return date_text(self.date) if self.date else "ngày …… tháng …… năm ……"
