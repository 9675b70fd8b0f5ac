"""``mtat-tagger serve``: the JSON API against a real uvicorn server on 127.0.0.1 (real catalog built
with ``index``, real SavedModel, real MP3s), and the page in headless Chromium driven by Selenium."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("fastapi")

from tagger_cli.main import main  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
#: A catalog file name with markup: the page must show it as text.
MARKUP_NAME = "<img src=x onerror=alert(1)> & co.mp3"
#: The tags written into the second, third and fourth files (in path order) before indexing: {index: tags}.
FILE_TAGS = {1: {"title": "Harbour Lights", "artist": "Mira Okafor", "album": "Night Ferries"},
             2: {"title": "Glass Orchard", "artist": "Mira Okafor"},
             3: {"title": "A very long title that a phone must wrap or ellipsise at a word boundary, not mid-word"}}
UPLOAD_LIMIT_MB = 1.0


# ------------------------------------------------------------------------------------------
# fixtures: a catalog made by the real `index`, a service, a server in a thread


@pytest.fixture(scope="module")
def web_catalog(pushed_model, catalog_audio_dir, tmp_path_factory, write_tags):
    """``index`` over a copy of the shared songs, one renamed to contain HTML markup."""
    root = tmp_path_factory.mktemp("web_music")
    library = root / "music"
    shutil.copytree(catalog_audio_dir, library)
    files = sorted(library.rglob("*.mp3"))
    for k, tags in FILE_TAGS.items():
        write_tags(files[k], **tags)
    files[0].rename(files[0].with_name(MARKUP_NAME))
    out = str(root / "catalog.parquet")
    assert main(["index", str(library), "--out", out, "--model", pushed_model, "--no-progress", "--workers", "1"]) == 0
    return out


@pytest.fixture(scope="module")
def service(web_catalog, pushed_model):
    from tagger_cli.web.command import load_service

    return load_service(web_catalog, pushed_model, workers=1, queue=2)


@pytest.fixture(scope="module")
def server(service, tmp_path_factory):
    from tagger_cli.web.app import create_app
    from tagger_cli.web.server import serve_in_thread

    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app(service, max_upload_mb=UPLOAD_LIMIT_MB, upload_dir=str(uploads))
    with serve_in_thread(app) as url:
        yield SimpleNamespace(url=url, uploads=uploads, service=service, catalog=service.catalog)


def _raw_get(url: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET exactly ``path`` (no client-side normalisation of ``..`` or percent escapes)."""
    host, port = url.rsplit("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def _keys(catalog, results: list[dict]) -> list[str]:
    """The row keys of the library's ``results`` (which show the absolute paths recorded at indexing)."""
    return [catalog.keys[catalog.paths.index(r["path"])] for r in results]


def _song_file(server, song_id: int) -> Path:
    return Path(server.service.audio_path(song_id))


# ------------------------------------------------------------------------------------------
# API


def test_healthz_and_page(server):
    h = requests.get(server.url + "/healthz", timeout=30).json()
    assert h["status"] == "ok" and h["songs"] == len(server.catalog) == 12
    assert h["model"]["version"] == "1" and h["model"]["tags"] == 50 and h["embeddings"] is True
    assert h["max_upload_bytes"] == int(UPLOAD_LIMIT_MB * 2 ** 20)
    page = requests.get(server.url + "/?q=piano", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<input id="q"' in page.text and "/static/app.js" in page.text
    for name in ("app.js", "style.css"):
        r = requests.get(f"{server.url}/static/{name}", timeout=30)
        assert r.status_code == 200 and len(r.content) > 500


def test_model_card_route_serves_the_served_models_card(server, tmp_path, monkeypatch, browser):
    h = requests.get(server.url + "/healthz", timeout=30).json()
    assert h["model"]["thresholds"] is True and h["model"]["card_url"] is None  # the fixture model has no card
    r = requests.get(server.url + "/model-card", timeout=30)
    assert r.status_code == 404 and "no model card" in r.json()["error"]
    browser.get(server.url + "/")
    _wait(browser, lambda d: "songs" in _css(d, "#catalog-info")[0].text, "health loaded")
    assert not _css(browser, "#model-card")[0].is_displayed()
    card = tmp_path / "model_card.html"
    card.write_text("<!doctype html><title>card</title><h1>Model card: tagger version 1</h1>")
    monkeypatch.setattr(server.service, "model_card", lambda: str(card))
    r = requests.get(server.url + "/model-card", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "Model card" in r.text
    assert requests.get(server.url + "/healthz", timeout=30).json()["model"]["card_url"] == "/model-card"
    browser.get(server.url + "/")
    _wait(browser, lambda d: _css(d, "#model-card")[0].is_displayed(), "card link shown")
    _css(browser, "#model-card-link")[0].click()
    _wait(browser, lambda d: "Model card: tagger version 1" in d.page_source, "card page")


def test_static_files_reference_no_other_host():
    """The page must work offline: no CDN, no absolute URLs in the shipped HTML/CSS/JS."""
    from tagger_cli.web.app import static_dir

    files = sorted(Path(static_dir()).iterdir())
    assert {f.name for f in files} >= {"index.html", "app.js", "style.css"}
    for f in files:
        text = f.read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), f.name
    setup = (REPO / "setup.py").read_text()
    assert '"tagger_cli.web": ["static/*"]' in setup  # shipped by a non-editable install


@pytest.mark.parametrize("query", ["piano", "guitar slow", "relaxing beach", "guitar without vocals"])
def test_search_api_is_the_cli_search_plus_ids(server, query):
    from mtat.search import search

    got = requests.get(server.url + "/api/search", params={"q": query, "top": 5}, timeout=60).json()
    want = search(server.catalog, query, 5).to_dict()
    assert got["query"] == want["query"] and got["matched_tags"] == want["matched_tags"]
    assert [r["path"] for r in got["results"]] == _keys(server.catalog, want["results"])
    for g, w in zip(got["results"], want["results"]):
        assert g["score"] == pytest.approx(w["score"], abs=1e-6)
        assert g["tags"] == pytest.approx(w["tags"], abs=1e-6)
        assert server.catalog.keys[g["id"]] == g["path"] and g["audio_url"] == f"/audio/{g['id']}"
    scores = [r["score"] for r in got["results"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("params, fragment", [
    ({"q": "", "top": 5}, "empty query"),
    ({"q": "   "}, "empty query"),
    ({"q": "piano", "top": 0}, "top must be between 1 and"),
    ({"q": "piano", "top": 101}, "top must be between 1 and"),
    ({"q": "piano", "top": "ten"}, "top"),
    ({"q": "x" * 501}, "query too long"),
    ({"q": "-!-"}, "empty query"),  # refused by the search library (mtat.search.errors.QueryError)
])
def test_search_api_bad_requests_are_json_400(server, params, fragment):
    r = requests.get(server.url + "/api/search", params=params, timeout=30)
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    assert fragment in r.json()["error"]


def test_search_api_tags_profile_and_like(server):
    from mtat.search import search, search_like, search_profile

    cat = server.catalog

    def get(**params):
        return requests.get(server.url + "/api/search", params=params, timeout=60)

    got = get(tags="piano,slow,-drums", top=12).json()
    want = search(cat, "piano slow without drums", 12).to_dict()  # the equivalent tag query ranks the same
    assert got["route"] == want["route"] == "tags" and got["matched_tags"] == want["matched_tags"]
    assert [r["path"] for r in got["results"]] == _keys(cat, want["results"])
    assert [r["score"] for r in got["results"]] == [r["score"] for r in want["results"]]
    assert got["profile"] == got["query"] == "piano,slow,-drums"
    assert all(cat.keys[r["id"]] == r["path"] and r["audio_url"] == f"/audio/{r['id']}" for r in got["results"])
    got = get(tags="Piano:1, slow:0.5,-drums", top=5).json()
    want = search_profile(cat, "piano,slow:0.5,-drums", 5).to_dict()
    assert got["profile"] == "piano,slow:0.5,-drums" and got["matched_tags"][1] == {"tag": "slow", "similarity": 0.5}
    assert [r["path"] for r in got["results"]] == _keys(cat, want["results"])
    assert get(q="piano slow without drums").json()["profile"] == "piano,slow,-drums"  # what tags= takes
    got = get(like=4, top=20).json()
    want = search_like(cat, 4, 20).to_dict()
    assert got["like"]["id"] == 4 and got["like"]["path"] == cat.keys[4] and got["route"] in ("tags", "fused")
    assert [m["tag"] for m in got["matched_tags"]] == list(cat.top_tags(4, 5))
    assert [r["path"] for r in got["results"]] == _keys(cat, want["results"])
    assert len(got["results"]) == 11 and 4 not in [r["id"] for r in got["results"]]
    assert requests.get(server.url + "/api/tags", timeout=30).json() == {"tags": list(cat.tags)}


@pytest.mark.parametrize("params, fragment", [
    ({"tags": "piano,kazooka:2"}, "unknown tag 'kazooka' in 'kazooka:2'"),
    ({"tags": ""}, "empty tag profile"),
    ({"tags": "piano:loud"}, "bad weight in 'piano:loud'"),
    ({"tags": "piano:-1"}, "a weight must be a positive number"),
    ({"tags": "piano,-piano"}, "tag 'piano' given twice"),
    ({"tags": "piano", "top": 0}, "top must be between 1 and"),
    ({"like": "12"}, "like: no song 12 in the catalog"),
    ({"like": "abc"}, "like: no song 'abc' in the catalog"),
    ({"like": ""}, "like: no song ''"),
    ({"q": "piano", "tags": "piano"}, "give one of q, tags or like, not q and tags"),
    ({"tags": "piano", "like": "1"}, "not tags and like"),
])
def test_search_api_bad_profile_or_song_is_json_400(server, params, fragment):
    r = requests.get(server.url + "/api/search", params=params, timeout=30)
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    assert fragment in r.json()["error"], r.json()


def test_results_say_title_artist_album_and_duration(server):
    """The files' own tags (read at index time) and each song's length come with every result."""
    res = requests.get(server.url + "/api/search", params={"q": "guitar", "top": 12}, timeout=60).json()
    assert len(res["results"]) == 12
    for r in res["results"]:
        assert set(r) >= {"id", "path", "title", "artist", "album", "duration", "audio_url"}
        assert r["duration"] == pytest.approx(29.1, abs=0.2)
    titled = {r["title"]: r for r in res["results"] if r["title"]}
    assert set(titled) == {t["title"] for t in FILE_TAGS.values()}
    for tags in FILE_TAGS.values():
        got = titled[tags["title"]]
        assert (got["artist"], got["album"]) == (tags.get("artist"), tags.get("album"))
    untitled = [r for r in res["results"] if not r["title"]]
    assert all(r["artist"] is None and r["album"] is None for r in untitled) and len(untitled) == 9
    song = titled["Harbour Lights"]["id"]
    similar = requests.get(server.url + "/api/similar", params={"id": song}, timeout=30).json()
    assert similar["song"]["title"] == "Harbour Lights" and similar["song"]["artist"] == "Mira Okafor"
    assert all("duration" in r and "title" in r for r in similar["results"])
    like = requests.get(server.url + "/api/search", params={"like": song}, timeout=30).json()
    assert like["like"]["title"] == "Harbour Lights" and like["like"]["path"] == server.catalog.keys[song]


def test_no_answer_holds_a_server_path(server):
    """Songs are ids and catalog-relative paths: no answer (results, errors, health, taggram) names the
    catalog's absolute root, the catalog file's folder or the model's folder."""
    cat = server.catalog
    root = cat.meta["root"]
    secrets = {root, os.path.realpath(root), os.path.dirname(os.path.abspath(cat.source)),
               os.path.dirname(server.service.tagger.model_dir)}
    gets = [("/healthz", {}), ("/api/tags", {}), ("/api/search", {"q": "piano", "top": 12}),
            ("/api/search", {"q": "rainy night by the sea", "top": 12}), ("/api/search", {"tags": "piano,-drums"}),
            ("/api/search", {"like": 2, "top": 12}), ("/api/similar", {"id": 2, "top": 12}),
            ("/api/taggram", {"id": 2}), ("/api/similar", {"id": 99}), ("/api/search", {"like": 99}),
            ("/api/search", {"tags": "kazooka"}), ("/audio/99", {}), ("/api/search", {"q": "x" * 600})]
    for route, params in gets:
        r = requests.get(server.url + route, params=params, timeout=120)
        for secret in secrets:
            assert secret not in r.text, (route, params, secret, r.text[:300])
    for r in requests.get(server.url + "/api/search", params={"q": "piano", "top": 12}, timeout=30).json()["results"]:
        assert not os.path.isabs(r["path"]) and r["path"] == cat.keys[r["id"]]
    # an error about a song's file names it by its catalog path
    service = server.service
    gone = service.scrub(f"cannot decode {root}/0/x.mp3 (in {cat.source})")
    assert root not in gone and "0/x.mp3" in gone and os.path.basename(cat.source) in gone


def test_audio_answers_head_like_get_without_a_body(server):
    body = _song_file(server, 3).read_bytes()
    r = requests.head(server.url + "/audio/3", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg" and r.content == b""
    assert int(r.headers["content-length"]) == len(body) and r.headers["accept-ranges"] == "bytes"
    get = requests.get(server.url + "/audio/3", timeout=30)
    assert {k: get.headers[k] for k in ("content-type", "content-length", "etag", "last-modified")} == {
        k: r.headers[k] for k in ("content-type", "content-length", "etag", "last-modified")}
    assert requests.head(server.url + "/audio/99", timeout=30).status_code == 404


def _split_tag(catalog) -> str:
    """A tag that applies to some of the catalog's songs but not all (the most balanced one)."""
    counts = {t: sum(t in a for a in catalog.applies) for t in catalog.tags}
    return min(counts, key=lambda t: abs(counts[t] - len(catalog) / 2))


def test_search_and_similar_filters(server):
    """with= / without= keep the songs a tag applies to (or not), min/max_duration their length: a filtered
    answer is the unfiltered ranking with the other songs left out."""
    cat = server.catalog
    tag = _split_tag(cat)

    def get(route="/api/search", **params):
        r = requests.get(server.url + route, params=params, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    full = [r["id"] for r in get(q="guitar", top=12)["results"]]
    has = [i for i in full if tag in cat.applies[i]]
    assert 0 < len(has) < 12
    res = get(q="guitar", top=12, **{"with": tag})
    assert [r["id"] for r in res["results"]] == has and res["filters"]["with"] == [tag]
    assert [r["id"] for r in get(q="guitar", top=2, **{"with": tag})["results"]] == has[:2]
    assert [r["id"] for r in get(q="guitar", top=12, without=tag)["results"]] == [i for i in full if i not in has]
    assert [r["id"] for r in get(tags="piano,-drums", top=12, **{"with": tag})["results"]] == [
        r["id"] for r in get(tags="piano,-drums", top=12)["results"] if r["id"] in has]
    assert get(q="guitar", top=12, min_duration=30)["results"] == []  # every song is 29.1 s
    assert [r["id"] for r in get(q="guitar", top=12, min_duration=20, max_duration=30)["results"]] == full
    sim = [r["id"] for r in get("/api/similar", id=full[0], top=11)["results"]]
    assert [r["id"] for r in get("/api/similar", id=full[0], top=11, without=tag)["results"]] == [
        i for i in sim if i not in has]
    for params, fragment in (({"with": "kazooka"}, "with: unknown tag 'kazooka'"),
                             ({"min_duration": 60, "max_duration": 30}, "is above max_duration"),
                             ({"min_duration": -1}, "min_duration must be"), ({"with": tag, "without": tag}, "both"),
                             ({"max_duration": "long"}, "max_duration")):
        r = requests.get(server.url + "/api/search", params={"q": "guitar", **params}, timeout=30)
        assert r.status_code == 400 and fragment in r.json()["error"], (params, r.text)


@pytest.mark.parametrize("query, named", [
    ("Harbour Lights", {"Harbour Lights": ["title"]}),
    ("songs by mira okafor", {"Harbour Lights": ["artist"], "Glass Orchard": ["artist"]}),
    ("NIGHT FERRIES piano", {"Harbour Lights": ["album"]}),
    ("glass orchard by Mira Okafor", {"Glass Orchard": ["title", "artist"], "Harbour Lights": ["artist"]}),
    ("harbour", {}),  # part of a name names nothing
])
def test_a_query_naming_a_title_artist_or_album_finds_it(server, query, named):
    res = requests.get(server.url + "/api/search", params={"q": query, "top": 12}, timeout=60).json()
    first = res["results"][:len(named)]
    assert {r["title"]: r["named"] for r in first} == named, res["results"][:3]
    assert res.get("named", 0) == len(named) and not any("named" in r for r in res["results"][len(named):])
    assert len(res["results"]) == 12 and len({r["id"] for r in res["results"]}) == 12
    # otherwise the library's ranking order (named songs among themselves too); filters and top= apply after
    from mtat.search import search

    ranking = _keys(server.catalog, search(server.catalog, query, 12).to_dict()["results"])
    named_keys = {r["path"] for r in first}
    want = [k for k in ranking if k in named_keys] + [k for k in ranking if k not in named_keys]
    assert [r["path"] for r in res["results"]] == want
    filtered = requests.get(server.url + "/api/search", params={"q": query, "top": 12, "max_duration": 1000},
                            timeout=60).json()["results"]
    assert [r["path"] for r in filtered] == want
    top1 = requests.get(server.url + "/api/search", params={"q": query, "top": 1}, timeout=60).json()["results"]
    assert [r["id"] for r in top1] == [res["results"][0]["id"]]


def test_name_words_ignore_case_accents_and_punctuation():
    from tagger_cli.web.names import words

    assert words("Beyoncé – Halo (Live)") == ("beyonce", "halo", "live") == words("BEYONCE halo, live!")
    assert words("AC/DC") == ("ac", "dc") and words("snake_case") == ("snake", "case") and words("  ") == ()


def test_audio_is_served_with_ranges(server):
    body = _song_file(server, 3).read_bytes()
    r = requests.get(server.url + "/audio/3", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg"
    assert r.headers["accept-ranges"] == "bytes" and r.content == body
    r = requests.get(server.url + "/audio/3", headers={"Range": "bytes=100-1123"}, timeout=30)
    assert r.status_code == 206 and r.content == body[100:1124]
    assert r.headers["content-range"] == f"bytes 100-1123/{len(body)}"
    r = requests.get(server.url + "/audio/3", headers={"Range": "bytes=-200"}, timeout=30)
    assert r.status_code == 206 and r.content == body[-200:]
    r = requests.get(server.url + "/audio/3", headers={"Range": f"bytes={len(body)}-"}, timeout=30)
    assert r.status_code == 416


@pytest.mark.parametrize("path", [
    "/audio/../../../../etc/passwd", "/audio/..%2f..%2f..%2fetc%2fpasswd", "/audio/%2e%2e/%2e%2e/etc/passwd",
    "/audio/%2Fetc%2Fpasswd", "/audio//etc/passwd", "/audio/-1", "/audio/12", "/audio/1.0", "/audio/0x1",
    "/audio/%EF%BC%91", "/audio/99999999999999999999", "/audio/0/../../etc/passwd", "/audio/",
    "/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py", "/static/%2e%2e%2f%2e%2e%2fmain.py",
    "/static//etc/passwd", "/static/../../catalog.py", "/../../etc/passwd", "/etc/passwd",
])
def test_nothing_outside_the_catalog_is_served(server, path):
    status, headers, body = _raw_get(server.url, path)
    assert status == 404, (path, status, body[:200])
    assert b"root:" not in body and b"import " not in body
    assert headers["content-type"] == "application/json" and "error" in json.loads(body)


def test_audio_by_absolute_catalog_path_is_refused(server):
    path = str(_song_file(server, 2))
    status, _, body = _raw_get(server.url, "/audio/" + requests.utils.quote(path, safe=""))
    assert status == 404 and b"ID3" not in body


def test_similar_api_is_rank_similar_without_the_song(server):
    from mtat.search.similar import rank_similar

    cat = server.catalog
    got = requests.get(server.url + "/api/similar", params={"id": 4, "top": 20}, timeout=30).json()
    want = [r.to_dict() for r in rank_similar(cat, cat.embeddings[4], 20, exclude=4)]
    assert got["file"] == cat.keys[4] and got["id"] == 4
    assert [r["id"] for r in got["results"]] == [cat.paths.index(r["path"]) for r in want]
    assert [r["similarity"] for r in got["results"]] == pytest.approx([r["similarity"] for r in want], abs=1e-6)
    assert len(got["results"]) == 11 and 4 not in [r["id"] for r in got["results"]]
    for bad, status in (("12", 404), ("-1", 404), ("abc", 404), ("../0", 404)):
        r = requests.get(server.url + "/api/similar", params={"id": bad}, timeout=30)
        assert r.status_code == status and "no song" in r.json()["error"]


def test_taggram_api(server):
    t = requests.get(server.url + "/api/taggram", params={"id": 1}, timeout=120).json()
    values = np.asarray(t["values"])
    assert values.shape == (len(t["tags"]), len(t["starts"])) and len(t["tags"]) == 12
    assert np.all((values >= 0) & (values <= 1)) and 15 <= len(t["starts"]) <= 25  # 29 s at 1.5 s hops
    # rows are the clip's most probable tags, in the order of the catalog's clip-level probabilities
    probs = server.catalog.probabilities[1]
    assert t["probabilities"] == pytest.approx(sorted(probs, reverse=True)[:12], abs=1e-3)
    assert t["duration"] == pytest.approx(29.1, abs=0.2)


def _post_file(url: str, name: str, data: bytes, **params):
    return requests.post(url + "/api/predict", params=params, files={"file": (name, data, "application/octet-stream")},
                         timeout=300)


def test_predict_api_is_predict_json(server, capsys, pushed_model):
    song = _song_file(server, 5)
    r = _post_file(server.url, "my song.mp3", song.read_bytes())
    assert r.status_code == 200, r.text
    got = r.json()
    assert main(["predict", str(song), "--model", pushed_model, "--json"]) == 0
    want = json.loads(capsys.readouterr().out.strip())
    assert got["path"] == "my song.mp3" and set(got) == {"path", "tags", "top", "applies"}
    assert got["applies"] == want["applies"]  # the tags at or above the model's thresholds, as predict --json
    assert list(got["tags"]) == list(want["tags"]) or got["tags"] == pytest.approx(want["tags"], abs=1e-5)
    assert got["tags"] == pytest.approx(want["tags"], abs=1e-5) and len(got["top"]) == 10
    # the catalog (index) agrees too
    row = server.catalog.paths.index(str(song)) if str(song) in server.catalog.paths else 5
    assert [got["tags"][t] for t in server.catalog.tags] == pytest.approx(server.catalog.probabilities[row], abs=1e-4)
    r = _post_file(server.url, "x.mp3", song.read_bytes(), taggram=1, top=3)
    t = r.json()["taggram"]
    assert len(r.json()["top"]) == 3 and np.asarray(t["values"]).shape == (12, len(t["starts"]))
    # the client's file name is only shown (base name), never used as a path
    r = _post_file(server.url, "../../etc/evil.mp3", song.read_bytes(), top=1)
    assert r.status_code == 200 and r.json()["path"] == "evil.mp3"
    assert not any(server.uploads.iterdir()), "temporary upload files left behind"


def test_upload_display_name_is_a_printable_base_name():
    from tagger_cli.web.uploads import MAX_NAME_CHARS, display_name

    assert display_name(b"../../etc/evil\r\n.mp3") == "evil.mp3"
    assert display_name(b"C:\\Users\\me\\song.flac") == "song.flac"
    assert display_name("caf\u00e9 \u266b.mp3".encode()) == "caf\u00e9 \u266b.mp3"
    assert display_name(b"\xff\xfe.wav") == "\ufffd\ufffd.wav"
    assert display_name(None) == display_name(b"../") == "upload"
    assert len(display_name(b"a" * 1000)) == MAX_NAME_CHARS


def test_predict_rejects_bad_uploads_with_json_errors(server):
    r = _post_file(server.url, "notes.mp3", b"these are not the droids " * 40)
    assert r.status_code == 422 and "not decodable as audio" in r.json()["error"]
    assert "notes.mp3" in r.json()["error"] and str(server.uploads) not in r.json()["error"]
    r = _post_file(server.url, "notes.mp3", b"still not audio " * 40, taggram=1)
    assert r.status_code == 422 and "notes.mp3" in r.json()["error"] and "upload-" not in r.json()["error"]
    r = _post_file(server.url, "empty.wav", b"")
    assert r.status_code == 422 and "empty" in r.json()["error"]
    r = requests.post(server.url + "/api/predict", data=b"abc", headers={"Content-Type": "audio/mpeg"}, timeout=30)
    assert r.status_code == 415 and "multipart/form-data" in r.json()["error"]
    r = requests.post(server.url + "/api/predict", files={"other": ("a.mp3", b"123")}, timeout=30)
    assert r.status_code == 400 and "no file" in r.json()["error"]
    r = requests.post(server.url + "/api/predict", data=b"--xx\r\ngarbage", timeout=30,
                      headers={"Content-Type": "multipart/form-data; boundary=xx"})
    assert r.status_code == 400 and "error" in r.json()
    big = os.urandom(int(UPLOAD_LIMIT_MB * 2 ** 20) + 1)
    r = _post_file(server.url, "big.mp3", big)
    assert r.status_code == 413 and "too large" in r.json()["error"]
    assert requests.get(server.url + "/healthz", timeout=30).json()["model_jobs"]["admitted"] == 0
    assert not any(server.uploads.iterdir()), "temporary upload files left behind"


def test_upload_limit_is_enforced_while_the_body_streams(server):
    """A chunked upload with no Content-Length: the server answers 413 once the limit is passed, while
    the client still has (much) more to send; it does not wait for the whole body."""
    host, port = server.url.rsplit("//", 1)[1].split(":")
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"endless.mp3\"\r\n"
            "Content-Type: audio/mpeg\r\n\r\n").encode()
    chunk = b"\x00" * 65536
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall((f"POST /api/predict HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n").encode())
        s.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        s.settimeout(0.05)
        reply = b""
        try:
            while sent < 20 * 2 ** 20 and b"\r\n\r\n" not in reply:  # would stream 20 MB against a 1 MB limit
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                try:
                    reply += s.recv(65536)
                except TimeoutError:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.settimeout(10)
        try:
            while b"\r\n\r\n" not in reply:
                data = s.recv(65536)
                if not data:
                    break
                reply += data
        except (TimeoutError, ConnectionResetError):
            pass
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert sent < 4 * 2 ** 20, f"the server let the client send {sent} bytes past a {UPLOAD_LIMIT_MB} MB limit"
    time.sleep(0.2)
    assert not any(server.uploads.iterdir())


def test_model_jobs_are_bounded_503_when_full(server):
    gate = server.service.gate
    song = _song_file(server, 6).read_bytes()
    holds = [gate.admit() for _ in range(gate.workers + gate.queue)]
    for h in holds:
        h.__enter__()
    try:
        r = _post_file(server.url, "a.mp3", song)
        assert r.status_code == 503 and "busy" in r.json()["error"] and r.headers["retry-after"]
        r = requests.get(server.url + "/api/taggram", params={"id": 7}, timeout=30)
        assert r.status_code == 503
    finally:
        for h in holds:
            h.__exit__(None, None, None)
    assert _post_file(server.url, "a.mp3", song).status_code == 200


def test_concurrent_requests_give_the_sequential_answers(server):
    """Searches (shared text encoder) and uploads (shared TF model) at once: every answer equals the
    one-at-a-time answer; uploads beyond workers + queue get 503, never a wrong result."""
    queries = ["piano", "relaxing beach", "fast drums", "guitar without vocals", "dark night", "classical violin"]
    want = {q: requests.get(server.url + "/api/search", params={"q": q}, timeout=60).json() for q in queries}
    song = _song_file(server, 8).read_bytes()
    ref = _post_file(server.url, "s.mp3", song).json()
    server.service.clear_search_cache()  # the concurrent searches below really run (encoder included)

    def search(q):
        return q, requests.get(server.url + "/api/search", params={"q": q}, timeout=60).json()

    with ThreadPoolExecutor(12) as pool:
        uploads = [pool.submit(_post_file, server.url, "s.mp3", song) for _ in range(6)]
        found = list(pool.map(search, queries * 4))
        answers = [u.result() for u in uploads]
    for q, got in found:
        assert [r["path"] for r in got["results"]] == [r["path"] for r in want[q]["results"]]  # both the API's
        assert [r["score"] for r in got["results"]] == pytest.approx([r["score"] for r in want[q]["results"]], abs=1e-6)
    codes = sorted(a.status_code for a in answers)
    assert set(codes) <= {200, 503} and codes.count(200) >= server.service.gate.workers + server.service.gate.queue
    for a in answers:
        if a.status_code == 200:
            assert a.json()["tags"] == pytest.approx(ref["tags"], abs=1e-5)


@pytest.mark.slow
def test_serve_command_starts_on_loopback(web_catalog, pushed_model, tmp_path):
    """The real ``mtat-tagger serve`` process: loads, binds 127.0.0.1 by default, answers, stops on SIGINT."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "tagger_cli", "serve", "--catalog", web_catalog, "--model",
                             pushed_model, "--port", "0"], stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        url = None
        deadline = time.monotonic() + 180
        lines = []
        while time.monotonic() < deadline and url is None:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"on (http://[\d.]+:\d+)/", line)
            url = m.group(1) if m else None
        assert url and url.startswith("http://127.0.0.1:"), "".join(lines)
        h = requests.get(url + "/healthz", timeout=30).json()
        assert h["songs"] == 12 and h["model"]["version"] == "1" and h["model"]["name"] == "tagger"
        r = requests.get(url + "/api/search", params={"q": "piano", "top": 2}, timeout=30)
        assert r.status_code == 200 and len(r.json()["results"]) == 2
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode in (0, -signal.SIGINT, 130)
    bad = subprocess.run([sys.executable, "-m", "tagger_cli", "serve", "--catalog", str(tmp_path / "none.parquet")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: catalog not found")


# ------------------------------------------------------------------------------------------
# the page in headless Chromium (Debian's chromium + chromium-driver; Selenium downloads nothing)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 90


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("needs Debian's chromium and chromium-driver (.ci/run installs them)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1280,1400", "--no-first-run",
                "--disable-extensions"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(lambda d: condition(d), message)


def _css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _songs(driver) -> list:
    return _css(driver, "#results li.song")


def _update_screenshot(shot: Path, name: str) -> None:
    """With ``MTAT_UPDATE_SCREENSHOT=1``, copy the PNG ``shot`` to ``docs/<name>`` (the docs' pictures of the page)."""
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("MTAT_UPDATE_SCREENSHOT") == "1":
        shutil.copy(shot, REPO / "docs" / name)


def _name(result: dict) -> str:
    """What the page calls a song: its title tag, else its file name."""
    return result["title"] or os.path.basename(result["path"])


def _no_script_errors(driver) -> None:
    errors = [e for e in driver.get_log("browser") if e.get("source") == "javascript" or "Uncaught" in e["message"]]
    assert not errors, errors


def test_browser_typing_a_query_shows_results(server, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url + "/")
    _wait(browser, lambda d: "12 songs" in _css(d, "#catalog-info")[0].text, "catalog info")
    box = _css(browser, "#q")[0]
    box.send_keys("piano slow", Keys.ENTER)  # Enter submits
    _wait(browser, lambda d: len(_songs(d)) == 10, "10 results")
    assert "q=piano+slow" in browser.current_url
    want = requests.get(server.url + "/api/search", params={"q": "piano slow", "top": 10}, timeout=30).json()
    titles = [s.find_element("css selector", ".title").text for s in _songs(browser)]
    assert titles == [_name(r) for r in want["results"]]
    first = _songs(browser)[0]
    score = first.find_element("css selector", ".score")
    assert score.text == f"{want['results'][0]['score']:.2f}"
    assert score.get_attribute("title").startswith(f"Score {want['results'][0]['score']:.3f}: how well the song matches")
    # the song's most probable tags as chips, those that apply (at or above their threshold) marked
    for song, result in zip(_songs(browser), want["results"]):
        shown = [c.text for c in song.find_elements("css selector", ".tags .tag-chip")]
        assert shown == list(result["tags"])[:4]
        marked = [c.text for c in song.find_elements("css selector", ".tags .tag-chip.applies")]
        assert marked == [t for t in shown if t in result["applies"]]
        assert song.find_element("css selector", ".duration").text == "0:29"
    assert [c.text for c in _css(browser, "#matched .chip .chip-label")] == [
        ("without " if m.get("negated") else "") + f"{m['tag']} {m['similarity']:.2f}" for m in want["matched_tags"]]
    # every song listed, one has markup in its name: shown as text, never parsed as HTML
    box = _css(browser, "#q")[0]
    box.clear()
    box.send_keys("guitar", Keys.ENTER)
    _wait(browser, lambda d: len(_songs(d)) == 10 and _css(d, "#load-more")[0].is_displayed(), "10 results")
    _css(browser, "#load-more")[0].click()
    _wait(browser, lambda d: len(_songs(d)) == 12 and "top=20" in d.current_url, "12 results")
    assert not _css(browser, "#load-more")[0].is_displayed()  # no more songs
    titles = [s.find_element("css selector", ".title").text for s in _songs(browser)]
    assert MARKUP_NAME in titles and not _css(browser, "#results img")
    # a bad query is a readable error, not a broken page
    browser.get(server.url + "/?q=" + "x" * 600)
    _wait(browser, lambda d: "search failed: query too long" in _css(d, "#status")[0].text, "error shown")
    _no_script_errors(browser)


def _player(driver) -> dict:
    """The page's audio elements and the one player's state, read in one script."""
    return driver.execute_script(
        "const a = document.getElementById('player-audio');"
        "return {audios: document.querySelectorAll('audio').length, src: a.getAttribute('src'), paused: a.paused,"
        "        time: a.currentTime, duration: a.duration, shown: !document.getElementById('player').hidden,"
        "        title: document.getElementById('player-title').textContent,"
        "        pressed: [...document.querySelectorAll('#results .play-button[aria-pressed=true]')]"
        "                 .map(b => b.closest('li').dataset.id)};")


def test_browser_one_player_plays_one_song_and_stays(server, browser):
    """One player bar for the whole page: a row's play button puts its song in it (the previous one stops),
    and it keeps playing while another search replaces the rows."""
    browser.get(server.url + "/?q=piano")
    _wait(browser, lambda d: len(_songs(d)) == 10, "results")
    assert _player(browser)["audios"] == 1 and not _player(browser)["shown"]
    first, second = _songs(browser)[:2]
    a, b = first.get_attribute("data-id"), second.get_attribute("data-id")
    first.find_element("css selector", ".play-button").click()
    _wait(browser, lambda d: _player(d)["src"] == f"/audio/{a}" and not _player(d)["paused"], "first song plays")
    _wait(browser, lambda d: _player(d)["pressed"] == [a], "its button shows it")
    second.find_element("css selector", ".play-button").click()
    _wait(browser, lambda d: _player(d)["src"] == f"/audio/{b}" and not _player(d)["paused"], "second song plays")
    # paused turns false on play(); the length is known only once the browser has read the file's header
    _wait(browser, lambda d: (_player(d)["duration"] or 0) > 0, "its length is known")
    state = _player(browser)
    assert state["audios"] == 1 and state["pressed"] == [b] and state["shown"]
    want = next(r for r in requests.get(server.url + "/api/search", params={"q": "piano"}, timeout=30).json()["results"]
                if str(r["id"]) == b)
    assert state["title"] == _name(want) and state["duration"] == pytest.approx(29.1, abs=0.6)
    # a new search: the rows change, the player plays on
    box = _css(browser, "#q")[0]
    box.clear()
    box.send_keys("guitar\n")
    _wait(browser, lambda d: "q=guitar" in d.current_url and "for “guitar”" in _css(d, "#status")[0].text, "new results")
    t0 = _player(browser)["time"]
    _wait(browser, lambda d: _player(d)["time"] > t0 + 0.3, "still playing")
    assert _player(browser)["src"] == f"/audio/{b}" and _player(browser)["audios"] == 1
    # the row of the playing song (if listed) shows it; pausing in the row pauses the player
    row = next((s for s in _songs(browser) if s.get_attribute("data-id") == b), None)
    if row is not None:
        _wait(browser, lambda d: _player(d)["pressed"] == [b], "its row shows it")
        row.find_element("css selector", ".play-button").click()
        _wait(browser, lambda d: _player(d)["paused"] and _player(d)["pressed"] == [], "paused")
    else:
        browser.execute_script("document.getElementById('player-audio').pause()")
    # the browser decodes and seeks the served file (Range requests)
    position = browser.execute_async_script(
        "const done = arguments[arguments.length - 1], a = document.getElementById('player-audio');"
        "a.addEventListener('seeked', () => done(a.currentTime), {once: true}); a.currentTime = 20;")
    assert position == pytest.approx(20, abs=0.5)
    status, ctype, crange = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {headers: {Range: 'bytes=0-1023'}})"
        ".then(r => done([r.status, r.headers.get('content-type'), r.headers.get('content-range')]));", f"/audio/{b}")
    assert status == 206 and ctype == "audio/mpeg" and crange.startswith("bytes 0-1023/")
    _no_script_errors(browser)


def test_browser_taggram_click_seeks_and_its_playhead_follows(server, browser):
    browser.get(server.url + "/?q=piano")
    _wait(browser, lambda d: len(_songs(d)) == 10, "results")
    row = _songs(browser)[2]
    song = row.get_attribute("data-id")
    row.find_element("css selector", ".taggram-button").click()
    canvas = row.find_element("css selector", "canvas.taggram")
    _wait(browser, lambda d: int(canvas.get_attribute("data-columns") or 0) > 10, "taggram drawn")
    head = row.find_element("css selector", ".playhead")
    assert not head.is_displayed()  # the player holds no song yet
    geometry = browser.execute_script(
        "const c = arguments[0], r = c.getBoundingClientRect();"
        "return {w: r.width, h: r.height, scale: r.width / c.width, left: +c.dataset.plotLeft,"
        "        plot: +c.dataset.plotWidth, duration: +c.dataset.duration};", canvas)
    assert geometry["duration"] == pytest.approx(29.1, abs=0.2)
    from selenium.webdriver.common.action_chains import ActionChains

    def click_at(fraction: float) -> None:
        x = (geometry["left"] + fraction * geometry["plot"]) * geometry["scale"]
        ActionChains(browser).move_to_element_with_offset(canvas, int(round(x - geometry["w"] / 2)), 0).click().perform()

    click_at(0.5)  # plays this song from the middle
    _wait(browser, lambda d: _player(d)["src"] == f"/audio/{song}" and not _player(d)["paused"], "plays")
    assert _player(browser)["time"] == pytest.approx(0.5 * geometry["duration"], abs=1.5)
    _wait(browser, lambda d: head.is_displayed(), "playhead shown")

    def head_at() -> tuple[float, float]:
        return browser.execute_script(
            "const h = arguments[0], c = arguments[1];"
            "return [h.getBoundingClientRect().left - c.getBoundingClientRect().left + 1, +h.dataset.time];", head, canvas)

    x, t = head_at()
    want_x = (geometry["left"] + t / geometry["duration"] * geometry["plot"]) * geometry["scale"]
    assert x == pytest.approx(want_x, abs=2) and t == pytest.approx(0.5 * geometry["duration"], abs=2)
    _wait(browser, lambda d: head_at()[1] > t + 0.5, "the playhead moves with the music")
    click_at(0.1)  # seeks back within the same song
    _wait(browser, lambda d: _player(d)["time"] < 0.1 * geometry["duration"] + 1.5, "seeked back")
    assert _player(browser)["src"] == f"/audio/{song}"
    _wait(browser, lambda d: head_at()[1] < 0.1 * geometry["duration"] + 1.5, "playhead back")
    browser.execute_script("document.getElementById('player-audio').pause()")
    _no_script_errors(browser)


def _guitar_results_at(browser, server, width: int, height: int, top: int = 10) -> None:
    """The page at ``width`` x ``height`` showing the ``top`` results of "guitar"."""
    browser.set_window_size(width, height)
    browser.get(server.url + f"/?q=guitar&top={top}")
    _wait(browser, lambda d: len(_songs(d)) == top, f"results at {width} x {height}")


def _shot(browser, tmp_path, name: str) -> None:
    """A screenshot of the page, kept as ``docs/<name>`` when screenshots are being updated."""
    browser.save_screenshot(str(tmp_path / name))
    _update_screenshot(tmp_path / name, name)


def test_browser_rows_fit_a_desktop_screen_and_a_phone(server, browser, tmp_path):
    """At 1400 x 1000 the ten results of a search are all on screen with their titles, lengths and tags;
    on a 390 px phone the rows stay readable: nothing wider than the screen, titles wrapped at words."""
    try:
        _guitar_results_at(browser, server, 1400, 1000)
        rows = browser.execute_script(
            "return [...document.querySelectorAll('#results li.song')].map(li => {"
            "  const r = li.getBoundingClientRect(), vis = (e) => { const b = e.getBoundingClientRect();"
            "    return b.width > 0 && b.top >= 0 && b.bottom <= window.innerHeight; };"
            "  return {h: r.height, title: vis(li.querySelector('.title')), dur: vis(li.querySelector('.duration')),"
            "          tags: [...li.querySelectorAll('.tag-chip')].filter(vis).length,"
            "          text: li.querySelector('.title').textContent, d: li.querySelector('.duration').textContent};"
            "});")
        assert all(r["title"] and r["dur"] and r["tags"] >= 3 for r in rows), rows
        assert all(r["d"] == "0:29" and r["text"] for r in rows) and max(r["h"] for r in rows) < 60
        # the player bar (playing the third song) covers none of the ten rows
        _songs(browser)[2].find_element("css selector", ".play-button").click()
        _wait(browser, lambda d: _player(d)["shown"] and _player(d)["time"] > 1, "playing")
        browser.execute_script("document.getElementById('player-audio').pause()")
        bar_top = browser.execute_script("return document.getElementById('player').getBoundingClientRect().top")
        last = browser.execute_script("return [...document.querySelectorAll('#results li.song')].pop()"
                                      ".getBoundingClientRect().bottom")
        assert last <= bar_top, (last, bar_top)
        _shot(browser, tmp_path, "web.png")
        _guitar_results_at(browser, server, 390, 844, top=len(server.catalog))  # every song: the long title too
        layout = browser.execute_script(
            "const t = [...document.querySelectorAll('#results .title')];"
            "return {overflow: document.documentElement.scrollWidth - window.innerWidth,"
            "  first: document.querySelector('#results li.song').getBoundingClientRect().top,"
            "  cut: t.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent),"
            "  wrap: t.map(e => getComputedStyle(e)).map(c => [c.whiteSpace, c.wordBreak, c.overflowWrap]),"
            "  clamp: [...new Set(t.map(e => getComputedStyle(e).webkitLineClamp))],"
            "  long: t.filter(e => e.textContent.startsWith('A very long')).map(e => e.getBoundingClientRect().height"
            "         / parseFloat(getComputedStyle(e).lineHeight))};")
        _shot(browser, tmp_path, "web-phone.png")
        assert layout["overflow"] <= 0, layout
        assert layout["first"] < 480, f"the first result starts {layout['first']:.0f} px down"
        # never broken mid-word: wrapped at spaces and hyphens, a name without them ellipsised after two lines
        assert all(w == ["normal", "normal", "normal"] for w in layout["wrap"]), layout
        assert all(" " not in name for name in layout["cut"]) and layout["clamp"] == ["2"], layout
        assert len(layout["long"]) == 1 and layout["long"][0] == pytest.approx(2, abs=0.2)  # two lines, whole words
    finally:
        browser.set_window_size(1280, 1400)
    _no_script_errors(browser)


def test_browser_filters_tags_by_click_and_length_in_the_url(server, browser):
    from selenium.webdriver.support.ui import Select

    cat = server.catalog
    browser.get(server.url + "/?q=guitar&top=20")
    _wait(browser, lambda d: len(_songs(d)) == 12, "results")
    assert not _css(browser, "#tag-filters")[0].is_displayed()
    tag = _split_tag(cat)
    chip = next(c for c in _css(browser, "#results .tag-chip") if c.get_attribute("data-tag") == tag)
    chip.click()  # only songs with the tag
    _wait(browser, lambda d: f"with={tag.replace(' ', '+')}" in d.current_url, "with= in the URL")
    want = _api_ids(server, q="guitar", **{"with": tag})
    _wait(browser, lambda d: _ids(d) == want, "the filtered results")
    assert all(tag in cat.applies[int(i)] for i in want) and len(want) < 10
    label = _css(browser, "#tag-filters .filter-label")
    assert [x.text for x in label] == [f"with {tag}"]
    label[0].click()  # the other way round: only songs without it
    _wait(browser, lambda d: "without=" in d.current_url and "with=" not in d.current_url.replace("without=", ""), "without")
    want = _api_ids(server, q="guitar", without=tag)
    _wait(browser, lambda d: _ids(d) == want, "results without the tag")
    assert [x.text for x in _css(browser, "#tag-filters .filter-label")] == [f"without {tag}"]
    assert _css(browser, "#tag-filters .filter-chip")[0].value_of_css_property("text-decoration-line") == "none"
    # the length menu
    Select(_css(browser, "#duration")[0]).select_by_value("360-")
    _wait(browser, lambda d: "min_duration=360" in d.current_url and not _songs(d), "no song over 6 min")
    assert "no songs" in _css(browser, "#status")[0].text
    Select(_css(browser, "#duration")[0]).select_by_value("-60")
    _wait(browser, lambda d: "max_duration=60" in d.current_url and "min_duration" not in d.current_url, "under 1 min")
    _wait(browser, lambda d: _ids(d) == want, "all short enough")
    # the address alone restores the filters; a new query keeps them; x removes one
    url = browser.current_url
    browser.get("about:blank")
    browser.get(url)
    _wait(browser, lambda d: _ids(d) == want and _css(d, "#duration")[0].get_attribute("value") == "-60", "restored")
    box = _css(browser, "#q")[0]
    box.clear()
    box.send_keys("piano\n")
    _wait(browser, lambda d: "q=piano" in d.current_url and "without=" in d.current_url, "kept for a new query")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, q="piano", without=tag, max_duration=60), "piano filtered")
    _css(browser, "#tag-filters .filter-remove")[0].click()
    _wait(browser, lambda d: "without=" not in d.current_url and not _css(d, "#tag-filters")[0].is_displayed(), "removed")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, q="piano"), "unfiltered")
    # similar songs obey the filters too
    _songs(browser)[0].find_element("css selector", ".tag-chip").click()
    _wait(browser, lambda d: "with=" in d.current_url, "a tag filter")
    wanted = browser.execute_script("return new URLSearchParams(location.search).get('with')")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, q="piano", **{"with": wanted}), "piano with the tag")
    first = _songs(browser)[0].get_attribute("data-id")
    _songs(browser)[0].find_element("css selector", ".similar-button").click()
    _wait(browser, lambda d: f"similar={first}" in d.current_url and "with=" in d.current_url, "similar, filtered")
    res = requests.get(server.url + "/api/similar", params={"id": first, "with": wanted, "max_duration": 60},
                       timeout=30).json()
    _wait(browser, lambda d: _ids(d) == [str(r["id"]) for r in res["results"]], "filtered similar songs")
    _no_script_errors(browser)


