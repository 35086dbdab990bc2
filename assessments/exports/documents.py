"""The header, title and signature data of an administrative document (Nghị định 30/2020/NĐ-CP,
Phụ lục I: format; Phụ lục III: layouts), shared by every PDF the portal issues."""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

# Layouts of Phụ lục III: a document whose ký hiệu names a type (BC = báo cáo) carries the type
# name and its trích yếu under the header; a công văn carries “V/v …” under its number and
# a “Kính gửi” line.
NAMED = "named"
LETTER = "letter"

# The header's left column: what the 165 mm between margins leave beside the national motto
# (96 mm at 13 pt bold), less a little air, in the 13 pt bold face of the issuing agency.
HEADER_COLUMN_MM = 66
HEADER_SIZE_PT = 13
# A header line never ends on a word that joins it to the next one.
JOINING_WORDS = {"VÀ", "-", "–", "CÁC", "CỦA", "THUỘC", "TRỰC"}
# Two-syllable words of agency names that a line break must not split.
COMPOUNDS = {
    "BẢO TỒN",
    "BIÊN HÒA",
    "CAO ĐẲNG",
    "CÔNG NGHỆ",
    "CÔNG NGHIỆP",
    "CÔNG THƯƠNG",
    "DÂN TỘC",
    "DU LỊCH",
    "DỰ ÁN",
    "ĐẠI HỌC",
    "ĐÀO TẠO",
    "ĐẦU TƯ",
    "ĐỒNG NAI",
    "GIÁO DỤC",
    "GIAO THÔNG",
    "KẾ HOẠCH",
    "KHOA HỌC",
    "KỸ THUẬT",
    "LAO ĐỘNG",
    "LONG KHÁNH",
    "MÔI TRƯỜNG",
    "NGOẠI VỤ",
    "NHÂN DÂN",
    "NÔNG NGHIỆP",
    "NÔNG THÔN",
    "NỘI VỤ",
    "PHÁT THANH",
    "PHÁT TRIỂN",
    "QUẢN LÝ",
    "SINH HỌC",
    "TÀI CHÍNH",
    "TÀI NGUYÊN",
    "THANH TRA",
    "THÀNH PHỐ",
    "THỂ THAO",
    "THIÊN NHIÊN",
    "THÔNG TIN",
    "THƯƠNG BINH",
    "TRUNG TÂM",
    "TRUYỀN HÌNH",
    "TRUYỀN THÔNG",
    "TƯ PHÁP",
    "VĂN HÓA",
    "VẬN TẢI",
    "XÃ HỘI",
    "XÂY DỰNG",
    "Y TẾ",
    "ỦY BAN",
}
# Authority lines (Phụ lục I, IV.8): ký thay, thay mặt, thừa lệnh, thừa ủy quyền, quyền.
AUTHORITY_PREFIXES = ("KT.", "TM.", "TL.", "TUQ.", "Q.")


MOTTO = "Độc lập - Tự do - Hạnh phúc"


# The unit words before a local People's Committee's place name, longest first ("thị xã" before
# "xã").
LOCAL_UNITS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "huyện", "quận", "phường", "xã")
COMMITTEE_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")


def place_of(issuing_body: str, default: str) -> str:
    """The địa danh before the date of a document `issuing_body` issues (Nghị định 30, Phụ lục
    I): a commune's, ward's or district's People's Committee writes its own unit's name
    (“UBND phường Trấn Biên” → “Trấn Biên”), in full when the name is a number (“UBND phường
    5” → “Phường 5”); every other body writes the province's, `default`."""
    name = " ".join(issuing_body.split())
    lowered = name.lower()
    prefix = next((p for p in COMMITTEE_PREFIXES if lowered.startswith(p)), None)
    if prefix is None:
        return default
    rest = name[len(prefix) :]
    unit = next((u for u in LOCAL_UNITS if rest.lower().startswith(u + " ")), None)
    if unit is None or (unit == "thành phố" and rest.lower().endswith(default.lower())):
        # A committee of a unit we cannot name (or of the province's own city-province).
        return default
    place = rest[len(unit) + 1 :].strip()
    if not place:
        return default
    return f"{unit[0].upper()}{unit[1:]} {place}" if place[0].isdigit() else place


