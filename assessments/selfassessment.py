"""What an agency officer changes in a self-assessment: one criterion's answer, and evidence.

No status changes here (those are in workflow.py). Every function checks that the actor may edit
the submission, runs in a transaction, and writes one audit row per changed field, in words a
person reads (“1.234/1.300 (94,92 %)”, not JSON).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments import audit, prefills, scores
from assessments.display import describe_inputs
from assessments.enums import AuditAction, PrefillState
from assessments.models import Evidence, ItemScore, Submission
from assessments.permissions import added_this_round, can_answer, can_edit_self_assessment
from assessments.uploads import check_upload
from assessments.workflow import CONFLICT_MESSAGE

NOT_EDITABLE_MESSAGE = (
    "Hồ sơ đã nộp hoặc kỳ đánh giá đã đóng nên không thể sửa. "
    "Nếu cần sửa hồ sơ đã nộp, hãy rút hồ sơ trước khi {agency} bắt đầu thẩm định."
)


def not_editable_message(submission) -> str:
    return NOT_EDITABLE_MESSAGE.format(agency=submission.period.program.agency_short_name)


ITEM_CONFLICT_MESSAGE = (
    "Người khác vừa cập nhật tiêu chí này (có thể ở một thẻ trình duyệt khác). "
    "Nội dung bạn vừa nhập chưa được lưu; giá trị hiện tại được hiển thị bên dưới."
)


class EditRefused(Exception):
    """The change is not allowed; `message` is the Vietnamese sentence shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EvidenceConflict(EditRefused):
    """The dossier changed since the evidence page was loaded: nothing is overwritten."""

    def __init__(self):
        super().__init__(CONFLICT_MESSAGE)


class ItemConflict(EditRefused):
    """The criterion changed since the page was loaded; `current` is the stored item (its
    `submission` as read under the lock) and `items` every item of the dossier read with it,
    when the caller read them."""

    def __init__(self, current: ItemScore, items: list[ItemScore] | None = None):
        super().__init__(ITEM_CONFLICT_MESSAGE)
        self.current = current
        self.items = items


@dataclass
class ItemSave:
    """The outcome of `save_item`: the stored item and the names of the fields that changed."""

    item: ItemScore
    changed: list[str] = field(default_factory=list)
    # Every item of the dossier as stored after the save (read under the lock), so that the
    # answer can add the total up without reading them again.
    items: list[ItemScore] = field(default_factory=list)


def _audit_item(actor, submission, item, name, old, new):
    audit.record(
        actor=actor,
        submission=submission,
        action=AuditAction.UPDATE_SELF_ASSESSMENT,
        target=item.criterion.code,
        field=name,
        old=old,
        new=new,
    )


