"""Named people every test can use: officers of two agencies, a reviewer and the lead of the
evaluating department, an administrator, and the anonymous public."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from assessments.criteria_io import load_reference_agencies
from assessments.enums import Role
from assessments.models import Agency, AgencyKind
from tests.factories import PASSWORD, make_period, make_user


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist 3.8 sends the tests marked `xdist_group` to one worker by writing the group
    after the node id in `item._nodeid` (`…::test_x@seed_demo`); pytest 9.2 builds the node id
    from `item._id`, so the mark alone did nothing (the demo was seeded on both workers and the
    two-app-server cluster started twice on one database). Carry the suffix over."""
    for item in items:
        written = item.__dict__.get("_nodeid")
        if written and written != item.nodeid:
            item._id = type(item._id).parse(written)


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
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions() -> None:
    """On PostgreSQL, a session some thread of the run left open stops the test database from
    being dropped at the end ("being accessed by other users"): seen once in a whole CI run,
    not reproduced in parts. Name what it was doing on stderr, then end it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 200) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        others = cursor.fetchall()
        for pid, application, state, query in others:
            sys.stderr.write(f"\nopen session left by the run: {application!r} {state} {query!r}\n")
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.close()


ROOT = Path(__file__).resolve().parent.parent

# Environment variables of a production-like process (tests/test_settings.py, the multi-server
# test): everything the portal requires when DEBUG is off.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 10 + "-production-like-secret-key-with-enough-entropy-123456789",
    "ALLOWED_HOSTS": "danhgia.stttt.dongnai.gov.vn",
    "SITE_URL": "https://danhgia.stttt.dongnai.gov.vn",
    "EMAIL_BACKEND": "smtp",
}


def run_outside_tests(args, env_overrides, *, module=False):
    """`manage.py ARGS` (or `python ARGS` with module=True) in a new process that does not
    inherit the test run's settings, with env_overrides on top."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "PYTEST_VERSION",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DATABASE_URL",
            "EMAIL_BACKEND",
            "SITE_URL",
            "ALLOWED_HOSTS",
            "SECRET_KEY",
            "STATIC_ROOT",
        }
    }
    env.update(env_overrides)
    command = [sys.executable, *args] if module else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT filled by collectstatic exactly as the README's production steps do, once
    per session (per xdist worker): compressing every file costs about 15 s of CPU. The tests
    that use it share the xdist group `collected_static`, so one worker collects once."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    result = run_outside_tests(
        ["collectstatic", "--noinput", "-v", "0"], {**PRODUCTION, "STATIC_ROOT": str(static_root)}
    )
    assert result.returncode == 0, result.stderr
    assert (static_root / "staticfiles.json").is_file()
    return static_root


@pytest.fixture
def reference(db):
    """The reference agencies. A transactional (browser) test empties the database when it
    ends; the next test that needs them loads them again."""
    if not Agency.objects.filter(code="so-thong-tin-truyen-thong").exists():
        load_reference_agencies()


@pytest.fixture
def empty_database(db):
    """A database with nothing in it (what `restore` requires): the session's reference
    agencies are removed inside this test's transaction, so the next test has them again."""
    Agency.objects.all().delete()
    AgencyKind.objects.all().delete()


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


# The named people: fixture name → (username, role, agency code, extra fields).
NAMED_USERS = {
    "officer_a": (
        "canbo_a",
        Role.OFFICER,
        "so-tai-chinh",
        {"first_name": "Lan", "last_name": "Nguyễn Thị"},
    ),
    "officer_b": ("canbo_b", Role.OFFICER, "huyen-trang-bom", {}),
    "reviewer": ("thamdinh", Role.REVIEWER, "so-thong-tin-truyen-thong", {}),
    "second_reviewer": ("thamdinh2", Role.REVIEWER, "so-thong-tin-truyen-thong", {}),
    "lead": ("lanhdao", Role.LEAD, "so-thong-tin-truyen-thong", {}),
    "administrator": ("quantri", Role.ADMIN, None, {}),
    # The Department's own officer: Sở TT&TT self-assesses like every other agency.
    "department_officer": ("canbo_stttt", Role.OFFICER, "so-thong-tin-truyen-thong", {}),
}


def make_named_user(name: str):
    """Create one of NAMED_USERS (for fixtures of a wider scope than a test)."""
    username, role, agency_code, extra = NAMED_USERS[name]
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    return make_user(username, role=role, agency=agency, **extra)


@pytest.fixture
def officer_a(agency_a):
    return make_named_user("officer_a")


@pytest.fixture
def officer_b(agency_b):
    return make_named_user("officer_b")


@pytest.fixture
def reviewer(department):
    return make_named_user("reviewer")


@pytest.fixture
def second_reviewer(department):
    return make_named_user("second_reviewer")


@pytest.fixture
def lead(department):
    return make_named_user("lead")


@pytest.fixture
def administrator(reference):
    return make_named_user("administrator")


@pytest.fixture
def department_officer(department):
    """The Department's own officer: Sở TT&TT self-assesses like every other agency."""
    return make_named_user("department_officer")


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def client_for():
    return login
