"""Start-up checks for what the portal ships instead of downloading at run time."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

REQUIRED_STATIC = [
    "vendor/bootstrap.min.css",
    "vendor/bootstrap.bundle.min.js",
    "vendor/htmx.min.js",
    "fonts/LiberationSerif-Regular.ttf",
    "fonts/LiberationSerif-Bold.ttf",
]


@register()
def vendored_assets_present(app_configs, **kwargs):
    static_dir = Path(settings.BASE_DIR) / "static"
    return [
        Error(
            f"Thiếu tệp static/{name}: cổng không tải tài nguyên từ Internet, tệp phải có sẵn.",
            id="portal.E001",
        )
        for name in REQUIRED_STATIC
        if not (static_dir / name).is_file()
    ]


def missing_static_manifest() -> str | None:
    """A sentence for the operator when production static files were never collected.

    With DEBUG off, WhiteNoise's manifest storage looks up every `{% static %}` name in
    STATIC_ROOT/staticfiles.json; without `collectstatic` every page fails with “Missing
    staticfiles manifest entry”. Saying so at start-up is kinder than a 500 on every page.
    """
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in storage:
        return None
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        return None
    return (
        f"Static files were not collected: {manifest} is missing. Run "
        "`python manage.py collectstatic --noinput` (with the same environment as the web "
        "server) after every install or upgrade; without it every page answers 500."
    )


@register(deploy=True)
def static_files_collected(app_configs, **kwargs):
    message = missing_static_manifest()
    return [Error(message, id="portal.E002")] if message else []


@register(deploy=True)
def site_url_is_https(app_configs, **kwargs):
    """`check` runs without the production variables; --deploy still says what e-mails link to."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL or 'not set'}: links in e-mails (password links, "
            "reminders) need the portal's public https:// address.",
            id="portal.W001",
        )
    ]
