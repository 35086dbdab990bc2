"""The portal's own middleware: request log line, HEAD, body size limit, no-store."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import patch_cache_control

from portal.logging import request_id_var, user_id_var

request_logger = logging.getLogger("portal.request")
upload_logger = logging.getLogger("portal.upload")

# nginx's $request_id is 32 hex digits; accept a proxy's id only if it looks like one.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """One log line per request with its id, the user id, the status and the duration.

    The id comes from the proxy's X-Request-ID when it sends one (deploy/nginx.conf does), so
    nginx's access log and ours can be joined; it is echoed back in the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        method = request.method
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            user_id_var.set(user_id)
            response["X-Request-ID"] = request_id
            request_logger.info(
                "%s %s %s",
                method,
                request.path,
                response.status_code,
                extra={
                    "method": method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(id_token)
            user_id_var.reset(user_token)


class HeadAsGetMiddleware:
    """HEAD answers exactly what GET would, without the body.

    Views guarded with `require_GET` (and any `require_http_methods` without "HEAD") answered 405
    to HEAD, so uptime monitors and link checkers reported the public pages and open data as
    broken. HEAD is GET without a body by definition (RFC 9110 §9.3.2), so it is decided here
    once: the view sees GET, the client gets the headers only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        request.META["REQUEST_METHOD"] = "GET"
        response = self.get_response(request)
        if response.streaming:
            # FileResponse set Content-Length from the file; the file itself is closed with the
            # response and never read.
            response.streaming_content = []
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class UploadLimitMiddleware:
    """Refuse a request body over settings.MAX_REQUEST_BODY_BYTES before reading any of it.

    Before this, a 200 MB evidence upload was received and written to a temporary file in full
    before the 20 MB check refused it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            upload_logger.warning(
                "request body refused: %s bytes over the %s byte limit",
                length,
                limit,
                extra={"content_length": length, "limit": limit, "path": request.path},
            )
            body = loader.render_to_string(
                "413.html", {"limit_mb": settings.EVIDENCE_MAX_UPLOAD_MB}
            )
            response = HttpResponse(body, status=413)
            # The unread body stays on the connection; tell the client not to reuse it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages and files served to a signed-in user are never stored by a browser or a proxy.

    They hold a dossier's figures, evidence files and unpublished PDFs; without this a shared
    computer's back button or disk cache showed them after logout.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