def _touch(submission):
    # Any change to the dossier makes a summary page loaded earlier stale (submit checks it).
    Submission.objects.filter(pk=submission.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


def save_item(item: ItemScore, *, actor, answer: dict, expected_version) -> ItemSave:
    """Save one criterion's answer, explanation and not-applicable choice.

    `answer` is what the criterion's form cleaned (`forms.answers.SelfAssessmentForm.answer`):
    "inputs" (None when the answer was invalid: the stored one is kept), "explanation",
    "not_applicable", "not_applicable_reason" (a missing or None value is left unchanged).
    Rules: only an officer of the agency while the submission is a draft in an open period
    (`can_edit_self_assessment`, else `EditRefused`); `expected_version` must equal the stored
    item's version, else `ItemConflict` carrying the current item (nothing is overwritten);
    “not applicable” only where the table allows it; points are recomputed by
    `scores.item_points`; on a measurable criterion `ItemScore.prefill` follows the answer
    (`prefills.state_after`: changed when it differs from the prefilled fact; the answer form
    refuses such an answer without an explanation).
    Side effects: item.version + 1 and submission.version + 1 when something changed; one audit
    row per changed field (old → new as a person reads it).
    """
    with transaction.atomic():
        # The submission row first, then the item (the order every writer uses): a dossier
        # submitted a moment ago is seen as submitted here, never written behind its back.
        # Only those two rows: a plain FOR UPDATE would also lock the joined period and
        # criterion rows, which every officer's autosave shares, and serialise them all. The
        # period's program is read only for a refusal's message.
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("period")
            .get(pk=item.submission_id)
        )
        # The whole dossier's items in the same query (the submission lock already keeps every
        # other writer of these rows waiting): the caller adds the total up from them.
        items = list(
            ItemScore.objects.select_for_update(of=("self",))
            .filter(submission_id=submission.pk)
            .order_by("pk")
        )
        locked = next((row for row in items if row.pk == item.pk), None)
        if locked is None:
            raise ItemScore.DoesNotExist
        locked.criterion = item.criterion
        locked.submission = submission
        if not can_edit_self_assessment(actor, submission):
            raise EditRefused(not_editable_message(submission))
        if expected_version != locked.version:
            raise ItemConflict(locked, items)
        criterion = locked.criterion
        changes = []
        inputs = answer.get("inputs")
        if inputs is not None and inputs != (locked.inputs or {}):
            old_text = describe_inputs(criterion, locked.inputs or None)
            locked.inputs = inputs
            locked.points = scores.item_points(criterion, inputs)
            changes.append(("inputs", old_text, describe_inputs(criterion, inputs or None)))
            if criterion.measurable:
                fact = prefills.fact_for_item(locked)
                locked.prefill = prefills.state_after(fact, inputs, locked.prefill)
        explanation = answer.get("explanation")
        if explanation is not None and explanation != locked.explanation:
            changes.append(("explanation", locked.explanation, explanation))
            locked.explanation = explanation
        not_applicable = answer.get("not_applicable")
        if not criterion.allow_not_applicable:
            not_applicable = False
        if not_applicable is not None and not_applicable != locked.not_applicable:
            changes.append(("not_applicable", locked.not_applicable, not_applicable))
            locked.not_applicable = not_applicable
        reason = answer.get("not_applicable_reason")
        if not criterion.allow_not_applicable:
            reason = ""
        if reason is not None and reason != locked.not_applicable_reason:
            changes.append(("not_applicable_reason", locked.not_applicable_reason, reason))
            locked.not_applicable_reason = reason
        if not changes:
            return ItemSave(item=locked, items=items)
        locked.version += 1
        locked.updated_by = actor
        fields = [name for name, _old, _new in changes]
        if "inputs" in fields:
            fields += ["points", "prefill"]
        locked.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
        for name, old, new in changes:
            _audit_item(actor, submission, locked, name, old, new)
        _touch(submission)
    return ItemSave(item=locked, changed=[name for name, _old, _new in changes], items=items)


NO_PREFILL_MESSAGE = "Tiêu chí này không có số liệu điền sẵn cho đơn vị."