def date_text(day: dt.date) -> str:
    """“ngày 05 tháng 11 năm 2022”. Nghị định 30/2020 (Phụ lục I): days below 10 and the months
    1 and 2 take a leading zero; other months do not (“tháng 3”, “tháng 01”)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@cache
def _bold_widths():
    from fontTools.ttLib import TTFont

    font = TTFont(Path(settings.BASE_DIR) / "static" / "fonts" / "LiberationSerif-Bold.ttf")
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    scale = 25.4 / 72 / font["head"].unitsPerEm
    default = metrics[".notdef"][0]
    return lambda text, size: (
        size * scale * sum(metrics[cmap[ord(c)]][0] if ord(c) in cmap else default for c in text)
    )


def text_width_mm(text: str, size: float = HEADER_SIZE_PT) -> float:
    """Width of bold Liberation Serif text, from the font file shipped in static/fonts."""
    return _bold_widths()(text, size)


def header_lines(name: str, width_mm: float = HEADER_COLUMN_MM) -> list[str]:
    """An agency name in capitals, broken into the fewest lines that fit the header column, and
    only between whole phrases (“SỞ THÔNG TIN / VÀ TRUYỀN THÔNG”, never “… TRUYỀN / THÔNG”).
    Among the breaks that fit, one that keeps two-syllable words whole is required where
    possible, one before “VÀ” or after a comma is preferred, then the most balanced."""
    words = name.upper().split()
    if not words or text_width_mm(" ".join(words)) <= width_mm:
        return [" ".join(words)]
    best = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if words[cut - 1] in JOINING_WORDS:
            continue
        widest = max(text_width_mm(first), text_width_mm(second))
        fits = widest <= width_mm
        natural = words[cut] == "VÀ" or words[cut - 1].endswith(",")
        splits_word = f"{words[cut - 1]} {words[cut]}" in COMPOUNDS
        key = (not fits, splits_word, not natural, widest)
        if best is None or key < best[0]:
            best = (key, [first, second])
    if best[0][0]:
        # Too long for two lines: the second part is broken again the same way.
        first, rest = best[1]
        return [first, *header_lines(rest, width_mm)]
    return best[1]


def issuing_lines(name: str) -> list[str]:
    """The issuing body's lines. Only a parent body may shorten “Ủy ban nhân dân” to “UBND”
    (Nghị định 30, Phụ lục I, II.2); a People's Committee issuing a document writes its name in
    full: “ỦY BAN NHÂN DÂN” above its unit (“HUYỆN TRẢNG BOM”)."""
    words = " ".join(name.split())
    prefix = next((p for p in COMMITTEE_PREFIXES if words.lower().startswith(p)), None)
    rest = words[len(prefix) :] if prefix else ""
    if not rest:
        return header_lines(name)
    return ["ỦY BAN NHÂN DÂN", *header_lines(rest)]


def signer_lines(title: str) -> list[str]:
    """The signer's title as the lines of the signature block: “KT. GIÁM ĐỐC” then “PHÓ GIÁM
    ĐỐC”. A title typed on one line (“KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC”, “KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC”)
    is split the same way: the authority line ends where the signer's own title begins."""
    lines = []
    for part in re.split(r"[\n/;]", title or ""):
        part = " ".join(part.split()).upper()
        if part.startswith(AUTHORITY_PREFIXES) and " PHÓ " in part:
            authority, own = part.split(" PHÓ ", 1)
            lines += [authority, f"PHÓ {own}"]
        elif part:
            lines.append(part)
    return lines


def layout_for(number: str, default: str = NAMED) -> str:
    """The layout a số/ký hiệu calls for: “12/BC-STC” is a báo cáo (named layout), “12/STC-VP”
    a công văn. Without a number (a draft) the document's own default applies."""
    code = number.split("/", 1)[1] if "/" in number else ""
    if not code.strip():
        return default
    return NAMED if code.strip().upper().startswith("BC") else LETTER


@dataclass
class DocumentHeader:
    issuing_body: str
    parent_body: str = "UBND TỈNH ĐỒNG NAI"
    number: str = ""
    # The trích yếu, without “V/v”: the letter layout adds it.
    summary_line: str = ""
    type_name: str = "BÁO CÁO"
    addressees: list[str] = field(default_factory=list)
    place: str = "Đồng Nai"
    date: dt.date | None = None
    recipients: list[str] = field(default_factory=list)
    signer_title_lines: list[str] = field(default_factory=list)
    signer_name: str = ""
    # Working papers (result sheets, exchange records) carry no số/ký hiệu line.
    numbered: bool = True
    default_layout: str = NAMED
    # Subject and keywords of the PDF's document information (PDF/A metadata).
    subject: str = ""

    @property
    def date_text(self) -> str:
        return date_text(self.date) if self.date else "ngày …… tháng …… năm ……"

    @property
    def layout(self) -> str:
        return layout_for(self.number, self.default_layout) if self.numbered else NAMED

    @property
    def is_letter(self) -> bool:
        return self.layout == LETTER

    @property
    def issuing_lines(self) -> list[str]:
        return issuing_lines(self.issuing_body)

    @property
    def rule_mm(self) -> float:
        """The rule under the issuing agency: 1/3 to 1/2 of its line (Phụ lục I, IV.3)."""
        return round(0.42 * max(text_width_mm(line) for line in self.issuing_lines), 1)

    @property
    def motto_rule_mm(self) -> float:
        """The rule under the motto is as long as the motto line (Phụ lục I, IV.1)."""
        return round(text_width_mm(MOTTO, 14), 1)

    @property
    def parent_lines(self) -> list[str]:
        return header_lines(self.parent_body) if self.parent_body else []
