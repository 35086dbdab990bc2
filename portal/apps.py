from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng đánh giá"

    def ready(self):
        from portal import (  # noqa: F401  (registers the system checks and signal receivers)
            auth_events,
            checks,
        )
