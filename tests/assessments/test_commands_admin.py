"""The administration commands: criteria in and out of Excel, the daily reminder cron, and a
backup restored into an emptied database and media folder."""

import datetime as dt
import io
import json
import shutil

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessments.criteria_io import dump_table
from assessments.models import Evidence, Extension, Notification, ReminderLog, User
from assessments.services import get_or_create_submission
from tests.assessments.admin_workbooks import row_of, table_workbook
from tests.factories import fill_submission, make_period, submitted_submission


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# Criteria -------------------------------------------------------------------------------------


def test_export_then_import_criteria_from_the_command_line(period, tmp_path):
    new = make_period(code="2023", year=2023, tables=False)
    path = tmp_path / "pl3.xlsx"
    assert (
        run(
            "export_criteria", "--period", "2022", "--kind", "ubnd-cap-huyen", "--output", str(path)
        )
        == f"Đã ghi Phụ lục 3 của kỳ “{period}” vào {path}.\n"
    )
    assert run("import_criteria", str(path), "--period", "2023", "--kind", "ubnd-cap-huyen") == (
        f"Đã nhập Phụ lục 3 cho kỳ “{new}”: 30 dòng.\n"
    )
    assert dump_table(new.tables.get()) == dump_table(
        period.tables.get(kind__code="ubnd-cap-huyen")
    )


def test_a_bad_workbook_fails_the_command_with_every_error(period, tmp_path):
    make_period(code="2023", year=2023, tables=False)
    table = period.tables.get(kind__code="so-ban-nganh")

    def change(workbook):
        sheet = workbook["Tiêu chí"]
        sheet.cell(row=row_of(sheet, "II.2"), column=5).value = "ba mươi"

    path = tmp_path / "pl1.xlsx"
    path.write_bytes(table_workbook(table, change))
    with pytest.raises(CommandError) as caught:
        call_command("import_criteria", str(path), "--period", "2023", "--kind", "so-ban-nganh")
    assert str(caught.value) == (
        "Không nhập được “pl1.xlsx” (1 lỗi; chưa ghi gì):\n"
        "- Dòng 8, cột E “Điểm tối đa”: “ba mươi” không phải là số."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "1999", "--kind", "so-ban-nganh"], "Không có kỳ đánh giá “1999”."),
        # A superscript digit and an overflowing "year" were a traceback, not a message.
        (["--period", "²⁰²²", "--kind", "so-ban-nganh"], "Không có kỳ đánh giá “²⁰²²”."),
        (["--period", "9" * 30, "--kind", "so-ban-nganh"], f"Không có kỳ đánh giá “{'9' * 30}”."),
        (
            ["--period", "2022", "--kind", "xa"],
            "Không có loại cơ quan, đơn vị “xa”. Các mã hiện có: so-ban-nganh, "
            "don-vi-su-nghiep, ubnd-cap-huyen.",
        ),
    ],
)
def test_unknown_periods_and_kinds_are_named(period, tmp_path, args, message):
    with pytest.raises(CommandError) as caught:
        call_command("export_criteria", *args, "--output", str(tmp_path / "x.xlsx"))
    assert str(caught.value) == message


def test_a_missing_file_is_named(period):
    with pytest.raises(CommandError) as caught:
        call_command("import_criteria", "/khong/co.xlsx", "--period", "2022", "--kind", "x")
    assert str(caught.value) == "Không tìm thấy tệp “/khong/co.xlsx”."


def test_the_command_exits_non_zero_with_the_message(period, tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_criteria",
            str(tmp_path / "khong.xlsx"),
            "--period",
            "2022",
            "--kind",
            "so-ban-nganh",
        ],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 1
    assert f"Không tìm thấy tệp “{tmp_path / 'khong.xlsx'}”." in result.stderr


# Reminders ------------------------------------------------------------------------------------