def test_browser_shows_the_title_artist_and_album_tags(server, browser):
    browser.get(server.url + "/?q=guitar&top=20")
    _wait(browser, lambda d: len(_songs(d)) == 12, "results")
    rows = {s.find_element("css selector", ".title").text: s for s in _songs(browser)}
    row = rows["Harbour Lights"]
    assert row.find_element("css selector", ".sub").text == "Mira Okafor · Night Ferries"
    assert rows["Glass Orchard"].find_element("css selector", ".sub").text == "Mira Okafor"
    assert MARKUP_NAME in rows  # no title tag: the file name
    assert "/" not in "".join(rows) and server.catalog.meta["root"] not in browser.page_source
    row.find_element("css selector", ".play-button").click()
    _wait(browser, lambda d: _player(d)["title"] == "Harbour Lights", "the player names it")
    assert _css(browser, "#player-sub")[0].text == "Mira Okafor · Night Ferries · 0:29"
    browser.execute_script("document.getElementById('player-audio').pause()")
    box = _css(browser, "#q")[0]  # an artist's name finds the artist's songs
    box.clear()
    box.send_keys("Mira Okafor\n")
    _wait(browser, lambda d: "2 songs named in the query first" in _css(d, "#status")[0].text, "named")
    titles = [s.find_element("css selector", ".title").text for s in _songs(browser)]
    assert set(titles[:2]) == {"Harbour Lights", "Glass Orchard"}
    assert not _css(browser, "#unsure")[0].is_displayed()  # the query was understood: it names an artist
    _no_script_errors(browser)


