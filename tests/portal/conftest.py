"""What the portal's own tests share: its JSON log lines, as an operator reads them."""

import io
import json
import logging
from contextlib import contextmanager

from portal.logging import JsonFormatter, RequestContextFilter


@contextmanager
def captured_json_log(logger_name: str):
    """The JSON lines written to `logger_name` while the block runs, read with the yielded
    function (each line parsed)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