def test_the_daily_reminder_is_sent_once_per_agency_and_day_count(
    period, agency_a, agency_b, officer_a, officer_b, django_capture_on_commit_callbacks
):
    submitted_submission(agency_b, period, officer_b)
    fill_submission(get_or_create_submission(agency_a, period))
    today = period.self_assessment_deadline - dt.timedelta(days=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        output = run(
            "send_reminders",
            "--period",
            "2022",
            "--days-before",
            "7,3,1",
            "--today",
            today.isoformat(),
        )
    assert "Đã nhắc Sở Tài chính (còn 3 ngày).\n" in output
    assert "Huyện Trảng Bom" not in output and "UBND huyện Trảng Bom" not in output
    assert [m.to for m in mail.outbox if m.to == [officer_a.email]] == [[officer_a.email]]
    first = ReminderLog.objects.count()
    assert ReminderLog.objects.filter(agency=agency_a).get().key == (
        f"truoc-han-3-ngay-{period.self_assessment_deadline:%Y%m%d}"
    )
    assert (
        run(
            "send_reminders",
            "--period",
            "2022",
            "--days-before",
            "7,3,1",
            "--today",
            today.isoformat(),
        )
        == f"Đã gửi 0 lời nhắc cho kỳ “{period}”.\n"
    )
    assert ReminderLog.objects.count() == first
    assert Notification.objects.filter(user=officer_a).count() == 1
    assert Notification.objects.filter(user=officer_b, title__startswith="Nhắc việc").count() == 0


def test_an_extension_moves_the_reminder_to_the_new_deadline(period, agency_a, officer_a):
    new_deadline = period.self_assessment_deadline + dt.timedelta(days=4)
    Extension.objects.create(period=period, agency=agency_a, new_deadline=new_deadline, reason="x")
    on_common_day = period.self_assessment_deadline - dt.timedelta(days=1)
    run(
        "send_reminders",
        "--period",
        "2022",
        "--days-before",
        "1",
        "--today",
        on_common_day.isoformat(),
    )
    assert not ReminderLog.objects.filter(agency=agency_a).exists()
    run(
        "send_reminders",
        "--period",
        "2022",
        "--days-before",
        "1",
        "--today",
        (new_deadline - dt.timedelta(days=1)).isoformat(),
    )
    assert ReminderLog.objects.get(agency=agency_a).key == f"truoc-han-1-ngay-{new_deadline:%Y%m%d}"


def test_bad_day_lists_are_refused(period):
    with pytest.raises(CommandError) as caught:
        call_command("send_reminders", "--period", "2022", "--days-before", "bảy")
    assert str(caught.value) == (
        "--days-before “bảy” không hợp lệ: cần các số ngày không âm, cách nhau bởi dấu phẩy, "
        "ví dụ 7,3,1."
    )


# Backup and restore ---------------------------------------------------------------------------


def _dump():
    out = io.StringIO()
    call_command("dumpdata", "auth.group", "assessments", natural_foreign=True, stdout=out)
    return json.loads(out.getvalue())


# Transactional: PostgreSQL cannot TRUNCATE (flush) inside the test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_and_media_folder(
    period, agency_a, officer_a, tmp_path
):
    submission = fill_submission(get_or_create_submission(agency_a, period))
    evidence = Evidence(submission=submission, summary="Ảnh chụp màn hình")
    evidence.file.save("anh.png", ContentFile(b"\x89PNG ung dung"), save=True)
    before = _dump()
    backups = tmp_path / "sao-luu"
    backups.mkdir()

    output = run("backup", "--output", str(backups))

    (archive,) = backups.iterdir()
    assert archive.name.startswith("sao-luu-") and archive.name.endswith(".tar.gz")
    # PostgreSQL is backed up with pg_dump (custom format), SQLite as JSON rows.
    postgresql = connection.vendor == "postgresql"
    saved = "cơ sở dữ liệu (pg_dump)" if postgresql else f"{len(before)} bản ghi"
    assert output == f"Đã sao lưu {saved} và 1 tệp vào {archive}.\n"
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive))
    assert str(caught.value).startswith("Cơ sở dữ liệu không trống (đã có ")

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    restored_what = "cơ sở dữ liệu (pg_restore)" if postgresql else f"{len(before)} bản ghi"
    assert run("restore", str(archive)) == (
        f"Đã khôi phục {restored_what} và 1 tệp từ {archive.name}.\n"
    )
    assert _dump() == before
    restored = Evidence.objects.get(pk=evidence.pk)
    with restored.file.open("rb") as stored:
        assert stored.read() == b"\x89PNG ung dung"


def test_restore_refuses_a_media_folder_with_files(tmp_path, empty_database):
    (settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "con-lai.txt").write_text("x")
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(b"")
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive))
    assert str(caught.value) == (
        f"Thư mục tệp tải lên “{settings.MEDIA_ROOT}” không trống. Hãy dùng thư mục trống."
    )


