"""Data for the two-app-server test, written into its own PostgreSQL database by a separate
process (the app servers' settings, not the test's): an open period with an officer's dossier
and a finalised period for the ZIP job. Prints the ids the test needs as JSON."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from assessments.criteria_io import load_reference_agencies  # noqa: E402
from assessments.enums import Role  # noqa: E402
from assessments.models import Agency  # noqa: E402
from assessments.services import get_or_create_submission  # noqa: E402
from tests.assessments.results_helpers import build_results  # noqa: E402
from tests.factories import make_period, make_user  # noqa: E402


def main() -> dict:
    load_reference_agencies()
    department = Agency.objects.get(code="so-thong-tin-truyen-thong")
    agency = Agency.objects.get(code="huyen-trang-bom")
    officer = make_user("canbo_b", agency=agency)
    reviewer = make_user("thamdinh", role=Role.REVIEWER, agency=department)
    lead = make_user("lanhdao", role=Role.LEAD, agency=department)
    finalised = make_period(code="2021", year=2021)
    build_results(finalised, count=1, reviewer=reviewer, lead=lead)
    open_period = make_period(code="2022", year=2022)
    submission = get_or_create_submission(agency, open_period)
    item = submission.items.get(criterion__code="II.2")
    evidence_item = submission.items.get(criterion__code="I.1")
    return {
        "officer": officer.username,
        "lead": lead.username,
        "reviewer": reviewer.username,
        "submission": submission.pk,
        "item": item.pk,
        "item_version": item.version,
        "evidence_item": evidence_item.pk,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
