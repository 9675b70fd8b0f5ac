"""The FastAPI application of ``mtat-tagger serve``.

Routes::

    GET  /                     the page (static/index.html; ``/?q=...`` runs the query on load)
    GET  /static/...           its CSS and JS (package data, nothing from a CDN)
    GET  /api/search?q=&top=   search --json's object, results with "id", "audio_url", "title", "artist",
                               "album", "duration" and a catalog-relative "path"; and "profile"
         /api/search?tags=     ... for an explicit tag profile "piano:1,slow:0.5,-drums" (instead of q)
         /api/search?like=     ... more like catalog song ``like`` (its top tags + joint vector; instead of q)
         ...&min_duration=&max_duration=&with=&without=
                               only songs of that length (s) having every ``with`` tag and no ``without``
                               tag (comma-separated; :mod:`tagger_cli.web.filters`); search and similar
    GET  /api/tags             {"tags": the catalog's tag names}
    GET  /api/similar?id=&top= similar --json's object for catalog song ``id``
                               (search and similar: short songs left out unless ``include_short=1``)
    GET  /api/taggram?id=      the song's taggram (top tags x time) as JSON, drawn by the page
    POST /api/predict          multipart field "file" -> predict --json's object
                               (``?taggram=1`` adds "taggram"; ``?top=N`` as predict --top)
    GET  /audio/{id}           the song's audio file, with HTTP Range (206, Content-Range); HEAD too
                               (no answer holds a server path: songs are ids and catalog-relative paths)
    GET  /model-card           the served model's card (assets.extra/model_card.html; 404 without one)
    GET  /healthz              status, catalog and model summary (``model.card_url``, ``model.thresholds``)

Every error is JSON ``{"error": message}`` with 400 (bad request), 404 (no such song / page),
408 (upload too slow), 413 (upload too large), 415 (not multipart), 422 (not audio) or 503 (model busy or absent).

Why FastAPI/Starlette + uvicorn: the routes are a thin JSON layer over NumPy/TF code that
releases the GIL, so a thread-pooled ASGI server serves searches while a model job runs;
Starlette brings a tested FileResponse with Range support and a path-safe StaticFiles, and
the raw request stream lets uploads be size-checked while they arrive. The stack needs only
pydantic 2 / anyio versions already pinned by TFX's dependencies (checked with pip).
"""
from __future__ import annotations

import mimetypes
import os
import tempfile
from importlib import resources

import anyio
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from mtat.audio import AudioError
from mtat.search.errors import SearchError
from tagger_cli.web.filters import FilterError, SongFilter
from tagger_cli.web.service import (
    MAX_TOP,
    MODEL_CARD_URL,
    PREDICT_TOP,
    BadRequest,
    Busy,
    NoModel,
    NotFound,
    WebService,
)
from tagger_cli.web.uploads import UPLOAD_TIMEOUT_S, UploadError, receive_upload

#: Content types by extension for the formats libsndfile reads (mimetypes lacks some).
AUDIO_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".flac": "audio/flac", ".ogg": "audio/ogg",
               ".oga": "audio/ogg", ".opus": "audio/ogg", ".aiff": "audio/aiff", ".aif": "audio/aiff", ".au": "audio/basic"}
#: Content types by the first bytes (a catalog file's name need not say what it is).
AUDIO_MAGIC = ((b"ID3", "audio/mpeg"), (b"\xff\xfb", "audio/mpeg"), (b"\xff\xf3", "audio/mpeg"),
               (b"\xff\xf2", "audio/mpeg"), (b"RIFF", "audio/wav"), (b"fLaC", "audio/flac"),
               (b"OggS", "audio/ogg"), (b"FORM", "audio/aiff"), (b".snd", "audio/basic"))
DEFAULT_MAX_UPLOAD_MB = 50.0
#: The one map of the service's and the libraries' exceptions to HTTP: ``{class: (status, headers)}``
#: (the first class an exception is an instance of wins).
ERROR_STATUS: dict[type[BaseException], tuple[int, dict | None]] = {
    NotFound: (404, None), BadRequest: (400, None), SearchError: (400, None), FilterError: (400, None),
    Busy: (503, {"Retry-After": "2"}), NoModel: (503, None), AudioError: (422, None)}


