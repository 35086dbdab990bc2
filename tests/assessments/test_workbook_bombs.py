"""Uploads built to exhaust the server (issue 11): each is generated here, small on disk, and
read in a separate process whose peak memory and time are measured. No upload of at most 5 MB
may use more than 256 MB or 10 seconds, and each is refused with a sentence a person reads."""

import io
import json
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from assessments.imports import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    b'<row r="1">'
    + b"".join(
        f'<c t="inlineStr"><is><t>{header}</t></is></c>'.encode()
        # (“Tham số (JSON)” is ignored today; the portal before the bounded reader needed it.)
        for header in (
            "Mã",
            "Nhóm cha",
            "Nội dung tiêu chí",
            "Cách tính điểm",
            "Điểm tối đa",
            "Tham số (JSON)",
        )
    )
    + b"</row>"
)
TAIL = b"</sheetData></worksheet>"

# Reads the file named on the command line the way an import does and prints what it cost.
PROBE = """
import json, sys, time
import django
django.setup()
from assessments.imports import WorkbookError, parse_criteria_workbook
content = open(sys.argv[1], "rb").read()
started = time.monotonic()
try:
    _data, errors = parse_criteria_workbook(content)
except WorkbookError as error:
    errors = error.errors
# VmHWM is this process's own peak resident memory. ru_maxrss is not: Linux carries the
# parent's peak across fork and exec, so it reported the whole test run's pytest process.
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({
    "seconds": time.monotonic() - started,
    "peak_mb": peak_kb / 1024,
    "errors": errors,
}))
"""


