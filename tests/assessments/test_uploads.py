"""Evidence files are checked by content: type, matching extension, size."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from assessments.uploads import UploadRefused, check_upload

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def image(fmt) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format=fmt)
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Số liệu"
    workbook.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def ole2(stream: str) -> bytes:
    # A compound file header followed by a directory entry naming the main stream (UTF-16LE).
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + stream.encode("utf-16-le") + b"\x00" * 64


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("ke-hoach.pdf", PDF, "pdf", "application/pdf"),
        ("anh.png", image("PNG"), "png", "image/png"),
        ("anh.JPG", image("JPEG"), "jpg", "image/jpeg"),
        ("anh.jpeg", image("JPEG"), "jpg", "image/jpeg"),
        (
            "so-lieu.xlsx",
            xlsx(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "bao-cao.docx",
            docx(),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("cong-van.doc", ole2("WordDocument"), "doc", "application/msword"),
        ("bang.xls", ole2("Workbook"), "xls", "application/vnd.ms-excel"),
    ],
)
def test_allowed_files_are_accepted_by_content(name, content, kind, content_type):
    checked = check_upload(upload(name, content))
    assert checked.kind == kind
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.original_filename == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "anh.pdf",
            image("PNG"),
            "Tệp “anh.pdf” có đuôi .pdf nhưng nội dung là tệp PNG. "
            "Vui lòng đổi đúng đuôi tệp hoặc chọn tệp khác.",
        ),
        (
            "chuong-trinh.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "Nội dung tệp “chuong-trinh.pdf” không phải là tệp PDF, DOC, DOCX, XLS, XLSX, JPG, "
            "PNG hợp lệ; hệ thống không nhận tệp này.",
        ),
        (
            "so-lieu.docx",
            xlsx(),
            "Tệp “so-lieu.docx” có đuôi .docx nhưng nội dung là tệp XLSX. "
            "Vui lòng đổi đúng đuôi tệp hoặc chọn tệp khác.",
        ),
        (
            "nen.zip",
            docx(),
            "Không nhận tệp “nen.zip”: chỉ nhận tệp PDF, DOC, DOCX, XLS, XLSX, JPG, PNG "
            "(dung lượng tối đa 20 MB).",
        ),
        (
            "bao-cao.docx",
            b"PK\x03\x04not really a zip",
            "Nội dung tệp “bao-cao.docx” không phải là tệp PDF, DOC, DOCX, XLS, XLSX, JPG, "
            "PNG hợp lệ; hệ thống không nhận tệp này.",
        ),
        ("rong.pdf", b"", "Tệp “rong.pdf” rỗng, vui lòng chọn lại tệp."),
    ],
    ids=["png-named-pdf", "exe-named-pdf", "xlsx-named-docx", "zip", "broken-zip", "empty"],
)
def test_refusals_say_why(name, content, message):
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload(name, content))
    assert refused.value.message == message


def test_size_limit_comes_from_settings(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    content = PDF + b"0" * (1024 * 1024)
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload("lon.pdf", content))
    assert refused.value.message == (
        "Tệp “lon.pdf” có dung lượng 1,0 MB, vượt quá giới hạn 1 MB. "
        "Vui lòng nén hoặc chia nhỏ tệp."
    )
    assert check_upload(upload("vua.pdf", PDF + b"0" * 1000)).kind == "pdf"
