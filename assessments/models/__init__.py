from .agency import Agency, AgencyChange, AgencyKind
from .audit import AuditEntry, IssuedDocument, Notification, ReminderLog, SignedCopy
from .criteria import CriteriaTable, Criterion
from .jobs import OutboundEmail, PeriodExport
from .people import User
from .period import Extension, Period
from .prefill import PrefilledFact
from .program import Program
from .reference import ReferenceValue
from .result import SubmissionResult
from .submission import Assignment, Evidence, ItemScore, Message, Submission

__all__ = [
    "Agency",
    "AgencyChange",
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
    "Program",
    "ReferenceValue",
    "ReminderLog",
    "SignedCopy",
    "Submission",
    "SubmissionResult",
    "User",
]