def test_restore_refuses_an_archive_that_writes_outside_the_media_folder(empty_database, tmp_path):
    import tarfile

    archive = tmp_path / "doc-hai.tar.gz"
    data = tmp_path / "du-lieu.json"
    data.write_text("[]", encoding="utf-8")
    manifest = tmp_path / "thong-tin.json"
    manifest.write_text('{"objects": 0}', encoding="utf-8")
    evil = tmp_path / "evil.txt"
    evil.write_text("x")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="thong-tin.json")
        tar.add(data, arcname="du-lieu.json")
        tar.add(evil, arcname="media/../../evil.txt")
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive))
    assert str(caught.value) == ("Tệp sao lưu có đường dẫn không an toàn: “media/../../evil.txt”.")
    assert not (settings.MEDIA_ROOT.parent.parent / "evil.txt").exists()


# Backup files, rotation and what restore accepts (issue 11) ------------------------------------


def _archive(tmp_path, rows, name="sao-luu-planted.tar.gz"):
    import tarfile

    archive = tmp_path / name
    data = tmp_path / "du-lieu.json"
    data.write_text(json.dumps(rows), encoding="utf-8")
    manifest = tmp_path / "thong-tin.json"
    manifest.write_text('{"format": 2}', encoding="utf-8")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="thong-tin.json")
        tar.add(data, arcname="du-lieu.json")
    return archive


def test_a_backup_is_readable_by_its_owner_only(db, tmp_path):
    """Before: created with the process umask, world-readable (password hashes, evidence)."""
    backups = tmp_path / "sao-luu"
    backups.mkdir()
    run("backup", "--output", str(backups))
    (archive,) = backups.iterdir()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def test_backup_keep_removes_the_oldest_archives_beyond_n(db, tmp_path):
    backups = tmp_path / "sao-luu"
    backups.mkdir()
    for stamp in ("20220101-010101", "20220102-010101", "20220103-010101"):
        (backups / f"sao-luu-{stamp}.tar.gz").write_bytes(b"old")
    (backups / "ghi-chu.txt").write_text("not a backup")
    output = run("backup", "--output", str(backups), "--keep", "2")
    names = sorted(p.name for p in backups.iterdir())
    assert names[0] == "ghi-chu.txt"
    assert names[1] == "sao-luu-20220103-010101.tar.gz"
    assert len(names) == 3 and names[2].startswith("sao-luu-2")
    assert "Đã xóa bản sao lưu cũ sao-luu-20220101-010101.tar.gz." in output
    assert "Đã xóa bản sao lưu cũ sao-luu-20220102-010101.tar.gz." in output


def test_restore_refuses_rows_that_are_not_portal_data_by_name(empty_database, tmp_path):
    """Before: `restore` loaded any model in the archive (a session, a permission…)."""
    rows = [
        {
            "model": "sessions.session",
            "pk": "abc",
            "fields": {"session_data": "x", "expire_date": "2030-01-01T00:00:00Z"},
        },
        {
            "model": "auth.permission",
            "pk": 999,
            "fields": {"name": "x", "content_type": 1, "codename": "x"},
        },
        {"model": "auth.group", "pk": 1, "fields": {"name": "Nhóm", "permissions": []}},
    ]
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(_archive(tmp_path, rows)))
    assert str(caught.value) == (
        "Tệp sao lưu có dữ liệu không thuộc cổng, không khôi phục: auth.permission, "
        "sessions.session. Chỉ khôi phục bản sao lưu do lệnh backup của cổng tạo."
    )
    from django.contrib.auth.models import Group

    assert Group.objects.count() == 0


def test_restore_refuses_a_planted_superuser_unless_told_to_expect_one(empty_database, tmp_path):
    rows = [
        {
            "model": "assessments.user",
            "pk": 77,
            "fields": {
                "username": "ke-xam-nhap",
                "password": "md5$x$y",
                "is_superuser": True,
                "is_staff": True,
                "is_active": True,
                "role": "admin",
                "groups": [],
                "user_permissions": [],
            },
        }
    ]
    archive = _archive(tmp_path, rows)
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive))
    assert str(caught.value) == (
        "Tệp sao lưu có tài khoản quản trị tối cao (is_superuser): “ke-xam-nhap”. "
        "Nếu đúng là tài khoản của cổng, chạy lại với --allow-superusers."
    )
    assert not User.objects.filter(username="ke-xam-nhap").exists()
    output = run("restore", str(archive), "--allow-superusers")
    assert output == "Đã khôi phục 1 bản ghi và 0 tệp từ sao-luu-planted.tar.gz.\n"
    assert User.objects.get(username="ke-xam-nhap").is_superuser
