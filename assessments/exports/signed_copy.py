"""Digitally signed copies of the documents the portal renders (issue 12).

In Việt Nam an official document is signed digitally in the agency's document system, not in
this portal. After issuing, the lead uploads the signed PDF of the official report; an agency
uploads the signed PDF of its self-assessment report. The portal accepts a copy only when

- it is a PDF carrying a signature whose integrity holds: the signed bytes are unchanged, the
  cryptographic signature matches the certificate, and nothing but signature or timestamp data
  was added after signing (pyHanko's difference analysis);
- it is the same document: the same number of pages with the same text as the original.

The signer's name and the signing time are read from the certificate and the signature. The
chain of trust up to the national root CA (Bộ Thông tin và Truyền thông / Ban Cơ yếu Chính phủ)
cannot be checked offline, and the portal says so instead of claiming it.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from assessments import audit
from assessments.enums import AuditAction
from assessments.models import IssuedDocument, SignedCopy

TRUST_NOTE = (
    "Hệ thống đã kiểm tra chữ ký số còn toàn vẹn (văn bản không bị sửa sau khi ký) và đúng "
    "nội dung văn bản gốc; chuỗi tin cậy của chứng thư số đến tổ chức cung cấp dịch vụ chứng "
    "thực chữ ký số quốc gia không kiểm tra được khi không kết nối mạng, nên chưa được xác nhận."
)


class SignatureError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SignatureInfo:
    signer_name: str
    organisation: str
    issuer: str
    signed_at: dt.datetime | None


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    # Compare words, not line breaks or spacing, which differ between PDF writers.
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def check_signed_copy(data: bytes, original: bytes, *, what: str) -> SignatureInfo:
    """The signature and sameness checks above; a SignatureError (Vietnamese) names the rule
    that failed. `what` names the document in the messages (“báo cáo đã ban hành”)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF"):
        raise SignatureError("Tệp tải lên không phải tệp PDF.")
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError) as error:
        raise SignatureError(
            "Không đọc được tệp PDF (tệp hỏng hoặc không đúng định dạng)."
        ) from error
    if not signatures:
        raise SignatureError(
            f"Tệp PDF không có chữ ký số. Vui lòng tải lên {what} đã được ký số trên hệ thống "
            "quản lý văn bản."
        )
    # No trust roots and no network: integrity and the signature value are checked; the chain
    # to the national CA is not (see TRUST_NOTE).
    context = ValidationContext(trust_roots=[], allow_fetching=False)
    statuses = []
    for signature in signatures:
        try:
            statuses.append(validate_pdf_signature(signature, context))
        except Exception as error:  # any failure to validate is a broken signature
            raise SignatureError(
                "Chữ ký số trong tệp không hợp lệ (không kiểm tra được chữ ký)."
            ) from error
    for status in statuses:
        if not (status.intact and status.valid):
            raise SignatureError(
                "Chữ ký số không còn toàn vẹn: nội dung tệp đã bị thay đổi sau khi ký. "
                "Vui lòng tải lên bản ký số gốc."
            )
    last = statuses[-1]
    changed_after = last.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
        last.modification_level is None or last.modification_level > ModificationLevel.LTA_UPDATES
    )
    if changed_after:
        raise SignatureError(
            "Tệp đã bị sửa sau khi ký số (có nội dung thêm vào sau chữ ký). Vui lòng tải lên "
            "bản ký số gốc."
        )
    signed_pages, original_pages = _page_texts(data), _page_texts(original)
    if len(signed_pages) != len(original_pages):
        raise SignatureError(
            f"Tệp đã ký có {len(signed_pages)} trang, {what} có {len(original_pages)} trang: "
            "không phải cùng một văn bản."
        )
    for number, (signed, rendered) in enumerate(
        zip(signed_pages, original_pages, strict=True), start=1
    ):
        if signed != rendered:
            raise SignatureError(
                f"Nội dung trang {number} của tệp đã ký khác {what}: không phải cùng một văn bản."
            )
    subject = last.signing_cert.subject.native
    issuer = last.signing_cert.issuer.native
    return SignatureInfo(
        signer_name=subject.get("common_name", "") or "",
        organisation=subject.get("organization_name", "") or "",
        issuer=issuer.get("common_name", "") or issuer.get("organization_name", "") or "",
        signed_at=last.signer_reported_dt,
    )


