"""Checking an uploaded evidence file by what it contains, not by what it is called.

An agency officer may attach PDF, DOC, DOCX, XLS, XLSX, JPG and PNG files. A file whose bytes are
not one of these, or whose name claims another type than its content (an .exe renamed .pdf, a PNG
saved as .pdf), is refused with a Vietnamese sentence saying why, before anything is stored.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings

# Kind → (content type served back, file name extensions that may carry it).
KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "doc": ("application/msword", {".doc"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xls": ("application/vnd.ms-excel", {".xls"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "jpg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
}
ALLOWED_LABEL = "PDF, DOC, DOCX, XLS, XLSX, JPG, PNG"
EXTENSIONS = sorted({ext for _type, exts in KINDS.values() for ext in exts})
# Served inline (the browser shows them); everything else is downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})

_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE2 (Compound File Binary) directory are UTF-16LE.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_CHUNK = 1024 * 1024


class UploadRefused(Exception):
    """The file cannot be accepted; `message` is the sentence shown next to the file field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    sha256: str
    original_filename: str


def max_upload_bytes() -> int:
    return int(settings.EVIDENCE_MAX_UPLOAD_MB) * 1024 * 1024


def _format_mb(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f}".replace(".", ",")


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks(_CHUNK)) if hasattr(upload, "chunks") else upload.read()
    upload.seek(0)
    return data


def _zip_kind(upload) -> str | None:
    """DOCX and XLSX are ZIP containers; the parts inside tell which one it is."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _ole2_kind(data: bytes) -> str | None:
    """DOC and XLS are OLE2 compound files; the name of the main stream tells which."""
    if not data.startswith(_OLE2_SIGNATURE):
        return None
    if _WORD_STREAM in data:
        return "doc"
    if any(stream in data for stream in _EXCEL_STREAMS):
        return "xls"
    return None


def detect_kind(upload, data: bytes) -> str | None:
    """The kind of file the bytes are, among KINDS, or None."""
    if data.startswith(_OLE2_SIGNATURE):
        return _ole2_kind(data)
    guess = filetype.guess(data[:8192])
    extension = guess.extension if guess else None
    if extension == "pdf" and data.startswith(b"%PDF-"):
        return "pdf"
    if extension in ("jpg", "png"):
        return extension
    if extension in ("zip", "docx", "xlsx") or data.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def check_upload(upload) -> CheckedUpload:
    """Accept an uploaded file or raise `UploadRefused`.

    Rules: not empty; at most settings.EVIDENCE_MAX_UPLOAD_MB megabytes; the name ends in one of
    EXTENSIONS; the content is one of the allowed kinds (PDF by its header, JPG/PNG by their magic
    bytes, DOCX/XLSX by the parts inside the ZIP, DOC/XLS by the OLE2 signature and main stream);
    and the name's extension matches the content. Returns the content type to serve the file
    with, its size and its SHA-256. No side effects.
    """
    name = PurePath(upload.name or "").name
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(f"Tệp “{name}” rỗng, vui lòng chọn lại tệp.")
    limit = max_upload_bytes()
    if size > limit:
        raise UploadRefused(
            f"Tệp “{name}” có dung lượng {_format_mb(size)} MB, vượt quá giới hạn "
            f"{settings.EVIDENCE_MAX_UPLOAD_MB} MB. Vui lòng nén hoặc chia nhỏ tệp."
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise UploadRefused(
            f"Không nhận tệp “{name}”: chỉ nhận tệp {ALLOWED_LABEL} "
            f"(dung lượng tối đa {settings.EVIDENCE_MAX_UPLOAD_MB} MB)."
        )
    data = _read_all(upload)
    kind = detect_kind(upload, data)
    if kind is None:
        raise UploadRefused(
            f"Nội dung tệp “{name}” không phải là tệp {ALLOWED_LABEL} hợp lệ; "
            "hệ thống không nhận tệp này."
        )
    content_type, extensions = KINDS[kind]
    if suffix not in extensions:
        raise UploadRefused(
            f"Tệp “{name}” có đuôi {suffix} nhưng nội dung là tệp {kind.upper()}. "
            "Vui lòng đổi đúng đuôi tệp hoặc chọn tệp khác."
        )
    return CheckedUpload(
        kind=kind,
        content_type=content_type,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        original_filename=name[:255],
    )
