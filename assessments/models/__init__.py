from .agency import Agency, AgencyKind
from .audit import AuditEntry, IssuedDocument, Notification, ReminderLog, SignedCopy
from .criteria import CriteriaTable, Criterion
from .jobs import OutboundEmail, PeriodExport
from .people import User
from .period import Extension, Period
from .prefill import PrefilledFact
from .result import SubmissionResult
from .submission import Assignment, Evidence, ItemScore, Message, Submission

__all__ = [
    "Agency",
    "AgencyKind",
    "Assignment",
    "AuditEntry",
    "CriteriaTable",
    "Criterion",
    "Evidence",
    "Extension",
    "IssuedDocument",
    "ItemScore",
    "Message",
    "Notification",
    "OutboundEmail",
    "Period",
    "PeriodExport",
    "PrefilledFact",
    "ReminderLog",
    "SignedCopy",
    "Submission",
    "SubmissionResult",
    "User",
]
