"""``mtat-tagger``: tag audio files with a pushed model, index a catalog, search it by tags or words.

The commands and the web app are front-ends: search lives in :mod:`mtat.search`, tagging in :mod:`mtat.tagging`.
"""
