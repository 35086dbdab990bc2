"""Signed copies: a PDF signed with a certificate made here (as an agency's document system
would sign it) is accepted, shown and served as the official copy; an unsigned, tampered or
different document is refused in Vietnamese; the upload pages are POST-only and scoped."""

import datetime as dt
import hashlib
import io

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from assessments import workflow
from assessments.exports.official_report import OfficialReportPdf, issue_official_report
from assessments.exports.self_assessment import SelfAssessmentPdf
from assessments.exports.signed_copy import (
    SignatureError,
    attach_to_issued_report,
    attach_to_self_assessment,
    signed_copy_of,
)
from assessments.models import AuditEntry, SignedCopy
from assessments.results import load_period_results
from tests.assessments.results_helpers import build_results
from tests.factories import submitted_submission

SIGNER = "Võ Hoàng Khai"


def make_signer(common_name: str = SIGNER) -> signers.SimpleSigner:
    """A self-signed certificate and key, as a national CA would issue one to a leader."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Thông tin và Truyền thông"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=cert,
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([cert]),
    )


def sign(pdf: bytes, signer=None) -> bytes:
    output = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
        signers.PdfSignatureMetadata(field_name="ChuKySo"),
        signer=signer or make_signer(),
    )
    return output.getvalue()


def tamper(signed: bytes) -> bytes:
    """Text drawn on page 1 in an update appended after the signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    stream = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 200 re f"))
    writer.add_stream_to_page(0, stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def issued(period, reviewer, lead):
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    return issue_official_report(
        load_period_results(period),
        actor=lead,
        number="120/BC-STTTT",
        issued_on=dt.date(2022, 11, 18),
        signer_name=SIGNER,
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    )


@pytest.fixture
def submitted(period, agency_a, officer_a):
    return submitted_submission(
        agency_a,
        period,
        officer_a,
        document_number="45/BC-STC",
        signer_title="GIÁM ĐỐC",
        signer_name="Trần Văn Bình",
    )


def issued_bytes(issued) -> bytes:
    with issued.file.open("rb") as handle:
        return handle.read()


def test_signed_official_report_is_stored_beside_the_issued_one(issued, lead):
    signed = sign(issued_bytes(issued))
    copy = attach_to_issued_report(issued, signed, actor=lead)
    assert copy.signer_name == SIGNER
    assert copy.signer_organisation == "Sở Thông tin và Truyền thông"
    assert copy.signed_at is not None
    assert copy.sha256 == hashlib.sha256(signed).hexdigest()
    assert copy.original_sha256 == issued.sha256
    with copy.file.open("rb") as handle:
        assert handle.read() == signed
    entry = AuditEntry.objects.get(action="upload_signed_copy")
    assert (entry.target, entry.new_value) == ("120/BC-STTTT", copy.sha256)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda pdf: pdf, "Tệp PDF không có chữ ký số."),
        (lambda pdf: tamper(sign(pdf)), "Tệp đã bị sửa sau khi ký số"),
        (lambda pdf: b"not a pdf", "Tệp tải lên không phải tệp PDF."),
    ],
    ids=["unsigned", "tampered-after-signing", "not-a-pdf"],
)
def test_unsigned_or_tampered_report_is_refused(issued, lead, make, message):
    with pytest.raises(SignatureError) as refused:
        attach_to_issued_report(issued, make(issued_bytes(issued)), actor=lead)
    assert refused.value.message.startswith(message)
    assert SignedCopy.objects.count() == 0


def test_bytes_changed_inside_the_signed_range_break_the_signature(issued, lead):
    signed = bytearray(sign(issued_bytes(issued)))
    # The PDF/A metadata stream is stored uncompressed: change one letter of the producer.
    position = signed.index(b"WeasyPrint")
    signed[position] = ord("w")
    with pytest.raises(SignatureError) as refused:
        attach_to_issued_report(issued, bytes(signed), actor=lead)
    assert refused.value.message.startswith("Chữ ký số không còn toàn vẹn")


