"""Writing the audit trail. Callers are domain functions, inside their transaction."""

from assessments.enums import AuditAction
from assessments.models import AuditEntry


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def record(
    *,
    actor,
    action: AuditAction | str,
    submission=None,
    period=None,
    target: str = "",
    field: str = "",
    old=None,
    new=None,
    reason: str = "",
    is_internal: bool = False,
) -> AuditEntry:
    """Append one audit row. Values are stored as text exactly as a person should read them.

    `action` is an AuditAction (a transition's name is accepted: they share the names); any
    other value raises ValueError, so no history ever shows a code nobody can read."""
    action = AuditAction(action)
    if submission is not None and period is None:
        period = submission.period_id and submission.period
    return AuditEntry.objects.create(
        submission=submission,
        period=period,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target=target,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        reason=reason or "",
        is_internal=is_internal,
    )
