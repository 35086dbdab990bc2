"""Named people every test can use: officers of two agencies, a reviewer and the lead of the
evaluating department, an administrator, and the anonymous public."""

import pytest
from django.test import Client

from assessments.criteria_io import load_reference_agencies
from assessments.enums import Role
from assessments.models import Agency
from tests.factories import PASSWORD, make_period, make_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference agency kinds and agencies are loaded once per session, outside any test's
    transaction: every test rolls back to them."""
    with django_db_blocker.unblock():
        load_reference_agencies()


@pytest.fixture
def reference(db):
    """The reference agencies. A transactional (browser) test empties the database when it
    ends; the next test that needs them loads them again."""
    if not Agency.objects.filter(code="so-thong-tin-truyen-thong").exists():
        load_reference_agencies()


@pytest.fixture
def agency_a(reference):
    return Agency.objects.get(code="so-tai-chinh")


@pytest.fixture
def agency_b(reference):
    return Agency.objects.get(code="huyen-trang-bom")


@pytest.fixture
def department(reference):
    return Agency.objects.get(code="so-thong-tin-truyen-thong")


@pytest.fixture
def period(reference):
    return make_period()


@pytest.fixture
def officer_a(agency_a):
    return make_user("canbo_a", agency=agency_a, first_name="Lan", last_name="Nguyễn Thị")


@pytest.fixture
def officer_b(agency_b):
    return make_user("canbo_b", agency=agency_b)


@pytest.fixture
def reviewer(department):
    return make_user("thamdinh", role=Role.REVIEWER, agency=department)


@pytest.fixture
def second_reviewer(department):
    return make_user("thamdinh2", role=Role.REVIEWER, agency=department)


@pytest.fixture
def lead(department):
    return make_user("lanhdao", role=Role.LEAD, agency=department)


@pytest.fixture
def administrator(reference):
    return make_user("quantri", role=Role.ADMIN)


@pytest.fixture
def department_officer(department):
    """The Department's own officer: Sở TT&TT self-assesses like every other agency."""
    return make_user("canbo_stttt", agency=department)


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def client_for():
    return login
