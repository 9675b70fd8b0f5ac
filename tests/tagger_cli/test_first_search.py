"""The first free-word search of a fresh install reads the vocabulary's embeddings from disk.

``mtat-tagger index`` (like the install and the web page's start) embeds the search vocabulary
into the disk cache, so a new process's first search that needs the embedding fallback computes
nothing: it writes no cache file and answers in about two seconds (docs/cli.md). The cache does
not depend on the order of a model's tags.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from mtat.search.api import default_matcher, prepare_vocabulary
from mtat.search.embedding import CACHE_ENV
from mtat.tags import MTAT_TOP50
from tagger_cli.main import main

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: Free words that no concept names: the matcher needs every alias embedding (the fallback).
FALLBACK_QUERY = "the melancholy of an abandoned lighthouse keeper"


def _cache_files(folder) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.exists() else {}


def test_index_embeds_the_vocabulary_so_the_first_search_computes_nothing(pushed_model, catalog_audio_dir,
                                                                           tmp_path, monkeypatch, capsys):
    music = tmp_path / "music"
    music.mkdir()
    songs = sorted(os.path.join(d, n) for d, _, names in os.walk(catalog_audio_dir) for n in names if n.endswith(".mp3"))
    for src in songs[:2]:
        shutil.copy(src, music / os.path.basename(src))
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    default_matcher.cache_clear()  # this process's matchers would answer from memory
    try:
        out = tmp_path / "catalog.parquet"
        assert main(["index", str(music), "--out", str(out), "--model", pushed_model]) == 0
    finally:
        default_matcher.cache_clear()
    capsys.readouterr()
    before = _cache_files(cache)
    assert any(n.startswith("text_vectors_") for n in before), before
    assert any(n.startswith("concept_hubness_") for n in before), before

    _search_computes_nothing(cache, out, before)

    # the install's warm-up knows no model: it embeds the vocabulary of all 188 MTAT tags, which
    # holds the texts of any model's tags, in any order (this model's are not MTAT's top 50)
    from mtat.search import read_catalog

    assert list(read_catalog(str(out)).tags) != list(MTAT_TOP50)
    fresh = tmp_path / "install-cache"
    monkeypatch.setenv(CACHE_ENV, str(fresh))
    try:
        assert prepare_vocabulary() > 5000
    finally:
        default_matcher.cache_clear()
    store = {n: t for n, t in _cache_files(fresh).items() if n.startswith("text_vectors_")}
    assert len(store) == 1
    _search_computes_nothing(fresh, out, store, only="text_vectors_")  # its hubness (~1 s) may be added


def _search_computes_nothing(cache, catalog, before: dict[str, int], only: str = "") -> None:
    """A new process's free-word search on ``catalog`` with the disk cache ``cache``: answers, and
    writes no cache file (``only``: no file of that prefix)."""
    env = dict(os.environ, **{CACHE_ENV: str(cache)}, TF_CPP_MIN_LOG_LEVEL="2")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "tagger_cli", "search", FALLBACK_QUERY, "--catalog", str(catalog),
                           "--json"], capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["results"] and result["concepts"], result  # the fallback read the query as concepts
    after = {n: t for n, t in _cache_files(cache).items() if n.startswith(only)}
    assert after == before  # nothing embedded again, nothing new written
    # a whole new process (imports, encoder load, the query): far below the ~20-60 s of embedding
    # the vocabulary, with room for a loaded 2-core machine
    assert seconds < 15, seconds
