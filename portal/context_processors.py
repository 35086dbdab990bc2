from functools import cache

from django.conf import settings


def portal(request):
    """Names every page shows, and the unread notification count for the bell. The count is
    a callable the template calls (once) only when it shows the header: a partial answered to
    htmx (the autosave) costs no query for it."""
    user = getattr(request, "user", None)

    @cache
    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_OWNER": settings.PORTAL_OWNER,
        "PORTAL_SUPPORT": settings.PORTAL_SUPPORT,
        "unread_notifications": unread,
        "DEBUG": settings.DEBUG,
    }