def test_browser_taggram_and_similar_songs(server, browser, tmp_path):
    browser.get(server.url + "/?q=piano")
    _wait(browser, lambda d: len(_songs(d)) == 10, "results")
    first = _songs(browser)[0]
    first_id = first.get_attribute("data-id")
    button = first.find_element("css selector", ".taggram-button")
    button.click()
    canvas = first.find_element("css selector", "canvas.taggram")
    _wait(browser, lambda d: int(canvas.get_attribute("data-columns") or 0) > 10, "taggram drawn")
    assert button.get_attribute("aria-expanded") == "true"
    assert "most probable tags" in canvas.get_attribute("aria-label")
    shot = tmp_path / "web.png"
    browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _update_screenshot(shot, "web-taggram.png")

    first.find_element("css selector", ".similar-button").click()
    _wait(browser, lambda d: _css(d, "#results-heading")[0].text.startswith("Songs that sound like"), "similar")
    _wait(browser, lambda d: len(_songs(d)) == 10, "similar results")
    ids = [s.get_attribute("data-id") for s in _songs(browser)]
    want = requests.get(server.url + "/api/similar", params={"id": first_id, "top": 10}, timeout=30).json()
    assert ids == [str(r["id"]) for r in want["results"]] and first_id not in ids
    assert f"similar={first_id}" in browser.current_url
    assert _songs(browser)[0].find_element("css selector", ".score").get_attribute("title").startswith("Similarity ")
    name = _name(want["song"])
    assert _css(browser, "#q")[0].get_attribute("value") == f"similar to “{name}”"  # what it is similar to
    assert _css(browser, "#results-heading")[0].text == f"Songs that sound like {name}"
    browser.back()  # back to the search
    # the heading changes when the search starts, the rows with its answer
    _wait(browser, lambda d: _css(d, "#results-heading")[0].text == "Results" and _ids(d)[:1] == [first_id], "back")
    assert len(_ids(browser)) == 10
    _no_script_errors(browser)


