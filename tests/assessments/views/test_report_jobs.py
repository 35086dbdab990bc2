"""The period-wide dossier ZIP and the consolidated workbook requested from the reports page:
built by a background job, progress shown (htmx polling, no script of ours), the file offered
when ready and kept until a new one replaces it. Lead and administrator only, POST to request."""

import io
import logging
import zipfile

import pytest
from botocore.config import Config
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.enums import ExportKind, ExportStatus
from assessments.models import PeriodExport
from tests.assessments.results_helpers import build_results
from tests.assessments.smtp_server import free_port
from tests.conftest import login

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def url(name, period, kind="ho-so-zip"):
    return reverse(f"assessments:{name}", args=[period.code, kind])


@pytest.fixture
def final_period(period, reviewer, lead):
    period, _agencies = build_results(period, count=2, reviewer=reviewer, lead=lead)
    return period


def zip_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_lead_requests_the_period_zip_and_downloads_it_when_ready(
    final_period, lead, django_capture_on_commit_callbacks
):
    client = login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("export_request", final_period), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Đã yêu cầu tạo tệp “Hồ sơ nén của cả kỳ (ZIP)”; trang này hiện tiến độ và đường tải "
        "về khi xong. Tệp cũ vẫn tải được cho đến khi tệp mới thay thế."
    ]
    export = PeriodExport.objects.get(period=final_period, kind=ExportKind.DOSSIER_ZIP)
    assert (export.status, export.done, export.total) == (ExportStatus.DONE, 2, 2)
    assert export.requested_by == lead

    page = client.get(reverse("assessments:period_reports", args=[final_period.code]))
    assert url("export_file", final_period).encode() in page.content

    download = client.get(url("export_file", final_period))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="ho-so-2022.zip"'
    data = b"".join(download.streaming_content)
    assert len(data) == export.file_size
    names = zip_names(data)
    assert "01 - Sở Tài chính/1 - Báo cáo tự đánh giá.pdf" in names
    assert "02 - UBND huyện Trảng Bom/2 - Phiếu kết quả đánh giá.pdf" in names


def test_the_consolidated_workbook_is_built_the_same_way(
    final_period, administrator, django_capture_on_commit_callbacks
):
    client = login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("export_request", final_period, "tong-hop-xlsx"))
    download = client.get(url("export_file", final_period, "tong-hop-xlsx"))
    assert download["Content-Disposition"] == 'attachment; filename="tong-hop-2022.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[0] == "Tổng hợp"


def test_a_new_file_replaces_the_old_one_in_storage(
    final_period, lead, django_capture_on_commit_callbacks
):
    client = login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("export_request", final_period))
    first = PeriodExport.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("export_request", final_period))
    second = PeriodExport.objects.get().file.name
    assert first != second
    assert (default_storage.exists(first), default_storage.exists(second)) == (False, True)


@pytest.mark.django_db(transaction=True)
def test_progress_is_polled_while_the_worker_has_not_run_and_the_file_is_offered_after(
    final_period, lead, settings
):
    settings.TASKS = DATABASE_TASKS
    client = login(lead)
    client.post(url("export_request", final_period), follow=True)
    export = PeriodExport.objects.get()
    assert export.status == ExportStatus.QUEUED

    panel = client.get(url("export_status", final_period)).content.decode()
    assert 'hx-trigger="every 2s"' in panel
    assert "Đang chờ" in panel
    assert "<script" not in panel
    assert url("export_file", final_period) not in panel

    refused = client.post(url("export_request", final_period), follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Hồ sơ nén của cả kỳ (ZIP): tệp đang được tạo theo yêu cầu lúc "
        f"{timezone.localtime(export.requested_at):%H:%M}; vui lòng chờ."
    ]

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    export.refresh_from_db()
    assert (export.status, export.done, export.total) == (ExportStatus.DONE, 2, 2)
    panel = client.get(url("export_status", final_period)).content.decode()
    assert "hx-trigger" not in panel
    assert url("export_file", final_period) in panel
    assert "Tạo lại" in panel


def test_a_period_not_yet_finalised_is_refused(period, lead):
    response = login(lead).post(url("export_request", period), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Chỉ tạo tệp khi kỳ đánh giá đã chốt kết quả."
    ]
    assert not PeriodExport.objects.exists()


def test_only_lead_and_administrator_may_request_and_only_by_post(
    period, lead, reviewer, officer_a
):
    assert login(reviewer).post(url("export_request", period)).status_code == 404
    assert login(officer_a).post(url("export_request", period)).status_code == 404
    assert login(reviewer).get(url("export_status", period)).status_code == 404
    assert login(lead).get(url("export_request", period)).status_code == 405
    assert login(lead).get(url("export_file", period)).status_code == 404  # nothing built yet
    assert login(lead).get(url("export_status", period, "khac")).status_code == 404


def test_a_build_that_cannot_store_its_file_is_shown_failed_and_logged(
    final_period, lead, settings, django_capture_on_commit_callbacks, caplog
):
    """Object storage unreachable: the job fails, the page says so with the error and offers
    to try again; the job failure is logged."""
    caplog.set_level(logging.INFO, logger="assessments")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "khong-co",
                "endpoint_url": f"http://127.0.0.1:{free_port()}",
                "access_key": "x",
                "secret_key": "y",
                "region_name": "us-east-1",
                "client_config": Config(retries={"total_max_attempts": 1}, connect_timeout=2),
            },
        },
    }
    client = login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("export_request", final_period))
    export = PeriodExport.objects.get()
    assert export.status == ExportStatus.FAILED
    assert export.error.startswith("EndpointConnectionError: Could not connect to the endpoint")
    panel = client.get(url("export_status", final_period)).content.decode()
    assert "Lần tạo gần nhất bị lỗi" in panel
    assert "hx-trigger" not in panel
    assert "Tạo tệp" in panel
    failed = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.ERROR and r.name == "assessments.jobs"
    ]
    assert len(failed) == 1
    assert "task=build_period_export" in failed[0]
    assert failed[0].startswith("job failed id=")