def accept_prefill(item: ItemScore, *, actor, expected_version) -> ItemScore:
    """The agency takes the value prefilled from a provincial system as its answer (one click).

    Rules as `save_item` (editable draft, the officer of the agency, the item's version); the
    criterion must have a fact for the agency (else `EditRefused`). The answer becomes the
    fact's inputs (not applicable is cleared), `prefill` becomes accepted.
    Side effects: item.version + 1, submission.version + 1, an audit row (old → new answer,
    the source and date in the reason)."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("period", "agency")
            .get(pk=item.submission_id)
        )
        locked = ItemScore.objects.select_for_update().select_related("criterion").get(pk=item.pk)
        locked.submission = submission
        if not can_edit_self_assessment(actor, submission):
            raise EditRefused(NOT_EDITABLE_MESSAGE)
        if expected_version != locked.version:
            raise ItemConflict(locked)
        criterion = locked.criterion
        fact = prefills.fact_for_item(locked)
        if fact is None:
            raise EditRefused(NO_PREFILL_MESSAGE)
        old = describe_inputs(
            criterion, locked.inputs or None, not_applicable=locked.not_applicable
        )
        locked.inputs = fact.inputs
        locked.points = scores.item_points(criterion, fact.inputs)
        locked.not_applicable = False
        locked.not_applicable_reason = ""
        locked.prefill = PrefillState.ACCEPTED
        locked.version += 1
        locked.updated_by = actor
        locked.save(
            update_fields=[
                "inputs",
                "points",
                "not_applicable",
                "not_applicable_reason",
                "prefill",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            submission=submission,
            action=AuditAction.ACCEPT_PREFILL,
            target=criterion.code,
            field="inputs",
            old=old,
            new=describe_inputs(criterion, fact.inputs),
            reason=f"{fact.source}, ngày {fact.as_of:%d/%m/%Y}",
        )
        _touch(submission)
    return locked


# --- evidence -------------------------------------------------------------------------------


def _check_evidence_editable(actor, submission) -> bool:
    """True when added during the review (answering a request), False during self-assessment."""
    if can_edit_self_assessment(actor, submission):
        return False
    if can_answer(actor, submission):
        return True
    raise EditRefused(not_editable_message(submission))


KEPT_AS_SUBMITTED = (
    "Tài liệu kiểm chứng của hồ sơ đã nộp được giữ nguyên. Khi giải trình, đơn vị chỉ bổ sung "
    "tài liệu mới, hoặc sửa, gỡ tài liệu đã bổ sung trong vòng giải trình này."
)


def _lock_editable(actor, submission) -> tuple[Submission, bool]:
    """Lock the submission row and check, under the lock, that the actor may change its evidence
    now (a dossier submitted a moment ago is no longer editable). Returns (locked, during
    review)."""
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("period", "agency")
        .get(pk=submission.pk)
    )
    return locked, _check_evidence_editable(actor, locked)


def _check_this_round(evidence, locked, during_review) -> None:
    # The self-assessment as submitted is immutable: during the exchange only what the agency
    # added in the current round may change.
    if during_review and not added_this_round(evidence, locked):
        raise EditRefused(KEPT_AS_SUBMITTED)


def _items_of(submission, items):
    items = list(items)
    if not items:
        raise EditRefused("Vui lòng chọn tiêu chí mà tài liệu này chứng minh.")
    if any(item.submission_id != submission.pk for item in items):
        raise EditRefused("Tiêu chí không thuộc hồ sơ này.")
    return items


EVIDENCE_FIELDS = ("doc_number", "doc_date", "issuer", "summary", "url")
EVIDENCE_LABELS = {
    "doc_number": "số, ký hiệu",
    "doc_date": "ngày ban hành",
    "issuer": "cơ quan ban hành",
    "summary": "trích yếu",
    "url": "đường dẫn",
    "file": "tệp",
}


def _evidence_text(name, value):
    if name == "doc_date" and value:
        return f"{value:%d/%m/%Y}"
    return value or ""


def add_evidence(submission, *, actor, items, upload=None, **fields) -> Evidence:
    """Attach a piece of evidence (citation, link and/or file) to one or more criteria.

    A document already in the dossier (same number and date, `same_document`) is not stored
    twice: it is linked to the criteria instead and returned with ``reused = True``.

    Rules: the submission must be editable by the actor (draft), or the agency is answering a
    request for explanation (then `added_during_review`); the file passes `check_upload` (type
    by content, size limit) and is stored under a random name with its SHA-256; at least one of
    a document number, a file or a link. Side effects: an audit row; submission.version + 1.
    """
    items = _items_of(submission, items)
    values = {name: fields.get(name) or ("" if name != "doc_date" else None) for name in fields}
    if not (values.get("doc_number") or values.get("url") or upload):
        raise EditRefused("Hãy nhập số, ký hiệu văn bản, chọn tệp đính kèm hoặc nhập đường dẫn.")
    existing = same_document(submission, values.get("doc_number"), values.get("doc_date"))
    if existing is not None:
        for item in items:
            link_evidence(existing, item, actor=actor)
        existing.reused = True
        return existing
    checked = check_upload(upload) if upload is not None else None
    stored = []
    try:
        with transaction.atomic():
            locked, during_review = _lock_editable(actor, submission)
            evidence = Evidence(
                submission=locked,
                uploaded_by=actor,
                added_during_review=during_review,
                added_in_round=locked.round if during_review else 0,
                **values,
            )
            if checked is not None:
                evidence.original_filename = checked.original_filename
                evidence.content_type = checked.content_type
                evidence.size = checked.size
                evidence.sha256 = checked.sha256
                evidence.file.save(checked.original_filename, upload, save=False)
                stored.append(evidence.file.name)
            evidence.save()
            evidence.items.set(items)
            audit.record(
                actor=actor,
                submission=locked,
                action=AuditAction.ADD_EVIDENCE,
                target=", ".join(item.criterion.code for item in items),
                field="evidence",
                new=str(evidence),
            )
            _touch(locked)
    except BaseException:
        # The row was not stored: neither is its file.
        for name in stored:
            Evidence._meta.get_field("file").storage.delete(name)
        raise
    evidence.reused = False
    return evidence


def same_document(submission, doc_number, doc_date) -> Evidence | None:
    """The evidence of `submission` citing the document numbered `doc_number` (case and spaces
    ignored) on `doc_date`, if there is one."""
    number = " ".join((doc_number or "").split())
    if not number:
        return None
    return (
        Evidence.objects.filter(submission=submission, doc_number__iexact=number, doc_date=doc_date)
        .order_by("created_at", "pk")
        .first()
    )


def update_evidence(evidence: Evidence, *, actor, expected_version=None, **fields) -> list[str]:
    """Change an evidence item's citation or link (the file is replaced by removing and adding).

    Rules as `add_evidence`; `expected_version` (the submission's version when the edit page
    was loaded; None means no check) must equal the stored one, else `EvidenceConflict` and
    nothing is written. Side effects: one audit row per changed field; submission.version + 1.
    Returns the names of the changed fields.
    """
    changed = []
    with transaction.atomic():
        submission, during_review = _lock_editable(actor, evidence.submission)
        if expected_version is not None and expected_version != submission.version:
            raise EvidenceConflict()
        evidence = Evidence.objects.get(pk=evidence.pk)
        _check_this_round(evidence, submission, during_review)
        codes = ", ".join(evidence.items.values_list("criterion__code", flat=True))
        for name in EVIDENCE_FIELDS:
            if name not in fields:
                continue
            new = fields[name] or (None if name == "doc_date" else "")
            old = getattr(evidence, name)
            if new != old:
                changed.append(name)
                audit.record(
                    actor=actor,
                    submission=submission,
                    action=AuditAction.UPDATE_EVIDENCE,
                    target=codes,
                    field=EVIDENCE_LABELS[name],
                    old=_evidence_text(name, old),
                    new=_evidence_text(name, new),
                )
                setattr(evidence, name, new)
        if not (evidence.doc_number or evidence.url or evidence.file):
            raise EditRefused(
                "Hãy nhập số, ký hiệu văn bản, chọn tệp đính kèm hoặc nhập đường dẫn."
            )
        if changed:
            evidence.save(update_fields=changed)
            _touch(submission)
    return changed


def remove_evidence(evidence: Evidence, *, actor) -> None:
    """Delete an evidence item from every criterion it supports.

    Rules as `add_evidence`; during the exchange only evidence added in the current round may
    be removed. The file is deleted after commit only while the dossier is a draft: no file of
    a submitted dossier is ever deleted from disk. Side effects: an audit row;
    submission.version + 1.
    """
    with transaction.atomic():
        submission, during_review = _lock_editable(actor, evidence.submission)
        _remove_locked(evidence, submission, during_review, actor=actor)


def _remove_locked(evidence, submission, during_review, *, actor) -> None:
    evidence = Evidence.objects.get(pk=evidence.pk)
    _check_this_round(evidence, submission, during_review)
    storage, name = evidence.file.storage, evidence.file.name
    audit.record(
        actor=actor,
        submission=submission,
        action=AuditAction.REMOVE_EVIDENCE,
        target=", ".join(evidence.items.values_list("criterion__code", flat=True)),
        field="evidence",
        old=str(evidence),
    )
    evidence.delete()
    _touch(submission)
    if name and not during_review:
        transaction.on_commit(lambda: storage.delete(name))


def link_evidence(evidence: Evidence, item: ItemScore, *, actor) -> bool:
    """Let an evidence item already in the dossier also support `item` (no second upload).

    Rules as `update_evidence`. Returns False when it already did. Side effects: an audit row;
    submission.version + 1.
    """
    with transaction.atomic():
        submission, during_review = _lock_editable(actor, evidence.submission)
        _check_this_round(evidence, submission, during_review)
        _items_of(submission, [item])
        if evidence.items.filter(pk=item.pk).exists():
            return False
        evidence.items.add(item)
        audit.record(
            actor=actor,
            submission=submission,
            action=AuditAction.LINK_EVIDENCE,
            target=item.criterion.code,
            field="evidence",
            new=str(evidence),
        )
        _touch(submission)
    return True


def unlink_evidence(evidence: Evidence, item: ItemScore, *, actor) -> None:
    """Stop an evidence item supporting `item`; removed entirely when it supports nothing else.

    Rules as `update_evidence`. Side effects: an audit row; submission.version + 1.
    """
    with transaction.atomic():
        submission, during_review = _lock_editable(actor, evidence.submission)
        _check_this_round(evidence, submission, during_review)
        _items_of(submission, [item])
        evidence.items.remove(item)
        audit.record(
            actor=actor,
            submission=submission,
            action=AuditAction.UNLINK_EVIDENCE,
            target=item.criterion.code,
            field="evidence",
            old=str(evidence),
        )
        _touch(submission)
        if not evidence.items.exists():
            _remove_locked(evidence, submission, during_review, actor=actor)