def _chip_labels(driver) -> list[str]:
    """The chips' labels, read in one script (the chips are redrawn after every search: no stale elements)."""
    return driver.execute_script("return [...document.querySelectorAll('#matched .chip .chip-label')]"
                                 ".map(e => e.innerText)")


def _chip_tags(driver) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll('#matched .chip')].map(e => e.dataset.tag)")


def _chip(driver, tag: str):
    return next(c for c in _css(driver, "#matched .chip") if c.get_attribute("data-tag") == tag)


def _ids(driver) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll('#results li.song')].map(e => e.dataset.id)")


def _api_ids(server, **params) -> list[str]:
    res = requests.get(server.url + "/api/search", params={"top": 10, **params}, timeout=60).json()
    return [str(r["id"]) for r in res["results"]]


def test_browser_chips_remove_negate_add_and_reload(server, browser):
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/")
    _wait(browser, lambda d: len(_css(d, "#add-tag option")) == 1 + len(server.catalog.tags), "tag list loaded")
    assert not _css(browser, "#refine")[0].is_displayed()  # no search yet: no chips, no tag picker
    box = _css(browser, "#q")[0]
    box.send_keys("piano slow without drums\n")
    _wait(browser, lambda d: _chip_labels(d) == ["piano 1.00", "slow 1.00", "without drums 1.00"], "chips")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, q="piano slow without drums"), "results")
    negated = _chip(browser, "drums")
    assert "negated" in negated.get_attribute("class")
    assert negated.value_of_css_property("text-decoration-line") == "none"  # "without drums", not struck through
    assert not _css(browser, "#unsure")[0].is_displayed()  # no confidence in the answer: no notice

    # remove "slow": the search re-runs as an explicit profile, the address keeps it
    _chip(browser, "slow").find_element("css selector", ".chip-remove").click()
    _wait(browser, lambda d: d.current_url.endswith("/?tags=piano,-drums&top=10"), "tags= in the URL")
    _wait(browser, lambda d: _chip_labels(d) == ["piano 1.00", "without drums 1.00"], "chip removed")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, tags="piano,-drums"), "results of the profile")
    assert _css(browser, "#q")[0].get_attribute("value") == ""
    assert "10 songs for the tags piano, without drums" in _css(browser, "#status")[0].text

    # negate "piano" (click), then un-negate it
    _chip(browser, "piano").find_element("css selector", ".chip-label").click()
    _wait(browser, lambda d: "tags=-piano,-drums&" in d.current_url, "negated in the URL")
    _wait(browser, lambda d: _chip_labels(d) == ["without piano 1.00", "without drums 1.00"], "negated chip")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, tags="-piano,-drums"), "results without piano")
    assert _chip(browser, "piano").find_element("css selector", ".chip-label").get_attribute("aria-pressed") == "true"
    _chip(browser, "piano").find_element("css selector", ".chip-label").click()
    _wait(browser, lambda d: "tags=piano,-drums&" in d.current_url and _chip_labels(d)[0] == "piano 1.00", "un-negated")

    # add a tag from the catalog's list (the tags already there are disabled)
    picker = Select(_css(browser, "#add-tag")[0])
    assert not [o for o in picker.options if o.get_attribute("value") == "piano"][0].is_enabled()
    picker.select_by_value("guitar")
    _css(browser, "#add-tag-button")[0].click()
    _wait(browser, lambda d: "tags=piano,-drums,guitar&" in d.current_url, "added in the URL")
    _wait(browser, lambda d: _chip_labels(d) == ["piano 1.00", "without drums 1.00", "guitar 1.00"], "chip added")
    want = _api_ids(server, tags="piano,-drums,guitar")
    _wait(browser, lambda d: _ids(d) == want, "results with guitar")
    browser.save_screenshot("/tmp/chips.png")

    # the address alone restores the chips and the results (shared link, reload)
    url = browser.current_url
    browser.get("about:blank")
    browser.get(url)
    _wait(browser, lambda d: _chip_labels(d) == ["piano 1.00", "without drums 1.00", "guitar 1.00"], "chips restored")
    _wait(browser, lambda d: _ids(d) == want, "results restored")
    browser.get(server.url + "/?tags=piano:1,slow:0.5,-drums")
    _wait(browser, lambda d: _chip_labels(d) == ["piano 1.00", "slow 0.50", "without drums 1.00"], "weighted chips")
    _wait(browser, lambda d: _ids(d) == _api_ids(server, tags="piano:1,slow:0.5,-drums"), "weighted results")
    _chip(browser, "drums").find_element("css selector", ".chip-remove").click()  # weights stay in the URL
    _wait(browser, lambda d: "tags=piano,slow:0.5&" in d.current_url, "weights kept")
    browser.back()
    _wait(browser, lambda d: len(_chip_labels(d)) == 3, "Back restores the chips")
    # removing every chip empties the search; a bad profile in the URL is a readable error
    for tag in ("piano", "slow", "drums"):
        _chip(browser, tag).find_element("css selector", ".chip-remove").click()
        _wait(browser, lambda d, t=tag: t not in _chip_tags(d), tag)
    _wait(browser, lambda d: "No tags left" in _css(d, "#status")[0].text and not _songs(d), "empty")
    assert _css(browser, "#add-tag")[0].is_displayed()
    browser.get(server.url + "/?tags=piano,kazooka")
    _wait(browser, lambda d: "search failed: unknown tag 'kazooka'" in _css(d, "#status")[0].text, "error shown")
    _no_script_errors(browser)


