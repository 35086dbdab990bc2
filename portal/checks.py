"""Start-up checks for what the portal ships instead of downloading at run time."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

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