def signed_copy_of(document) -> SignedCopy | None:
    """The signed copy of an issued report or of a submission's self-assessment, if any."""
    if document is None:
        return None
    if isinstance(document, IssuedDocument):
        return SignedCopy.objects.filter(issued_document=document).first()
    copy = SignedCopy.objects.filter(submission=document).first()
    # A dossier withdrawn and submitted again after signing has a new report: the old signed
    # copy no longer matches it and is not served.
    if copy is None or document.submitted_at is None or copy.uploaded_at < document.submitted_at:
        return None
    return copy


def _store(data: bytes, original: bytes, info: SignatureInfo, *, actor, period, **target):
    copy = SignedCopy(
        period=period,
        sha256=hashlib.sha256(data).hexdigest(),
        original_sha256=hashlib.sha256(original).hexdigest(),
        signer_name=info.signer_name[:255],
        signer_organisation=info.organisation[:255],
        certificate_issuer=info.issuer[:255],
        signed_at=info.signed_at,
        uploaded_by=actor,
        **target,
    )
    copy.file.save(f"ky-so-{period.code}.pdf", ContentFile(data), save=False)
    return copy


def attach_to_issued_report(issued, data: bytes, *, actor) -> SignedCopy:
    """The lead's upload of the signed official report. Rules: checked as above against the
    stored issued file; one signed copy per issued report. Writes an audit row."""
    if SignedCopy.objects.filter(issued_document=issued).exists():
        raise SignatureError("Báo cáo này đã có bản ký số; văn bản đã ban hành không thay được.")
    with issued.file.open("rb") as handle:
        original = handle.read()
    info = check_signed_copy(data, original, what="báo cáo đã ban hành")
    try:
        with transaction.atomic():
            copy = _store(
                data, original, info, actor=actor, period=issued.period, issued_document=issued
            )
            copy.save()
            audit.record(
                actor=actor,
                period=issued.period,
                action=AuditAction.UPLOAD_SIGNED_COPY,
                target=issued.number,
                field="sha256",
                new=copy.sha256,
                reason=f"Bản ký số của báo cáo số {issued.number}, người ký {copy.signer_name}.",
            )
    except IntegrityError as error:
        raise SignatureError("Báo cáo này vừa được người khác tải bản ký số lên.") from error
    return copy


def attach_to_self_assessment(submission, data: bytes, *, actor) -> SignedCopy:
    """An agency officer's upload of its signed self-assessment report. Rules: the dossier has
    been submitted (the report's content and date are fixed); checked as above against the
    report rendered now, which is stored beside the signed copy; one signed copy of the dossier
    as submitted (a copy signed before the dossier was withdrawn and submitted again is
    replaced). Writes an audit row."""
    from assessments.exports.self_assessment import SelfAssessmentPdf

    if submission.submitted_at is None:
        raise SignatureError("Chỉ tải bản ký số sau khi đã nộp hồ sơ tự đánh giá.")
    if signed_copy_of(submission) is not None:
        raise SignatureError("Hồ sơ này đã có bản ký số của báo cáo tự đánh giá.")
    original = SelfAssessmentPdf(submission).render()
    info = check_signed_copy(data, original, what="báo cáo tự đánh giá của hồ sơ")
    try:
        with transaction.atomic():
            stale = SignedCopy.objects.filter(submission=submission).first()
            old = stale.sha256 if stale else None
            if stale is not None:
                # Signed before the dossier was withdrawn and submitted again: replaced.
                stale.delete()
            copy = _store(
                data, original, info, actor=actor, period=submission.period, submission=submission
            )
            copy.original.save(
                f"goc-{submission.period.code}.pdf", ContentFile(original), save=False
            )
            copy.save()
            audit.record(
                actor=actor,
                submission=submission,
                action=AuditAction.UPLOAD_SIGNED_COPY,
                target=submission.document_number,
                field="sha256",
                old=old,
                new=copy.sha256,
                reason=f"Bản ký số của báo cáo tự đánh giá, người ký {copy.signer_name}.",
            )
    except IntegrityError as error:
        raise SignatureError("Hồ sơ này vừa được người khác tải bản ký số lên.") from error
    return copy