def test_browser_more_like_this(server, browser):
    from mtat.search.like import search_like

    cat = server.catalog
    browser.get(server.url + "/?q=piano")
    _wait(browser, lambda d: len(_songs(d)) == 10, "results")
    second = _songs(browser)[1]
    song = int(second.get_attribute("data-id"))
    second.find_element("css selector", ".like-button").click()
    name = cat.file_tags[song]["title"] or os.path.basename(cat.keys[song])
    _wait(browser, lambda d: _css(d, "#results-heading")[0].text == f"More like {name}", "more like heading")
    assert _css(browser, "#q")[0].get_attribute("value") == f"more like “{name}”"
    assert f"like={song}&" in browser.current_url
    want = search_like(cat, song, 10)
    _wait(browser, lambda d: _ids(d) == [str(s.row) for s in want.songs], "the API's ranking")
    assert str(song) not in _ids(browser) and len(_ids(browser)) == 10  # the song itself is left out
    # the chips are the song's five most probable tags, weighted by probability
    top5 = cat.top_tags(song, 5)
    assert _chip_labels(browser) == [f"{t} {p:.2f}" for t, p in top5.items()]
    # led by songs described alike: the first result shares most of the song's top tags, more than the last
    first, last = (set(cat.top_tags(s.row, 5)) for s in (want.songs[0], want.songs[-1]))
    assert len(first & set(top5)) >= 3 and len(first & set(top5)) >= len(last & set(top5))
    # its chips are editable like a query's: removing one searches the rest as an explicit profile
    weakest = list(top5)[-1]
    _chip(browser, weakest).find_element("css selector", ".chip-remove").click()
    # the heading reads "Results" as soon as the search starts; the status line changes with its answer
    _wait(browser, lambda d: "tags=" in d.current_url and "songs for the tags" in _css(d, "#status")[0].text, "profile")
    assert _css(browser, "#results-heading")[0].text == "Results"
    assert len(_chip_labels(browser)) == 4 and weakest not in _chip_tags(browser)
    browser.get(server.url + "/?like=99")
    _wait(browser, lambda d: "search failed: like: no song 99" in _css(d, "#status")[0].text, "unknown song")
    _no_script_errors(browser)


