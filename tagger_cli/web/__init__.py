"""``mtat-tagger serve``: a web page and JSON API to search a catalog, listen, find similar songs
and tag uploaded files.

- :mod:`tagger_cli.web.service`  the catalog + model held once per process (search, similar,
  taggram, predict of an uploaded file) over :mod:`mtat.search` and :mod:`mtat.tagging` (no CLI
  command module), framework-free and thread-safe;
- :mod:`tagger_cli.web.uploads`  streaming multipart upload to a temporary file with a size limit;
- :mod:`tagger_cli.web.app`      the FastAPI application (routes, audio with Range; the one map of
  exceptions to HTTP statuses, :data:`~tagger_cli.web.app.ERROR_STATUS`);
- :mod:`tagger_cli.web.command`  the ``serve`` sub-command (argument parsing, uvicorn);
- ``static/``                    the page (HTML, CSS, JS; shipped as package data, no CDN).
"""
