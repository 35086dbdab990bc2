import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.checks import missing_static_manifest  # noqa: E402 (needs the settings loaded)

# gunicorn runs no system checks: refuse to boot rather than answer 500 on every page.
if message := missing_static_manifest():
    raise ImproperlyConfigured(message)