def test_browser_low_confidence_says_how_the_query_was_read(server, browser, monkeypatch):
    """With ``low_confidence`` in the answer (confidence below the library's LOW_CONFIDENCE) the page says
    how it read the query; otherwise it says nothing."""
    from mtat.search import LOW_CONFIDENCE

    service = server.service
    real = service.search
    confidence = {"piano slow": 0.3, "piano": 0.9, "rainy attic daydream": 0.3}
    monkeypatch.setattr(service, "cached_search", lambda query, top=10, include_short=False, filters=None: None)
    monkeypatch.setattr(service, "search", lambda query, top=10, include_short=False, filters=None: {
        **real(query, top), "confidence": confidence[query], "low_confidence": confidence[query] < LOW_CONFIDENCE})
    browser.get(server.url + "/?q=piano+slow")
    _wait(browser, lambda d: _css(d, "#unsure")[0].is_displayed(), "the notice")
    assert _css(browser, "#unsure")[0].text == "Not sure what this means — read as: piano, slow"
    browser.save_screenshot("/tmp/chips-unsure.png")
    free = real("rainy attic daydream")
    browser.get(server.url + "/?q=rainy+attic+daydream")
    _wait(browser, lambda d: _css(d, "#unsure")[0].is_displayed() and "music like" in _css(d, "#unsure")[0].text, "the notice")
    kinds = ", ".join(k["kind"] for k in free["kinds"])
    assert free["kinds"] and _css(browser, "#unsure")[0].text.startswith(
        f"Not sure what this means — read as: music like {kinds}; tags {free['matched_tags'][0]['tag']}")
    browser.get(server.url + "/?q=piano")
    _wait(browser, lambda d: len(_songs(d)) == 10 and _chip_labels(d) == ["piano 1.00"], "results")
    assert not _css(browser, "#unsure")[0].is_displayed()
    _no_script_errors(browser)


