import pytest

from scoring import ItemInput, ItemSpec
from tests.scoring.sample_tables import full_marks, phu_luc_1


@pytest.fixture(scope="session")
def table() -> tuple[ItemSpec, ...]:
    return phu_luc_1()


@pytest.fixture(scope="session")
def full() -> dict[str, ItemInput]:
    return full_marks()
