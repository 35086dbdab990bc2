"""The dossier an auditor asks for, as a ZIP: per agency its self-assessment PDF, the result sheet,
the exchange thread and the evidence files under readable names; per period one folder per
agency. One agency's dossier reads only that agency's rows, in a fixed number of queries; the
period's reads its agencies a chunk at a time (a fixed number of queries per chunk), so neither
holds the whole period in memory."""

import io
import re
import unicodedata
import zipfile
from pathlib import PurePath

from assessments.exports.base import ZIP_CONTENT_TYPE, Export
from assessments.exports.result_sheet import ResultSheetPdf, ThreadPdf, signer_id
from assessments.exports.self_assessment import SelfAssessmentPdf
from assessments.models import Agency, Evidence, Message, User
from assessments.results import AgencyResult, PeriodResults, load_period_results

# Agencies per read of the period's dossier: their items, evidence and messages are in memory at
# once (the evidence files are read one at a time).
DOSSIER_CHUNK = 50

# Characters Windows, macOS or a ZIP tool refuse or misread in a file name.
UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_filename(name: str, *, fallback: str = "tep", limit: int = 120) -> str:
    """A file name any system accepts, Vietnamese letters kept (NFC): no folders, no control or
    reserved characters, no leading dots, at most `limit` characters with the extension kept."""
    name = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    name = UNSAFE.sub("_", name).strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    if not name:
        name = fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = f".{suffix[:10]}" if suffix else ""
    return stem[: limit - len(suffix)].rstrip() + suffix


def unique_names(names: list[str]) -> list[str]:
    """Numbered, de-duplicated names (“01 - Kế hoạch.pdf”, “02 - Kế hoạch.pdf”), order kept."""
    width = max(2, len(str(len(names))))
    return [f"{index:0{width}d} - {name}" for index, name in enumerate(names, start=1)]


class _Loaded:
    """Evidence and messages of the given results' submissions (and no others) in two queries,
    grouped per submission."""

    def __init__(self, agencies: list[AgencyResult]):
        self.evidence: dict[int, list[Evidence]] = {}
        submissions = [result.submission.pk for result in agencies if result.submission]
        evidence = Evidence.objects.filter(submission__in=submissions).prefetch_related("items")
        items_by_id = {
            row.item.pk: row.item for result in agencies for row in result.rows if row.item
        }
        per_item: dict[int, list[Evidence]] = {pk: [] for pk in items_by_id}
        for entry in evidence:
            self.evidence.setdefault(entry.submission_id, []).append(entry)
            for item in entry.items.all():
                per_item.setdefault(item.pk, []).append(entry)
        for pk, item in items_by_id.items():
            # What `prefetch_related("evidence")` would have stored, so item.evidence.all()
            # answers from memory in the self-assessment PDF.
            cached = Evidence.objects.all()
            cached._result_cache = per_item[pk]
            cached._prefetch_done = True
            item._prefetched_objects_cache = {"evidence": cached}
        self.messages: dict[int, list[Message]] = {}
        for message in Message.objects.filter(submission__in=submissions).select_related(
            "author", "item__criterion"
        ):
            self.messages.setdefault(message.submission_id, []).append(message)
        # The result sheets' signers, in one query.
        ids = {signer_id(r.submission) for r in agencies if r.submission is not None}
        self.signers = {user.pk: user for user in User.objects.filter(pk__in=ids - {None})}


def _agency_files(period, result: AgencyResult, loaded: _Loaded, folder: str):
    submission = result.submission
    if submission is None:
        return
    items = [row.item for row in result.rows if row.item is not None]
    criteria = [row.criterion for row in result.rows]
    if submission.submitted_at is not None:
        pdf = SelfAssessmentPdf(submission, criteria=criteria, items=items)
        yield f"{folder}1 - Báo cáo tự đánh giá.pdf", pdf.render()
    if result.is_final:
        yield (
            f"{folder}2 - Phiếu kết quả đánh giá.pdf",
            ResultSheetPdf(
                period, result, signer=loaded.signers.get(signer_id(submission))
            ).render(),
        )
    messages = loaded.messages.get(submission.pk, [])
    yield f"{folder}3 - Trao đổi, giải trình.pdf", ThreadPdf(period, result, messages).render()
    files = [e for e in loaded.evidence.get(submission.pk, []) if e.file]
    names = unique_names(
        [safe_filename(e.original_filename or PurePath(e.file.name).name) for e in files]
    )
    missing = []
    for entry, name in zip(files, names, strict=True):
        try:
            with entry.file.open("rb") as handle:
                data = handle.read()
        except OSError:
            # A file lost on disk (a restore without media, a disk fault) must not cost the
            # auditor the whole dossier: the ZIP says which document is missing instead.
            missing.append(f"- {name} ({entry.citation})")
            continue
        yield f"{folder}Tài liệu kiểm chứng/{name}", data
    if missing:
        note = (
            "Các tệp tài liệu kiểm chứng sau không còn trên máy chủ nên không có trong hồ sơ này; "
            "đề nghị liên hệ quản trị hệ thống để khôi phục từ bản sao lưu:\n"
            + "\n".join(missing)
            + "\n"
        )
        yield f"{folder}Tài liệu kiểm chứng/TỆP BỊ THIẾU.txt", note.encode("utf-8")


def _zip_into(handle, entries) -> None:
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    _zip_into(buffer, entries)
    return buffer.getvalue()


class AgencyDossierZip(Export):
    content_type = ZIP_CONTENT_TYPE

    def __init__(self, results: PeriodResults, agency_code: str):
        self.results = results
        self.result = results.for_agency(agency_code)
        self.filename = f"ho-so-{results.period.code}-{agency_code}.zip"

    def render(self) -> bytes:
        loaded = _Loaded([self.result] if self.result is not None else [])
        return _zip(_agency_files(self.results.period, self.result, loaded, ""))


class PeriodDossierZip(Export):
    content_type = ZIP_CONTENT_TYPE

    def __init__(self, period, *, progress=None, chunk: int = DOSSIER_CHUNK):
        """`progress(done, total)` is called after each agency's folder (a background job
        shows it on the reports page)."""
        self.period = period
        self.chunk = chunk
        self.filename = f"ho-so-{period.code}.zip"
        self.progress = progress or (lambda done, total: None)

    def _chunks(self):
        """The agencies with a dossier in the period, in the results' order (kind, then list
        order), `chunk` at a time, each chunk's results loaded with only its own items."""
        ids = list(
            Agency.objects.filter(submissions__period=self.period, kind__tables__period=self.period)
            .order_by("kind__order", "order", "name", "pk")
            .values_list("pk", flat=True)
        )
        yield len(ids)
        for start in range(0, len(ids), self.chunk):
            page = (
                Agency.objects.filter(pk__in=ids[start : start + self.chunk])
                .select_related("kind")
                .order_by("kind__order", "order", "name", "pk")
            )
            loaded = load_period_results(self.period, agencies=page)
            yield [result for result in loaded.agencies if result.submission]

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.write_to(buffer)
        return buffer.getvalue()

    def write_to(self, handle) -> None:
        """Write the archive into a binary file, an agency's files at a time (the background job
        writes to a temporary file: the archive is never held in memory)."""
        period = self.period
        chunks = self._chunks()
        total = next(chunks)

        def entries():
            self.progress(0, total)
            number = 0
            for results in chunks:
                loaded = _Loaded(results)
                for result in results:
                    number += 1
                    folder = f"{number:02d} - {safe_filename(result.evaluated_as)}/"
                    yield from _agency_files(period, result, loaded, folder)
                    self.progress(number, total)

        _zip_into(handle, entries())