def audio_content_type(path: str) -> str:
    """The audio MIME type of ``path``, from its first bytes, else its extension, else audio/mpeg."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        head = b""
    for magic, ctype in AUDIO_MAGIC:
        if head.startswith(magic):
            return ctype
    ext = os.path.splitext(path)[1].lower()
    return AUDIO_TYPES.get(ext) or mimetypes.guess_type(path)[0] or "audio/mpeg"


def static_dir() -> str:
    return str(resources.files("tagger_cli.web") / "static")


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    """Every error as JSON ``{"error": message}``: the framework's, and the exceptions of :data:`ERROR_STATUS`."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, exc):
        text = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        return _error(exc.status_code, text)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request, exc):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "query")
        return _error(400, f"{where}: {first.get('msg', 'invalid request')}")

    async def mapped_error(request, exc):
        status, headers = next(v for cls, v in ERROR_STATUS.items() if isinstance(exc, cls))
        return _error(status, request.app.state.service.scrub(str(exc)), headers)

    for cls in ERROR_STATUS:
        app.add_exception_handler(cls, mapped_error)


def _add_song_routes(app: FastAPI, service: WebService) -> None:
    """Search, similar songs, taggrams and the audio files of the catalog."""

    async def song_filter(min_duration: float | None = None, max_duration: float | None = None,
                    with_tags: str | None = Query(None, alias="with"),
                    without_tags: str | None = Query(None, alias="without")) -> SongFilter:
        # async: parsed on the event loop, no thread hop for a cached answer
        return service.filter_of(min_duration, max_duration, with_tags, without_tags)

    @app.get("/api/search")
    async def api_search(q: str = "", top: int = 10, tags: str | None = None, like: str | None = None,
                         include_short: bool = False, filters: SongFilter = Depends(song_filter)):
        # a cached answer is returned on the event loop; the rest (encoder, NumPy) runs in a worker thread.
        # plain JSON types: JSONResponse, no jsonable_encoder pass
        if tags is not None or like is not None:  # an explicit profile or more like a song: NumPy only
            return JSONResponse(await anyio.to_thread.run_sync(service.explicit_search, q, tags, like, top,
                                                               include_short, filters))
        hit = service.cached_search(q, top, include_short, filters)
        return JSONResponse(hit if hit is not None
                            else await anyio.to_thread.run_sync(service.search, q, top, include_short, filters))

    @app.get("/api/tags")
    def api_tags():
        return JSONResponse(service.tags())

    @app.get("/api/similar")
    def api_similar(id: str = "", top: int = 10, include_short: bool = False,  # the API's parameter names
                    filters: SongFilter = Depends(song_filter)):
        return JSONResponse(service.similar(id, top, include_short, filters))

    @app.get("/api/taggram")
    def api_taggram(id: str = ""):
        return service.taggram(id)

    @app.api_route("/audio/{song_id}", methods=["GET", "HEAD"])
    def audio(song_id: str):  # HEAD: the same headers, no body (FileResponse sends none for HEAD)
        path = service.audio_path(song_id)
        return FileResponse(path, media_type=audio_content_type(path),
                            headers={"Cache-Control": "private, max-age=3600"})


def create_app(service: WebService, *, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB,
               upload_dir: str | None = None, upload_timeout: float = UPLOAD_TIMEOUT_S):
    """The ASGI app over ``service``. Uploads go to ``upload_dir`` (default: a fresh temporary folder)
    and must arrive within ``upload_timeout`` seconds."""
    max_bytes = int(max_upload_mb * 2 ** 20)
    uploads = upload_dir or tempfile.mkdtemp(prefix="mtat-web-uploads-")
    app = FastAPI(title="mtat-tagger", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = service
    app.state.upload_dir = uploads
    app.state.max_upload_bytes = max_bytes
    index_html = (resources.files("tagger_cli.web") / "static" / "index.html").read_text(encoding="utf-8")
    _add_error_handlers(app)

    @app.get("/", response_class=HTMLResponse)
    def page():
        return HTMLResponse(index_html, headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=static_dir()), name="static")

    @app.get("/healthz")
    def healthz():
        return {**service.health(), "max_upload_bytes": max_bytes}

    _add_song_routes(app, service)

    @app.get(MODEL_CARD_URL)
    def model_card():
        path = service.model_card()
        if path is None:
            raise NotFound("the served model has no model card" if service.tagger else "this server runs without a model")
        return FileResponse(path, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

    @app.post("/api/predict")
    async def api_predict(request: Request, top: int = PREDICT_TOP, taggram: bool = False):
        if not 1 <= top <= MAX_TOP:
            raise BadRequest(f"top must be between 1 and {MAX_TOP}, got {top}")
        if service.tagger is None:
            raise NoModel("this server runs without a model: tagging uploads is not available")
        try:
            with service.gate.admit():  # before reading the body: a refused burst costs no disk
                async with receive_upload(request, max_bytes, uploads, timeout=upload_timeout) as up:
                    return await anyio.to_thread.run_sync(
                        lambda: service.predict_file(up.path, up.filename, top, taggram))
        except UploadError as err:
            return _error(err.status, err.message, {"Connection": "close"} if err.status in (408, 413) else None)

    return app
