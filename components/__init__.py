"""Custom TFX components of the MTAT pipeline.

``components.AudioRejects`` and ``components.ModelCard`` are the import paths Kubeflow V2 uses for
the custom artifact types: its compiler names a custom type ``<module>.<Class>`` and the container
imports the class by that name (see ``pipelines/run_kubeflow.py``). Resolved lazily, so importing
this package loads no TFX.
"""


def __getattr__(name: str):
    if name == "AudioRejects":
        from components.audio_example_gen.component import AudioRejects

        return AudioRejects
    if name == "ModelCard":
        from components.model_card_writer.component import ModelCard

        return ModelCard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
