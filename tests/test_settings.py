import pytest

from tests.conftest import PRODUCTION
from tests.conftest import run_outside_tests as _run

# The tests given `collected_static` run on the xdist worker that also runs the multi-server
# test (tests/test_multi_server.py), which serves the same collected files: one collectstatic.
shares_static = pytest.mark.xdist_group("collected_static")


@shares_static
def test_check_deploy_is_clean_under_production_settings(collected_static):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "STATIC_ROOT": str(collected_static)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@shares_static
def test_collectstatic_compresses_what_browsers_load_and_not_the_pdf_fonts(collected_static):
    """The fonts are read from static/fonts by WeasyPrint; compressing them was most of the
    deploy's collectstatic time for copies nobody is sent."""
    collected = {path.name for path in collected_static.rglob("*")}
    assert {"bootstrap.min.css.br", "bootstrap.min.css.gz", "portal.js.br"} <= collected
    assert "LiberationSerif-Regular.ttf" in collected
    assert not {name for name in collected if ".ttf." in name}


def test_check_deploy_names_collectstatic_when_static_files_were_never_collected(tmp_path):
    result = _run(["check", "--deploy"], {**PRODUCTION, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 1
    assert "(portal.E002) Static files were not collected" in result.stderr
    assert "python manage.py collectstatic --noinput" in result.stderr


def test_the_wsgi_application_refuses_to_boot_without_collected_static_files(tmp_path):
    """gunicorn runs no system checks: before, every page answered 500 (“Missing staticfiles
    manifest entry for 'vendor/bootstrap.min.css'”) and the server looked healthy."""
    result = _run(
        ["-c", "import portal.wsgi"], {**PRODUCTION, "STATIC_ROOT": str(tmp_path)}, module=True
    )
    assert result.returncode == 1
    assert f"Static files were not collected: {tmp_path}/staticfiles.json is missing" in (
        result.stderr
    )


@shares_static
def test_the_wsgi_application_boots_once_static_files_are_collected(collected_static):
    result = _run(
        ["-c", "import portal.wsgi; print('ready')"],
        {**PRODUCTION, "STATIC_ROOT": str(collected_static)},
        module=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ready\n"


@pytest.mark.parametrize(
    ("variable", "sentence"),
    [
        ("SECRET_KEY", "SECRET_KEY is required when DEBUG is off"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is required when DEBUG is off"),
        ("SITE_URL", "SITE_URL is required when DEBUG is off"),
        ("EMAIL_BACKEND", "EMAIL_BACKEND is required when DEBUG is off"),
    ],
)
def test_the_portal_refuses_to_start_without_each_production_variable(variable, sentence):
    result = _run(["migrate", "--plan"], {**PRODUCTION, variable: ""})
    assert result.returncode == 1
    assert "The portal cannot start with DEBUG off:" in result.stderr
    assert sentence in result.stderr
    # Only the missing one is named.
    named = [v for v in PRODUCTION if v != "DEBUG" and f"- {v} is required" in result.stderr]
    assert named == [variable]


def test_every_missing_variable_is_named_at_once():
    result = _run(["migrate", "--plan"], {"DEBUG": "0"})
    assert result.returncode == 1
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_BACKEND"):
        assert f"- {variable} is required when DEBUG is off" in result.stderr


def test_the_console_mail_backend_is_accepted_when_chosen_explicitly():
    result = _run(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        ],
        {**PRODUCTION, "EMAIL_BACKEND": "console"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "django.core.mail.backends.console.EmailBackend\n"


def test_a_site_url_without_scheme_fails_loudly():
    result = _run(["migrate", "--plan"], {**PRODUCTION, "SITE_URL": "danhgia.stttt.dongnai.gov.vn"})
    assert result.returncode == 1
    assert "SITE_URL must start with https:// or http://" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = _run(["check"], {**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true/false" in result.stderr


@shares_static
def test_check_deploy_warns_when_site_url_is_not_https(collected_static):
    result = _run(
        ["check", "--deploy"],
        {**PRODUCTION, "STATIC_ROOT": str(collected_static), "SITE_URL": ""},
    )
    assert "(portal.W001) SITE_URL is not set: links in e-mails" in result.stderr
