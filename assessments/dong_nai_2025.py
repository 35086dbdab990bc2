"""The agencies of the merged Đồng Nai province for the 2025 demo (issue 14), set up the way an
administrator would: the agency workbook (departments after the 2025 mergers, the 95 communes
and wards of the two-tier government, the district People's Committees closed from 1/7/2025,
and the new kind “ubnd-xa”), then the change workbook (the department mergers effective
1/3/2025, whose predecessors are the 2022 agencies of fixtures/agencies.json).

Run it after the 2022 results exist: the merged departments must have their 2022 dossiers
before they end, so that their successors' public trend shows them.
"""

from django.db import transaction

from assessments import imports
from assessments.criteria_io import FIXTURES_DIR

DONG_NAI_2025_DIR = FIXTURES_DIR / "programs" / "dong-nai-2025"
AGENCY_WORKBOOK = DONG_NAI_2025_DIR / "co-quan-don-vi.xlsx"
CHANGE_WORKBOOK = DONG_NAI_2025_DIR / "thay-doi-co-quan.xlsx"


@transaction.atomic
def load_dong_nai_2025(*, actor=None) -> dict[str, tuple[int, int]]:
    """Import the merged province's agencies, then record the department mergers; idempotent
    (a second run changes nothing: the same rows update nothing and the recorded changes are
    skipped). Audited like an administrator's imports (`actor` None: the system). Returns
    {"agencies": (created, updated), "changes": (recorded, 0)}; raises WorkbookError listing
    every problem (nothing written) if the database cannot take them."""
    agencies = imports.import_agencies_workbook(AGENCY_WORKBOOK.read_bytes(), actor=actor)
    changes = imports.import_agency_changes_workbook(CHANGE_WORKBOOK.read_bytes(), actor=actor)
    return {"agencies": agencies, "changes": changes}
