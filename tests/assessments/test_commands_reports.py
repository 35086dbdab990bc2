import datetime as dt
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from assessments.exports.official_report import issue_official_report
from assessments.results import load_period_results
from tests.assessments.results_helpers import build_results
from tests.assessments.test_exports import pdf_text


def test_unknown_period_is_refused_with_a_clear_message(reference, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_report", "--period", "2019", "--format", "xlsx", "--output", tmp_path / "a.xlsx"
        )
    assert str(refused.value) == "Không tìm thấy kỳ đánh giá có mã “2019”."
    assert not (tmp_path / "a.xlsx").exists()


def test_unfinished_period_is_refused(period, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_report", "--period", "2022", "--format", "pdf", "--output", tmp_path / "a.pdf"
        )
    assert "chưa chốt kết quả (trạng thái: “Đang tự đánh giá”)" in str(refused.value)


def test_export_report_writes_the_workbook_and_the_issued_pdf(
    period, reviewer, lead, tmp_path, capsys
):
    period, _agencies = build_results(period, count=1, reviewer=reviewer, lead=lead)
    call_command(
        "export_report", "--period", "2022", "--format", "xlsx", "--output", tmp_path / "t.xlsx"
    )
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames[0] == "Tổng hợp"
    call_command(
        "export_report", "--period", "2022", "--format", "pdf", "--output", tmp_path / "d.pdf"
    )
    assert "dự thảo, chưa ban hành" in capsys.readouterr().out
    assert "Sở Tài chính 3,00 3,00 A+" in pdf_text((tmp_path / "d.pdf").read_bytes())
    document = issue_official_report(
        load_period_results(period),
        actor=lead,
        number="77/STTTT-CNTT-VT",
        issued_on=dt.date(2022, 11, 18),
        signer_name="Nguyễn Văn Bảy",
        signer_title="GIÁM ĐỐC",
    )
    call_command(
        "export_report", "--period", "2022", "--format", "pdf", "--output", tmp_path / "i.pdf"
    )
    assert "bản đã ban hành số 77/STTTT-CNTT-VT" in capsys.readouterr().out
    with document.file.open("rb") as handle:
        assert (tmp_path / "i.pdf").read_bytes() == handle.read()
    assert io.BytesIO((tmp_path / "i.pdf").read_bytes()).read(4) == b"%PDF"


def test_export_report_writes_the_period_dossier_straight_into_the_file(
    period, reviewer, lead, tmp_path, capsys
):
    build_results(period, count=1, reviewer=reviewer, lead=lead)
    call_command(
        "export_report", "--period", "2022", "--format", "zip", "--output", tmp_path / "h.zip"
    )
    data = (tmp_path / "h.zip").read_bytes()
    size = f"{len(data):,}".replace(",", ".")
    assert f"({size} byte)." in capsys.readouterr().out
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [
        "01 - Sở Tài chính/1 - Báo cáo tự đánh giá.pdf",
        "01 - Sở Tài chính/2 - Phiếu kết quả đánh giá.pdf",
        "01 - Sở Tài chính/3 - Trao đổi, giải trình.pdf",
    ]
