"""python manage.py restore ARCHIVE

Fills an EMPTY database (just migrated) and an empty media folder from a `backup` archive.
Refuses a database or media folder that already holds data: restoring over live data would mix
two installations. All database rows load in one transaction.
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.management.commands.backup import DATA_NAME, MANIFEST_NAME, MEDIA_PREFIX
from assessments.models import Agency, AgencyKind, Period, User


def _safe_name(name: str) -> PurePosixPath:
    """The path of a media member relative to MEDIA_ROOT; nothing may climb out of it."""
    path = PurePosixPath(name.removeprefix(MEDIA_PREFIX))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise CommandError(f"Tệp sao lưu có đường dẫn không an toàn: “{name}”.")
    return path


class Command(BaseCommand):
    help = "Khôi phục từ tệp sao lưu vào cơ sở dữ liệu trống và thư mục tệp tải lên trống."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp sao-luu-….tar.gz do lệnh backup tạo")

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
            if DATA_NAME not in members or MANIFEST_NAME not in members:
                raise CommandError(f"“{archive.name}” không phải tệp sao lưu của cổng.")
            # Every path is checked before anything is written.
            media = {
                name: _safe_name(name)
                for name, member in members.items()
                if name.startswith(MEDIA_PREFIX) and member.isfile()
            }
            manifest = json.load(tar.extractfile(members[MANIFEST_NAME]))
            data_path = Path(workdir) / DATA_NAME
            with tar.extractfile(members[DATA_NAME]) as source, data_path.open("wb") as target:
                shutil.copyfileobj(source, target)
            try:
                with transaction.atomic():
                    call_command("loaddata", str(data_path), verbosity=0)
                    for name, relative in media.items():
                        member = members[name]
                        target = media_root.joinpath(*relative.parts)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with tar.extractfile(member) as source, target.open("wb") as out:
                            shutil.copyfileobj(source, out)
                        written.append(target)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
        self.stdout.write(
            f"Đã khôi phục {manifest['objects']} bản ghi và {len(written)} tệp từ {archive.name}."
        )