CLIP = "fx/blip.mp3"  # the 1 s sound effect of the short_audio_dir fixture


@pytest.fixture(scope="module")
def short_server(pushed_model, short_audio_dir, tmp_path_factory):
    """A server (no model) over ``index`` of three songs and a 1 s clip; ``clip``: the clip's row,
    ``tag``: the tag whose search it would top."""
    from mtat.search.catalog import read_catalog
    from tagger_cli.web.app import create_app
    from tagger_cli.web.server import serve_in_thread
    from tagger_cli.web.service import WebService

    out = str(tmp_path_factory.mktemp("short_web") / "catalog.parquet")
    assert main(["index", short_audio_dir, "--out", out, "--model", pushed_model, "--no-progress", "--workers", "1"]) == 0
    cat = read_catalog(out)
    clip = cat.keys.index(CLIP)
    margin = cat.probabilities[clip] - np.delete(cat.probabilities, clip, axis=0).max(axis=0)
    assert cat.short.tolist() == [i == clip for i in range(len(cat))] and margin.max() > 0
    with serve_in_thread(create_app(WebService(cat, None), upload_dir=str(tmp_path_factory.mktemp("up")))) as url:
        yield SimpleNamespace(url=url, catalog=cat, clip=clip, tag=cat.tags[int(np.argmax(margin))])


