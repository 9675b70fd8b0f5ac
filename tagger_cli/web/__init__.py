"""``mtat-tagger serve``: a web page and JSON API to search a catalog, listen, find similar songs
and tag uploaded files.

- :mod:`tagger_cli.web.service`  the catalog + model held once per process (search, similar,
  taggram, predict of an uploaded file), framework-free and thread-safe;
- :mod:`tagger_cli.web.uploads`  streaming multipart upload to a temporary file with a size limit;
- :mod:`tagger_cli.web.app`      the FastAPI application (routes, errors, audio with Range);
- :mod:`tagger_cli.web.command`  the ``serve`` sub-command (argument parsing, uvicorn);
- ``static/``                    the page (HTML, CSS, JS; shipped as package data, no CDN).
"""
