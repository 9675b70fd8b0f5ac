"""ModelCardWriter: writes the model card of the pushed version, in every runner."""