def test_another_signed_document_is_not_the_issued_report(issued, lead):
    # The draft of the same report: same pages, but “Số: ……/……” and no date or signer.
    other = sign(OfficialReportPdf(load_period_results(issued.period)).render())
    with pytest.raises(SignatureError) as refused:
        attach_to_issued_report(issued, other, actor=lead)
    assert "không phải cùng một văn bản" in refused.value.message


def test_agency_signed_self_assessment_is_checked_against_the_rendered_report(submitted, officer_a):
    signed = sign(SelfAssessmentPdf(submitted).render(), make_signer("Trần Văn Bình"))
    copy = attach_to_self_assessment(submitted, signed, actor=officer_a)
    assert copy.signer_name == "Trần Văn Bình"
    with copy.original.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == copy.original_sha256


def test_lead_uploads_and_then_downloads_the_signed_report(issued, lead, client_for):
    signed = sign(issued_bytes(issued))
    client = client_for(lead)
    url = reverse("assessments:signed_report_upload", args=[issued.period.code])
    assert client.get(url).status_code == 405
    response = client.post(
        url, {"file": SimpleUploadedFile("bc.pdf", signed, "application/pdf")}, follow=True
    )
    text = response.content.decode()
    assert f"người ký: {SIGNER}" in text
    assert "không kiểm tra được khi không kết nối mạng" in text
    download = client.get(reverse("assessments:official_report", args=[issued.period.code]))
    assert b"".join(download.streaming_content) == signed


def test_a_refused_upload_says_why_in_vietnamese(issued, lead, client_for):
    response = client_for(lead).post(
        reverse("assessments:signed_report_upload", args=[issued.period.code]),
        {"file": SimpleUploadedFile("bc.pdf", issued_bytes(issued), "application/pdf")},
        follow=True,
    )
    assert "Tệp PDF không có chữ ký số." in response.content.decode()
    assert SignedCopy.objects.count() == 0


def test_only_the_lead_uploads_the_signed_report(issued, reviewer, officer_a, client_for):
    url = reverse("assessments:signed_report_upload", args=[issued.period.code])
    signed = sign(issued_bytes(issued))
    for user in (reviewer, officer_a):
        response = client_for(user).post(
            url, {"file": SimpleUploadedFile("bc.pdf", signed, "application/pdf")}
        )
        assert response.status_code == 404
    assert SignedCopy.objects.count() == 0


def test_agency_uploads_its_signed_report_and_another_agency_gets_404(
    submitted, officer_a, officer_b, client_for
):
    signed = sign(SelfAssessmentPdf(submitted).render())
    url = reverse("assessments:signed_self_assessment_upload", args=[submitted.pk])
    response = client_for(officer_b).post(
        url, {"file": SimpleUploadedFile("tdg.pdf", signed, "application/pdf")}
    )
    assert response.status_code == 404
    response = client_for(officer_a).post(
        url, {"file": SimpleUploadedFile("tdg.pdf", signed, "application/pdf")}, follow=True
    )
    assert f"người ký: {SIGNER}" in response.content.decode()
    download = client_for(officer_a).get(
        reverse("assessments:self_assessment_pdf", args=[submitted.pk])
    )
    assert b"".join(download.streaming_content) == signed


def test_a_copy_signed_before_withdrawing_is_not_served_and_is_replaced(submitted, officer_a):
    first = sign(SelfAssessmentPdf(submitted).render())
    attach_to_self_assessment(submitted, first, actor=officer_a)
    submission = workflow.withdraw(submitted, actor=officer_a, reason="Sửa số liệu")
    submission = workflow.submit(submission, actor=officer_a)
    assert signed_copy_of(submission) is None
    second = sign(SelfAssessmentPdf(submission).render())
    copy = attach_to_self_assessment(submission, second, actor=officer_a)
    assert signed_copy_of(submission) == copy
    assert SignedCopy.objects.get().sha256 == hashlib.sha256(second).hexdigest()
