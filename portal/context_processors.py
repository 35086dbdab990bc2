from django.conf import settings


def portal(request):
    """Names every page shows, and the unread notification count for the bell."""
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "PORTAL_NAME": "Cổng đánh giá ứng dụng CNTT trong quản lý điều hành",
        "DEPARTMENT_NAME": "Sở Thông tin và Truyền thông tỉnh Đồng Nai",
        "unread_notifications": unread,
        "DEBUG": settings.DEBUG,
    }
