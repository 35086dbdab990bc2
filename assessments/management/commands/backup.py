"""python manage.py backup --output DIR

One dated .tar.gz holding the database contents (dumpdata JSON of auth groups and every
assessments model, users included, with natural keys for permissions and content types) and
every uploaded file under MEDIA_ROOT. `restore` reads it back into an empty installation.
"""

import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

DATA_NAME = "du-lieu.json"
MANIFEST_NAME = "thong-tin.json"
MEDIA_PREFIX = "media/"
# Permissions and content types are recreated by migrate; natural keys point at them.
DUMPED = ["auth.group", "assessments"]
FORMAT_VERSION = 1


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp đã tải lên vào một tệp .tar.gz có ghi ngày giờ."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Thư mục ghi tệp sao lưu")

    def handle(self, *args, **options):
        output = Path(options["output"])
        if not output.is_dir():
            raise CommandError(f"Không có thư mục “{output}”.")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        archive = output / f"sao-luu-{stamp}.tar.gz"
        if archive.exists():
            raise CommandError(f"Tệp “{archive}” đã có; vui lòng chạy lại sau ít giây.")
        with tempfile.TemporaryDirectory() as workdir:
            data_path = Path(workdir) / DATA_NAME
            call_command(
                "dumpdata",
                *DUMPED,
                natural_foreign=True,
                output=str(data_path),
                verbosity=0,
            )
            media_root = Path(settings.MEDIA_ROOT)
            media = (
                sorted(p for p in media_root.rglob("*") if p.is_file())
                if media_root.is_dir()
                else []
            )
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "objects": len(json.loads(data_path.read_text(encoding="utf-8"))),
                "files": len(media),
            }
            partial = archive.with_suffix(".tmp")
            with tarfile.open(partial, "w:gz") as tar:
                payload = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                tar.add(data_path, arcname=DATA_NAME)
                for path in media:
                    tar.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix())
            # Renamed only when complete: a half-written archive never looks like a backup.
            partial.rename(archive)
        self.stdout.write(
            f"Đã sao lưu {manifest['objects']} bản ghi và {manifest['files']} tệp vào {archive}."
        )
