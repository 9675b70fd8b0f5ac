"""``mtat-tagger``: tag audio files with a pushed model, index a catalog, search it by tags or words."""
