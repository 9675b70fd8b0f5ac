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


def _boundary(request, max_bytes: int, field: str) -> bytes:
    """The multipart boundary of ``request``, refusing a body that is not multipart (415), a bad
    (400) or too large (413) declared ``Content-Length``."""
    from python_multipart.multipart import parse_options_header

    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadError(415, f"send the audio file as multipart/form-data in the field {field!r}")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise UploadError(400, f"bad Content-Length {declared[:20]!r}")
        if int(declared) > max_bytes + FORM_OVERHEAD_BYTES:
            raise UploadError(413, f"upload too large: {int(declared) / 2 ** 20:.1f} MB, "
                                   f"the limit is {max_bytes / 2 ** 20:g} MB")
    return boundary


class _FieldWriter:
    """python-multipart callbacks writing the bytes of the first part named ``field`` to ``out``
    (at most ``max_bytes``, else 413)."""

    def __init__(self, out, field: str, max_bytes: int):
        self.out, self.field, self.max_bytes = out, field.encode(), max_bytes
        self.headers: dict[bytes, bytes] = {}
        self.header, self.value = b"", b""
        self.target = self.found = False
        self.name: bytes | None = None
        self.size = 0

    def callbacks(self) -> dict:
        return {"on_part_begin": self.on_part_begin, "on_header_field": self.on_header_field,
                "on_header_value": self.on_header_value, "on_header_end": self.on_header_end,
                "on_headers_finished": self.on_headers_finished, "on_part_data": self.on_part_data}

    def on_part_begin(self):
        self.headers = {}
        self.target = False

    def on_header_field(self, data, start, end):
        self.header += data[start:end]

    def on_header_value(self, data, start, end):
        self.value += data[start:end]

    def on_header_end(self):
        self.headers[self.header.lower()] = self.value
        self.header, self.value = b"", b""

    def on_headers_finished(self):
        from python_multipart.multipart import parse_options_header

        _, disp = parse_options_header(self.headers.get(b"content-disposition", b""))
        if disp.get(b"name") == self.field and not self.found:
            self.target = self.found = True
            self.name = disp.get(b"filename")

    def on_part_data(self, data, start, end):
        if self.target:
            self.size += end - start
            if self.size > self.max_bytes:
                raise UploadError(413, f"upload too large: more than {self.max_bytes / 2 ** 20:g} MB")
            self.out.write(data[start:end])


async def _feed(request, parser, max_bytes: int, timeout: float) -> None:
    """Stream the body of ``request`` into ``parser`` within ``timeout`` seconds (408), at most
    ``max_bytes`` plus the form's framing (413); anything else going wrong is a malformed upload (400)."""
    import anyio

    received = 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                received += len(chunk)
                if received > max_bytes + FORM_OVERHEAD_BYTES:
                    raise UploadError(413, f"upload too large: more than {max_bytes / 2 ** 20:g} MB")
                parser.write(chunk)
        parser.finalize()
    except TimeoutError:
        raise UploadError(408, f"upload too slow: not complete after {timeout:g} s "
                               f"({received} bytes received)") from None
    except UploadError:
        raise
    except Exception as err:  # a malformed multipart body or a dropped connection
        raise UploadError(400, f"malformed multipart upload: {err}") from None


@contextlib.asynccontextmanager
async def receive_upload(request, max_bytes: int, upload_dir: str | None = None, field: str = "file",
                         timeout: float = UPLOAD_TIMEOUT_S) -> AsyncIterator[Upload]:
    """Stream the multipart field ``field`` of ``request`` into a temporary file of at most ``max_bytes``,
    arriving within ``timeout`` seconds.

    Yields an :class:`Upload`; the file is deleted on exit. Raises :class:`UploadError` (408 too slow).
    """
    from python_multipart.multipart import MultipartParser

    boundary = _boundary(request, max_bytes, field)
    fd, path = tempfile.mkstemp(prefix="upload-", dir=upload_dir)
    out = os.fdopen(fd, "wb")
    writer = _FieldWriter(out, field, max_bytes)
    try:
        try:
            await _feed(request, MultipartParser(boundary, writer.callbacks()), max_bytes, timeout)
        finally:
            out.close()
        if not writer.found:
            raise UploadError(400, f"no file in the form field {field!r}")
        yield Upload(path=path, filename=display_name(writer.name), size=writer.size)
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)
