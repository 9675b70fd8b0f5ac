"""Receive one uploaded file (``multipart/form-data``) into a temporary file, enforcing a size limit
while the body streams in.

Starlette's ``request.form()`` would spool the whole body before the route sees it; here the
body is fed chunk by chunk to python-multipart's streaming parser, only the ``file`` field's
bytes are written (to a fresh file in the server's upload folder), and the request is refused
with 413 as soon as the declared ``Content-Length`` or the bytes actually received pass the
limit, so an oversized or endless (chunked) upload costs at most the limit. Any failure removes
the temporary file; the caller removes it after use (:func:`receive_upload` is a context manager).
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import AsyncIterator

#: Multipart framing allowed on top of the file itself (boundaries, part headers, small fields).
FORM_OVERHEAD_BYTES = 64 * 1024
#: Seconds an upload may take to arrive: a client trickling bytes must not hold a model-job place forever.
UPLOAD_TIMEOUT_S = 120.0
#: Longest file name kept from the client (only shown, never used as a path).
MAX_NAME_CHARS = 200


class UploadError(Exception):
    """A refused upload: ``status`` (400, 408, 413, 415) and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass
class Upload:
    path: str  # the temporary file
    filename: str  # the client's name for it (display only)
    size: int


def display_name(raw: bytes | None) -> str:
    """The client's file name, reduced to a printable base name (never used to open anything)."""
    name = (raw or b"").decode("utf-8", "replace")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:MAX_NAME_CHARS] or "upload"


@contextlib.asynccontextmanager
async def receive_upload(request, max_bytes: int, upload_dir: str | None = None, field: str = "file",
                         timeout: float = UPLOAD_TIMEOUT_S) -> AsyncIterator[Upload]:
    """Stream the multipart field ``field`` of ``request`` into a temporary file of at most ``max_bytes``,
    arriving within ``timeout`` seconds.

    Yields an :class:`Upload`; the file is deleted on exit. Raises :class:`UploadError` (408 too slow).
    """
    import anyio
    from python_multipart.multipart import MultipartParser, parse_options_header

    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadError(415, f"send the audio file as multipart/form-data in the field {field!r}")
    limit_mb = max_bytes / 2 ** 20
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise UploadError(400, f"bad Content-Length {declared[:20]!r}")
        if int(declared) > max_bytes + FORM_OVERHEAD_BYTES:
            raise UploadError(413, f"upload too large: {int(declared) / 2 ** 20:.1f} MB, the limit is {limit_mb:g} MB")

    fd, path = tempfile.mkstemp(prefix="upload-", dir=upload_dir)
    out = os.fdopen(fd, "wb")
    state = {"headers": {}, "field": b"", "value": b"", "target": False, "found": False, "name": None, "size": 0}

    def on_part_begin():
        state["headers"] = {}
        state["target"] = False

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished():
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if disp.get(b"name") == field.encode() and not state["found"]:
            state["target"], state["found"] = True, True
            state["name"] = disp.get(b"filename")

    def on_part_data(data, start, end):
        if state["target"]:
            state["size"] += end - start
            if state["size"] > max_bytes:
                raise UploadError(413, f"upload too large: more than {limit_mb:g} MB")
            out.write(data[start:end])

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data})
    received = 0
    try:
        try:
            with anyio.fail_after(timeout):
                async for chunk in request.stream():
                    received += len(chunk)
                    if received > max_bytes + FORM_OVERHEAD_BYTES:
                        raise UploadError(413, f"upload too large: more than {limit_mb:g} MB")
                    parser.write(chunk)
            parser.finalize()
        except TimeoutError:
            raise UploadError(408, f"upload too slow: not complete after {timeout:g} s "
                                   f"({received} bytes received)") from None
        except UploadError:
            raise
        except Exception as err:  # a malformed multipart body or a dropped connection
            raise UploadError(400, f"malformed multipart upload: {err}") from None
        finally:
            out.close()
        if not state["found"]:
            raise UploadError(400, f"no file in the form field {field!r}")
        yield Upload(path=path, filename=display_name(state["name"]), size=state["size"])
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)