def test_api_leaves_short_songs_out_unless_asked(short_server):
    s = short_server

    def get(route, **params):
        r = requests.get(s.url + route, params=params, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    assert get("/healthz")["short_songs"] == 1 and get("/healthz")["short_seconds"] == 3.0
    for params in ({"q": s.tag}, {"tags": s.tag}, {"like": (s.clip + 1) % 4}):
        res = get("/api/search", **params)
        assert res["short_excluded"] == 1 and s.clip not in [r["id"] for r in res["results"]], params
        res = get("/api/search", include_short=1, **params)
        assert res["short_excluded"] == 0 and s.clip in [r["id"] for r in res["results"]], params
        assert [r["short"] for r in res["results"]] == [r["id"] == s.clip for r in res["results"]]
    assert get("/api/search", q=s.tag, include_short=1)["results"][0]["id"] == s.clip  # it would lead
    other = (s.clip + 1) % 4
    assert s.clip not in [r["id"] for r in get("/api/similar", id=other)["results"]]
    assert get("/api/similar", id=other)["short_excluded"] == 1
    assert s.clip in [r["id"] for r in get("/api/similar", id=other, include_short=1)["results"]]
    r = requests.get(s.url + "/api/search", params={"q": s.tag, "include_short": "maybe"}, timeout=30)
    assert r.status_code == 400 and "include_short" in r.json()["error"]


def test_browser_short_badge_and_toggle(short_server, browser):
    s = short_server
    browser.get(f"{s.url}/?q={s.tag}")
    _wait(browser, lambda d: len(_songs(d)) == 3, "the three songs")
    _wait(browser, lambda d: _css(d, "#short-toggle")[0].is_displayed(), "the toggle (the catalog has short songs)")
    assert "1 short clip left out" in _css(browser, "#status")[0].text
    assert str(s.clip) not in _ids(browser) and not [b for b in _css(browser, ".short-badge") if b.is_displayed()]
    box = _css(browser, "#include-short")[0]
    assert not box.is_selected()
    box.click()  # re-runs the search with the short clip, the address keeps it
    _wait(browser, lambda d: "include_short=1" in d.current_url and len(_songs(d)) == 4, "with the short clip")
    assert _ids(browser)[0] == str(s.clip)
    badges = [b for b in _css(browser, ".short-badge") if b.is_displayed()]
    assert len(badges) == 1 and badges[0].text == "short"
    assert _songs(browser)[0].find_element("css selector", ".short-badge") == badges[0]
    _wait(browser, lambda d: badges[0].get_attribute("title").startswith("Shorter than 3 s: "), "tooltip")
    assert "unreliable" in badges[0].get_attribute("title")
    browser.save_screenshot("/tmp/short-badge.png")
    browser.refresh()  # the address alone restores it
    _wait(browser, lambda d: len(_songs(d)) == 4 and _css(d, "#include-short")[0].is_selected(), "restored")
    _css(browser, "#include-short")[0].click()
    _wait(browser, lambda d: "include_short" not in d.current_url and len(_songs(d)) == 3, "left out again")
    _no_script_errors(browser)


def test_browser_upload_shows_tags_and_errors(server, browser, tmp_path):
    song = _song_file(server, 9)
    browser.get(server.url + "/")
    _wait(browser, lambda d: "songs" in _css(d, "#catalog-info")[0].text, "health loaded")
    _css(browser, "#file")[0].send_keys(str(song))
    _css(browser, "#upload-button")[0].click()
    _wait(browser, lambda d: _css(d, "#upload-result")[0].is_displayed(), "upload result")
    want = _post_file(server.url, song.name, song.read_bytes()).json()
    assert _css(browser, "#upload-name")[0].text == song.name
    shown = [li.find_element("css selector", ".tag").text for li in _css(browser, "#upload-tags li")]
    assert shown == want["top"]
    applies = _css(browser, "#upload-applies")[0]
    assert applies.is_displayed() and [c.text for c in _css(browser, "#upload-applies .applies-chip")] == want["applies"]
    assert ("Applies:" if want["applies"] else "No tag reaches its threshold") in applies.text
    assert int(_css(browser, "#upload-taggram")[0].get_attribute("data-columns")) > 10
    assert not _css(browser, "#upload-error")[0].is_displayed()

    notes = tmp_path / "notes.mp3"
    notes.write_text("not music at all\n" * 50)
    _css(browser, "#file")[0].send_keys(str(notes))
    _css(browser, "#upload-button")[0].click()
    _wait(browser, lambda d: _css(d, "#upload-error")[0].is_displayed(), "error shown")
    text = _css(browser, "#upload-error")[0].text
    assert "Could not tag notes.mp3" in text and "not decodable as audio" in text
    assert not _css(browser, "#upload-result")[0].is_displayed()

    big = tmp_path / "big.wav"
    big.write_bytes(b"\x00" * int(2 * UPLOAD_LIMIT_MB * 2 ** 20))
    _css(browser, "#file")[0].send_keys(str(big))
    _css(browser, "#upload-button")[0].click()
    _wait(browser, lambda d: "the limit is 1 MB" in _css(d, "#upload-error")[0].text, "too large")
    _no_script_errors(browser)


def test_browser_keyboard_labels_and_phone_width(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url + "/?q=piano")
    _wait(browser, lambda d: len(_songs(d)) == 10, "results")
    unlabeled = browser.execute_script(
        "return [...document.querySelectorAll('input, select')].filter(e => !e.labels.length).map(e => e.id)")
    assert unlabeled == []
    _css(browser, "#q")[0].click()
    order = []
    for _ in range(20):  # the chips (label, x), the tag picker, then the first song
        ActionChains(browser).send_keys(Keys.TAB).perform()
        order.append(browser.execute_script(
            "const e = document.activeElement; return e.id || e.className || e.tagName"))
    assert order[0] == "search-button", order
    assert "similar-button" in order and order.index("similar-button") < order.index("taggram-button")
    assert order.index("chip-label") < order.index("chip-remove") < order.index("add-tag") < order.index("similar-button")
    assert order.index("similar-button") < order.index("like-button") < order.index("taggram-button")
    try:
        browser.set_window_size(390, 844)
        browser.get(server.url + "/?q=piano")
        _wait(browser, lambda d: len(_songs(d)) == 10, "results on a phone")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than a phone screen"
        assert _css(browser, "#search-button")[0].is_displayed()
    finally:
        browser.set_window_size(1280, 1400)
    _no_script_errors(browser)


def test_listening_socket_disables_nagle(server):
    """Regression: a socket made without IPPROTO_TCP kept Nagle on (asyncio skips it), and each
    keep-alive response waited ~40 ms for the client's delayed ACK (found by benchmarks/web_load.py)."""
    from tagger_cli.web.server import bind

    sock = bind("127.0.0.1", 0)
    with sock, socket.create_connection(sock.getsockname()):
        conn, _ = sock.accept()
        with conn:
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    host, port = server.url.rsplit("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        conn.request("GET", "/api/search?q=piano&top=3")
        assert conn.getresponse().read()
        times.append(time.perf_counter() - t0)
    conn.close()
    assert np.median(times) < 0.035, f"median {np.median(times) * 1000:.0f} ms per keep-alive request"


def test_without_a_model_search_works_and_model_routes_say_503(web_catalog, tmp_path):
    from mtat.search.catalog import read_catalog
    from tagger_cli.web.app import create_app
    from tagger_cli.web.server import serve_in_thread
    from tagger_cli.web.service import WebService

    service = WebService(read_catalog(web_catalog), None)
    with serve_in_thread(create_app(service, upload_dir=str(tmp_path))) as url:
        assert requests.get(url + "/healthz", timeout=30).json()["model"] is None
        r = requests.get(url + "/api/search", params={"q": "piano", "top": 3}, timeout=60)
        assert r.status_code == 200 and len(r.json()["results"]) == 3
        r = _post_file(url, "a.mp3", b"ID3" + b"\x00" * 100)
        assert r.status_code == 503 and "without a model" in r.json()["error"]
        r = requests.get(url + "/api/taggram", params={"id": 0}, timeout=30)
        assert r.status_code == 503 and "without a model" in r.json()["error"]
        assert requests.get(url + "/audio/0", timeout=30).status_code == 200


def test_a_trickling_upload_times_out_and_frees_its_place(service, tmp_path):
    """A client that sends headers and then stalls gets 408 after the upload timeout; its model-job
    place and temporary file are released."""
    from tagger_cli.web.app import create_app
    from tagger_cli.web.server import serve_in_thread

    with serve_in_thread(create_app(service, upload_dir=str(tmp_path), upload_timeout=1.0)) as url:
        host, port = url.rsplit("//", 1)[1].split(":")
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall((f"POST /api/predict HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100000\r\n"
                       "Content-Type: multipart/form-data; boundary=xx\r\n\r\n--xx\r\n"
                       "Content-Disposition: form-data; name=\"file\"; filename=\"slow.mp3\"\r\n\r\nID3").encode())
            t0 = time.monotonic()
            reply = s.recv(65536)
            waited = time.monotonic() - t0
            while True:  # headers and body may come in separate packets; the server closes after them
                data = s.recv(65536)
                if not data:
                    break
                reply += data
        assert reply.startswith(b"HTTP/1.1 408") and b"too slow" in reply, reply[:300]
        assert 0.8 < waited < 20
        assert requests.get(url + "/healthz", timeout=30).json()["model_jobs"]["admitted"] == 0
        assert not any(tmp_path.iterdir())
