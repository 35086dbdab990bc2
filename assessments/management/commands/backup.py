"""python manage.py backup --output DIR [--keep N]

One dated .tar.gz, readable by its owner only (it holds password hashes and every piece of
evidence), with the portal's own data and every uploaded file under MEDIA_ROOT:
- on PostgreSQL, a `pg_dump` custom-format archive of the portal's tables (data only: `migrate`
  recreates the schema), restorable with `pg_restore` or this project's `restore`;
- on SQLite, dumpdata JSON of auth groups and every assessments model (natural keys for
  permissions and content types).
Sessions, permissions, content types, the admin log and login-attempt records are not portal data
and are left out (`portal_models`). `--keep N` deletes the oldest backups beyond the N newest.
"""

import io
import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

DATA_NAME = "du-lieu.json"
PG_DATA_NAME = "du-lieu.pgdump"
MANIFEST_NAME = "thong-tin.json"
MEDIA_PREFIX = "media/"
ARCHIVE_GLOB = "sao-luu-*.tar.gz"
# Permissions and content types are recreated by migrate; natural keys point at them.
DUMPED = ["auth.group", "assessments"]
FORMAT_VERSION = 2


def portal_models() -> list:
    """The models whose rows are the portal's data: auth groups and every assessments model."""
    return [apps.get_model("auth", "Group"), *apps.get_app_config("assessments").get_models()]


def portal_model_labels() -> set[str]:
    return {model._meta.label_lower for model in portal_models()}


def portal_tables() -> set[str]:
    """Database tables of the portal's models, with their many-to-many link tables."""
    tables = set()
    for model in portal_models():
        tables.add(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                tables.add(field.remote_field.through._meta.db_table)
    return tables


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def pg_environment() -> dict:
    """libpq variables for pg_dump / pg_restore from the connection Django uses."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def run_pg_tool(args: list[str]) -> str:
    try:
        result = subprocess.run(  # noqa: S603 (fixed program, arguments built here)
            args, env=pg_environment(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise CommandError(
            f"Không tìm thấy lệnh {args[0]}: cài gói postgresql-client cùng phiên bản máy chủ."
        ) from None
    if result.returncode != 0:
        raise CommandError(f"{args[0]} không thành công: {result.stderr.strip()}")
    return result.stdout


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp đã tải lên vào một tệp .tar.gz có ghi ngày giờ."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Thư mục ghi tệp sao lưu")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Chỉ giữ N bản sao lưu mới nhất trong thư mục (xóa các bản cũ hơn)",
        )

    def handle(self, *args, **options):
        output = Path(options["output"])
        keep = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError("--keep phải là số nguyên dương.")
        if not output.is_dir():
            raise CommandError(f"Không có thư mục “{output}”.")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        archive = output / f"sao-luu-{stamp}.tar.gz"
        if archive.exists():
            raise CommandError(f"Tệp “{archive}” đã có; vui lòng chạy lại sau ít giây.")
        with tempfile.TemporaryDirectory() as workdir:
            if is_postgresql():
                data_name = PG_DATA_NAME
                data_path = Path(workdir) / data_name
                tables = sorted(portal_tables())
                run_pg_tool(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--data-only",
                        "--no-owner",
                        "--no-privileges",
                        f"--file={data_path}",
                        *[f"--table={table}" for table in tables],
                    ]
                )
                objects = None
            else:
                data_name = DATA_NAME
                data_path = Path(workdir) / data_name
                call_command(
                    "dumpdata",
                    *DUMPED,
                    natural_foreign=True,
                    output=str(data_path),
                    verbosity=0,
                )
                objects = len(json.loads(data_path.read_text(encoding="utf-8")))
            media_root = Path(settings.MEDIA_ROOT)
            media = (
                sorted(p for p in media_root.rglob("*") if p.is_file())
                if media_root.is_dir()
                else []
            )
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database": "postgresql" if data_name == PG_DATA_NAME else "json",
                "data": data_name,
                "objects": objects,
                "files": len(media),
            }
            partial = archive.with_suffix(".tmp")
            # Created 0600 from the first byte: the archive holds password hashes and evidence.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with (
                    os.fdopen(descriptor, "wb") as raw,
                    tarfile.open(fileobj=raw, mode="w:gz") as tar,
                ):
                    payload = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                    info = tarfile.TarInfo(MANIFEST_NAME)
                    info.size = len(payload)
                    info.mode = 0o600
                    tar.addfile(info, io.BytesIO(payload))
                    tar.add(data_path, arcname=data_name)
                    for path in media:
                        tar.add(
                            path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                        )
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            # Renamed only when complete: a half-written archive never looks like a backup.
            partial.rename(archive)
        what = f"{objects} bản ghi" if objects is not None else "cơ sở dữ liệu (pg_dump)"
        self.stdout.write(f"Đã sao lưu {what} và {manifest['files']} tệp vào {archive}.")
        if keep is not None:
            # Names carry the date and time, so name order is age order.
            for old in sorted(output.glob(ARCHIVE_GLOB))[:-keep]:
                old.unlink()
                self.stdout.write(f"Đã xóa bản sao lưu cũ {old.name}.")