def _parts_of_a_workbook() -> dict[str, bytes]:
    workbook = Workbook()
    workbook.active.title = "Tiêu chí"
    workbook.active.append(["Mã"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    archive = zipfile.ZipFile(buffer)
    return {name: archive.read(name) for name in archive.namelist()}


FINAL_BLOCK = b"\x03\x00"  # an empty, final fixed-Huffman block


def _deflated(data: bytes) -> bytes:
    """Raw deflate ending on a byte boundary with the dictionary reset, so that pieces can be
    concatenated into one stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _zip(parts: list[tuple[str, int, int, bytes]]) -> bytes:
    """A zip written by hand from (name, size, crc, deflated data), so that the sheet's data
    is never held uncompressed."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, size, crc, data in parts:
        offset, encoded = out.tell(), name.encode()
        common = (8, 0, 0, crc, len(data), size, len(encoded))
        out.write(b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, *common, 0) + encoded + data)
        directory.write(
            b"PK\x01\x02"
            + struct.pack("<HHHHHHIIIHHHHHII", 20, 20, 0, *common, 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start, central = out.tell(), directory.getvalue()
    out.write(central)
    out.write(
        b"PK\x05\x06"
        + struct.pack("<HHHHIIH", 0, 0, len(parts), len(parts), len(central), start, 0)
    )
    return out.getvalue()


def _workbook_with_sheet(pieces: list[tuple[bytes, int]]) -> bytes:
    """A workbook whose sheet is the concatenation of each piece repeated its count."""
    parts = []
    for name, data in _parts_of_a_workbook().items():
        if name == SHEET:
            size, crc, deflated = 0, 0, []
            for piece, count in pieces:
                compressed = _deflated(piece)
                for _ in range(count):
                    crc = zlib.crc32(piece, crc)
                deflated.append(compressed * count)
                size += len(piece) * count
            data_out = b"".join(deflated) + FINAL_BLOCK
            parts.append((name, size, crc, data_out))
        else:
            parts.append((name, len(data), zlib.crc32(data), _deflated(data) + FINAL_BLOCK))
    return _zip(parts)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))


def _probe(content: bytes, tmp_path) -> dict:
    assert len(content) <= MAX_UPLOAD_BYTES
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings", "PATH": "/usr/bin:/bin", "DEBUG": "1"},
        check=True,
        # A reader that is not bounded fails here instead of taking the machine's memory.
        preexec_fn=_limit_memory,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall"] = time.monotonic() - started
    return result


def _assert_bounded(result):
    assert result["seconds"] < 10, result
    assert result["peak_mb"] < 256, result


def test_a_sheet_that_unpacks_to_more_than_a_gigabyte_is_refused_from_the_zip_directory(
    tmp_path,
):
    row = b"<row><c><v>1</v></c></row>" * 40_000  # about 1 MB
    content = _workbook_with_sheet(
        [(HEAD + b"<sheetData>" + HEADER_ROW, 1), (row, 1100), (TAIL, 1)]
    )
    assert len(content) < 3 * 1024 * 1024
    result = _probe(content, tmp_path)
    assert result["errors"] == [
        "Tệp chứa quá nhiều dữ liệu khi giải nén (trên 4 MB); không đọc. Hãy chỉ giữ các "
        "trang cần nhập."
    ]
    _assert_bounded(result)


def test_a_sheet_that_lies_about_its_size_is_read_only_as_far_as_it_declared(tmp_path):
    # About 1,000 rows a megabyte: what is read is cut short well before the row cap.
    row = (b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>") * 1000
    content = bytearray(
        _workbook_with_sheet([(HEAD + b"<sheetData>" + HEADER_ROW, 1), (row, 1100), (TAIL, 1)])
    )
    # Declare 1 MB in both the local header and the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = content.find(signature + struct.pack("<H", 20))
        while position != -1:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            if content[name_at : name_at + len(SHEET)] == SHEET.encode():
                content[position + offset : position + offset + 4] = struct.pack("<I", 2**20)
            position = content.find(signature, position + 4)
    result = _probe(bytes(content), tmp_path)
    assert result["errors"] == [
        "Tệp Excel bị hỏng hoặc không đầy đủ (nội dung không đọc được). Hãy mở tệp bằng Excel "
        "hoặc LibreOffice, lưu lại thành .xlsx rồi tải lên lại."
    ]
    _assert_bounded(result)


def test_a_dimension_claiming_the_whole_sheet_is_ignored(tmp_path):
    # openpyxl widened every row to the 16,384 columns the dimension claims (800 rows a
    # second); the reader never looks at it, and stops at the row cap.
    sheet = (
        HEAD
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW
        + b"<row><c/></row>" * 50_000
        + TAIL
    )
    content = _workbook_with_sheet([(sheet, 1)])
    assert len(content) < 10 * 1024
    result = _probe(content, tmp_path)
    assert result["errors"] == [
        "Trang “Tiêu chí” có quá 2000 dòng dữ liệu (dòng trống cũng được tính); hãy xóa các "
        "dòng thừa ở cuối trang."
    ]
    _assert_bounded(result)


def test_a_dimension_is_not_needed_to_read_a_sheet_in_full(tmp_path):
    sheet = (
        HEAD
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>I</t></is></c></row>'
        + TAIL
    )
    result = _probe(_workbook_with_sheet([(sheet, 1)]), tmp_path)
    assert result["errors"] == [
        "Dòng 2, cột C “Nội dung tiêu chí”: nội dung tiêu chí không được để trống."
    ]
    _assert_bounded(result)


@pytest.mark.parametrize(
    "rows",
    [
        # 2,000 empty rows, then one with data: 2,001 rows of data in all.
        b"<row/>" * 2000 + b'<row><c t="inlineStr"><is><t>I</t></is></c></row>',
        # One row far down the sheet.
        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>I</t></is></c></row>',
        # Half a million empty rows (3 MB unpacked, under the size cap).
        b"<row/>" * 500_000,
    ],
    ids=["empty-rows-then-data", "one-row-far-down", "half-a-million-empty-rows"],
)
def test_empty_rows_count_towards_the_row_cap(tmp_path, rows):
    content = _workbook_with_sheet([(HEAD + b"<sheetData>" + HEADER_ROW + rows + TAIL, 1)])
    result = _probe(content, tmp_path)
    assert result["errors"] == [
        "Trang “Tiêu chí” có quá 2000 dòng dữ liệu (dòng trống cũng được tính); hãy xóa các "
        "dòng thừa ở cuối trang."
    ]
    _assert_bounded(result)


def test_a_row_with_too_many_cells_is_refused(tmp_path):
    row = b"<row>" + b"<c><v>1</v></c>" * 200_000 + b"</row>"
    content = _workbook_with_sheet([(HEAD + b"<sheetData>" + HEADER_ROW + row + TAIL, 1)])
    result = _probe(content, tmp_path)
    assert result["errors"] == ["Trang “Tiêu chí” có quá 50 cột; không đọc."]
    _assert_bounded(result)


def test_a_workbook_of_many_parts_is_refused_from_the_zip_directory(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _parts_of_a_workbook().items():
            archive.writestr(name, data)
        for index in range(300):
            archive.writestr(f"xl/media/image{index}.png", b"")
    result = _probe(buffer.getvalue(), tmp_path)
    assert result["errors"] == ["Tệp có quá nhiều thành phần (309); không đọc."]
    _assert_bounded(result)


def test_an_entity_expansion_is_refused(tmp_path):
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + HEADER_ROW + TAIL
    )
    result = _probe(_workbook_with_sheet([(sheet, 1)]), tmp_path)
    assert result["errors"] == [
        "Tệp Excel bị hỏng hoặc không đầy đủ (nội dung không đọc được). Hãy mở tệp bằng Excel "
        "hoặc LibreOffice, lưu lại thành .xlsx rồi tải lên lại."
    ]
    _assert_bounded(result)
