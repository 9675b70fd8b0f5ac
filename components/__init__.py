"""Custom TFX components of the MTAT pipeline.

``components.AudioRejects`` is the import path Kubeflow V2 uses for the rejects artifact type: its
compiler names a custom type ``<module>.<Class>`` and the container imports the class by that
name (see ``pipelines/run_kubeflow.py``). Resolved lazily, so importing this package loads no TFX.
"""


def __getattr__(name: str):
    if name == "AudioRejects":
        from components.audio_example_gen.component import AudioRejects

        return AudioRejects
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
