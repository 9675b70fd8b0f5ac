"""Byte-compile what the project imports and embed the search vocabulary, once, at install
(scripts/install.sh runs it last).

Imports every module of the project, the TFX executors a local run uses and the test tools, so
that their bytecode (and their dependencies': TensorFlow's, Beam's, ...) is written now and not
at each first import. The project's modules are imported from this checkout (put first on the
path): the copies ``python -m ...`` from the repository root, and the Kubeflow container
entrypoint from /pipeline, import. Then the search vocabulary is embedded into the disk cache
(``~/.cache/mtat-tagger``), so the first free-word search of the install does not pay for it.
"""
import importlib
import os
import pkgutil
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("mtat", "sample_music", "components", "trainer", "pipelines", "tagger_cli")
TFX_EXECUTORS = ("statistics_gen", "schema_gen", "example_validator", "transform", "trainer", "evaluator", "pusher")


def module_names() -> list[str]:
    names = ["pytest", "hypothesis", "selenium.webdriver", "tfx.orchestration.local.local_dag_runner"]
    names += [f"tfx.components.{c}.executor" for c in TFX_EXECUTORS]
    for package in PACKAGES:
        names += [m.name for m in pkgutil.walk_packages(importlib.import_module(package).__path__, package + ".")
                  if not m.name.endswith(".__main__")]
    return names


if __name__ == "__main__":
    sys.path.insert(0, REPO)
    from mtat.environment import configure_tensorflow_env

    configure_tensorflow_env()
    names = module_names()
    for name in names:
        importlib.import_module(name)
    print(f"byte-compiled {len(names)} modules and what they import")
    # the first free-word search of this install then reads the vocabulary's embeddings from disk
    from mtat.search import prepare_vocabulary

    print(f"embedded the search vocabulary ({prepare_vocabulary()} texts, cached on disk)")
