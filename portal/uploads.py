"""An upload handler that stops reading a file once it passes the request limit."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts each file's bytes as they stream in.

    A file past MAX_REQUEST_BODY_BYTES stops the upload and the rest of the body is not read
    (the temporary file written so far is closed and deleted by Django); the form then reports
    the file as missing. A file between the evidence limit and that cap still reaches the form,
    which names its size in its message. UploadLimitMiddleware already refuses bodies whose
    declared length is too large; this is the second line, per file, while streaming.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.MAX_REQUEST_BODY_BYTES
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                self.request.upload_refused = self.file_name
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
