"""python manage.py restore ARCHIVE

Fills an EMPTY database (just migrated) and an empty media folder from a `backup` archive.
Refuses a database or media folder that already holds data: restoring over live data would mix
two installations. All database rows load in one transaction.

Only the portal's own data is loaded (auth groups and the assessments models, see
`backup.portal_models`): an archive carrying anything else — sessions, permissions, content
types, another app's rows — is refused with the names of what does not belong, before anything
is written. A superuser account in the archive is refused unless `--allow-superusers` says the
operator expects it (the portal's own administrators are ordinary accounts with the admin role).
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from assessments.management.commands.backup import (
    DATA_NAME,
    MANIFEST_NAME,
    MEDIA_PREFIX,
    PG_DATA_NAME,
    is_postgresql,
    portal_model_labels,
    portal_tables,
    run_pg_tool,
)
from assessments.models import Agency, AgencyKind, Period, User


def _safe_name(name: str) -> PurePosixPath:
    """The path of a media member relative to MEDIA_ROOT; nothing may climb out of it."""
    path = PurePosixPath(name.removeprefix(MEDIA_PREFIX))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise CommandError(f"Tệp sao lưu có đường dẫn không an toàn: “{name}”.")
    return path


def _check_json(data_path: Path, *, allow_superusers: bool) -> int:
    """Refuse rows of models that are not portal data, and unexpected superusers, by name."""
    try:
        rows = json.loads(data_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise CommandError("Dữ liệu trong tệp sao lưu không đọc được (JSON hỏng).") from None
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and isinstance(row.get("model"), str) for row in rows
    ):
        raise CommandError("Dữ liệu trong tệp sao lưu không đúng định dạng của cổng.")
    allowed = portal_model_labels()
    foreign = sorted({row["model"].lower() for row in rows} - allowed)
    if foreign:
        raise CommandError(
            "Tệp sao lưu có dữ liệu không thuộc cổng, không khôi phục: "
            + ", ".join(foreign)
            + ". Chỉ khôi phục bản sao lưu do lệnh backup của cổng tạo."
        )
    user_label = get_user_model()._meta.label_lower
    superusers = sorted(
        str(row.get("fields", {}).get("username", row.get("pk")))
        for row in rows
        if row["model"].lower() == user_label and row.get("fields", {}).get("is_superuser")
    )
    if superusers and not allow_superusers:
        raise CommandError(
            "Tệp sao lưu có tài khoản quản trị tối cao (is_superuser): "
            + ", ".join(f"“{name}”" for name in superusers)
            + ". Nếu đúng là tài khoản của cổng, chạy lại với --allow-superusers."
        )
    return len(rows)


def _check_pg_tables(data_path: Path) -> None:
    """Every table a pg_dump archive would fill must be a portal table."""
    listing = run_pg_tool(["pg_restore", "--list", str(data_path)])
    filled = set()
    for line in listing.splitlines():
        if line.startswith(";") or " TABLE DATA " not in line:
            continue
        # "1234; 0 16390 TABLE DATA public assessments_agency owner"
        parts = line.split(" TABLE DATA ", 1)[1].split()
        filled.add(parts[1] if len(parts) > 1 else parts[0])
    foreign = sorted(filled - portal_tables())
    if foreign:
        raise CommandError(
            "Tệp sao lưu có dữ liệu không thuộc cổng, không khôi phục: "
            + ", ".join(foreign)
            + ". Chỉ khôi phục bản sao lưu do lệnh backup của cổng tạo."
        )


class Command(BaseCommand):
    help = "Khôi phục từ tệp sao lưu vào cơ sở dữ liệu trống và thư mục tệp tải lên trống."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp sao-luu-….tar.gz do lệnh backup tạo")
        parser.add_argument(
            "--allow-superusers",
            action="store_true",
            help="Cho phép khôi phục tài khoản quản trị tối cao (is_superuser) có trong bản sao lưu",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"Không tìm thấy tệp “{archive}”.")
        counts = {
            "tài khoản": User.objects.count(),
            "cơ quan, đơn vị": Agency.objects.count(),
            "loại cơ quan": AgencyKind.objects.count(),
            "kỳ đánh giá": Period.objects.count(),
        }
        if any(counts.values()):
            present = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
            raise CommandError(
                f"Cơ sở dữ liệu không trống (đã có {present}). Chỉ khôi phục vào cơ sở dữ liệu "
                "mới, vừa chạy migrate, để không trộn lẫn dữ liệu."
            )
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
            raise CommandError(
                f"Thư mục tệp tải lên “{media_root}” không trống. Hãy dùng thư mục trống."
            )
        try:
            tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 (closed by the with below)
        except (tarfile.TarError, OSError):
            raise CommandError(f"“{archive.name}” không phải tệp sao lưu hợp lệ.") from None
        written: list[Path] = []
        with tar, tempfile.TemporaryDirectory() as workdir:
            members = {member.name: member for member in tar.getmembers()}
            data_name = PG_DATA_NAME if PG_DATA_NAME in members else DATA_NAME
            if data_name not in members or MANIFEST_NAME not in members:
                raise CommandError(f"“{archive.name}” không phải tệp sao lưu của cổng.")
            # Every path is checked before anything is written.
            media = {
                name: _safe_name(name)
                for name, member in members.items()
                if name.startswith(MEDIA_PREFIX) and member.isfile()
            }
            json.load(tar.extractfile(members[MANIFEST_NAME]))  # part of a valid archive
            data_path = Path(workdir) / data_name
            with tar.extractfile(members[data_name]) as source, data_path.open("wb") as target:
                shutil.copyfileobj(source, target)
            if data_name == PG_DATA_NAME:
                if not is_postgresql():
                    raise CommandError(
                        "Bản sao lưu này là của PostgreSQL (pg_dump); hãy khôi phục vào "
                        "PostgreSQL (đặt DATABASE_URL)."
                    )
                _check_pg_tables(data_path)
                objects = None
            else:
                objects = _check_json(data_path, allow_superusers=options["allow_superusers"])
            try:
                # Files first: a failed database load removes them again below.
                for name, relative in media.items():
                    target = media_root.joinpath(*relative.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(members[name]) as source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
                    written.append(target)
                if data_name == PG_DATA_NAME:
                    # One transaction; foreign keys are DEFERRABLE, checked at commit.
                    run_pg_tool(
                        [
                            "pg_restore",
                            "--data-only",
                            "--single-transaction",
                            "--exit-on-error",
                            "--no-owner",
                            "--no-privileges",
                            f"--dbname={connection.settings_dict['NAME']}",
                            str(data_path),
                        ]
                    )
                else:
                    with transaction.atomic():
                        call_command("loaddata", str(data_path), verbosity=0)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
        what = f"{objects} bản ghi" if objects is not None else "cơ sở dữ liệu (pg_restore)"
        self.stdout.write(f"Đã khôi phục {what} và {len(written)} tệp từ {archive.name}.")
