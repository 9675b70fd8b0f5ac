import os
import subprocess
import sys
import threading
import time

import pytest

from components.serving_pusher.executor import (
    SOURCE_FILE,
    STALE_PARTIAL_SECONDS,
    find_pushed,
    push_atomically,
    version_dirs,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_model(path):
    os.makedirs(os.path.join(path, "variables"))
    with open(os.path.join(path, "saved_model.pb"), "wb") as f:
        f.write(b"pb")
    with open(os.path.join(path, "variables", "variables.index"), "wb") as f:
        f.write(b"idx")


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    """A real SavedModel of ~4 MB (one float32 variable of 1M values and a serving function)."""
    import tensorflow as tf

    path = str(tmp_path_factory.mktemp("model") / "m")
    module = tf.Module()
    module.w = tf.Variable(tf.random.stateless_normal([1_000_000], seed=[1, 2]))
    module.f = tf.function(lambda x: x * module.w[0], input_signature=[tf.TensorSpec([None], tf.float32)])
    tf.saved_model.save(module, path, signatures=module.f)
    return path


def tree(path):
    """{relative file path: (size, mtime_ns, bytes)} of every file under ``path``."""
    found = {}
    for d, _, files in os.walk(path):
        for name in files:
            full = os.path.join(d, name)
            with open(full, "rb") as f:
                found[os.path.relpath(full, path)] = (os.path.getsize(full), os.stat(full).st_mtime_ns, f.read())
    return found


def slow_copies(monkeypatch, seconds, fail_after=None):
    """Make every file copy of the push take ``seconds`` (real copies), optionally raising after ``fail_after``."""
    from tfx.dsl.io import fileio

    real_copy, done = fileio.copy, []

    def copy(src, dst, overwrite=False):
        if fail_after is not None and len(done) >= fail_after:
            raise OSError(28, "No space left on device", dst)
        real_copy(src, dst, overwrite)
        done.append(dst)
        time.sleep(seconds)

    monkeypatch.setattr(fileio, "copy", copy)
    return done


def test_push_is_atomic_versioned_and_not_repeated(tmp_path):
    model_a, model_b = str(tmp_path / "a"), str(tmp_path / "b")
    make_model(model_a)
    make_model(model_b)
    base = str(tmp_path / "serving" / "tagger")
    v1 = push_atomically(model_a, base, model_a)
    assert version_dirs(base) == [v1]
    assert sorted(os.listdir(base)) == [v1]  # no partial folder left behind
    assert open(os.path.join(base, v1, "variables", "variables.index"), "rb").read() == b"idx"
    assert open(os.path.join(base, v1, SOURCE_FILE)).read() == model_a
    assert find_pushed(base, model_a) == v1 and find_pushed(base, model_b) is None
    v2 = push_atomically(model_b, base, model_b)  # same second: still a newer version
    assert int(v2) > int(v1) and version_dirs(base) == [v1, v2]
    assert find_pushed(base, model_b) == v2


def test_stale_partial_folder_is_replaced_and_ignored(tmp_path):
    model = str(tmp_path / "m")
    make_model(model)
    base = tmp_path / "serving"
    (base / ".123.partial").mkdir(parents=True)
    (base / "notes").mkdir()
    assert version_dirs(str(base)) == []  # TF Serving only loads all-digit folders
    v = push_atomically(model, str(base), model)
    assert version_dirs(str(base)) == [v]


def test_copy_failing_midway_leaves_no_version_and_the_served_one_untouched(saved_model, tmp_path, monkeypatch):
    base = str(tmp_path / "serving" / "tagger")
    v1 = push_atomically(saved_model, base, "first")
    before = tree(base)
    copied = slow_copies(monkeypatch, 0.0, fail_after=2)  # e.g. the disk fills up on the third file
    with pytest.raises(OSError, match="No space left"):
        push_atomically(saved_model, base, "second")
    assert len(copied) == 2  # the push really was half-way
    assert os.listdir(base) == [v1]  # no new version, and its partial folder is gone
    assert tree(base) == before  # same files, bytes and mtimes
    monkeypatch.undo()
    v2 = push_atomically(saved_model, base, "second")
    assert version_dirs(base) == [v1, v2] and sorted(os.listdir(base)) == [v1, v2]
    assert {k: v[::2] for k, v in tree(os.path.join(base, v2)).items() if k != SOURCE_FILE} == {
        k: v[::2] for k, v in tree(saved_model).items()}


CRASHING_PUSH = """
import sys, time
from tfx.dsl.io import fileio
real_copy = fileio.copy
def copy(src, dst, overwrite=False):
    real_copy(src, dst, overwrite)
    time.sleep(600)  # killed here, with one file copied
fileio.copy = copy
from components.serving_pusher.executor import push_atomically
push_atomically(sys.argv[1], sys.argv[2], "crashed")
"""


def test_killed_push_leaves_only_a_hidden_partial_that_a_later_push_removes(saved_model, tmp_path):
    base = str(tmp_path / "serving" / "tagger")
    v1 = push_atomically(saved_model, base, "first")
    before = tree(base)
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_PUSH, saved_model, base], cwd=ROOT)
    try:
        deadline = time.time() + 120
        partial = None
        while time.time() < deadline and proc.poll() is None:
            partial = next((n for n in os.listdir(base) if n.endswith(".partial")), None)
            if partial and tree(os.path.join(base, partial)):
                break
            time.sleep(0.05)
        assert partial and tree(os.path.join(base, partial)), "the push never started copying"
    finally:
        proc.kill()  # SIGKILL: no cleanup runs, as when a pod or machine dies
        proc.wait()
    assert sorted(os.listdir(base)) == sorted([v1, partial])
    assert version_dirs(base) == [v1] and partial.startswith(".")  # TF Serving sees only v1
    assert tree(os.path.join(base, v1)) == {k[len(v1) + 1:]: v for k, v in before.items()}

    # A push while the partial is recent keeps it (it could be another push still copying) ...
    v2 = push_atomically(saved_model, base, "second")
    assert partial in os.listdir(base)
    # ... and the first push after it went stale removes it.
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    for d, _, files in os.walk(os.path.join(base, partial)):
        for name in [*files, "."]:
            os.utime(os.path.join(d, name), (old, old))
    v3 = push_atomically(saved_model, base, "third")
    assert sorted(os.listdir(base)) == sorted([v1, v2, v3])


def poll_versions(base, stop, seen, incomplete, expected):
    """What TF Serving does: list ``base``, look at every all-digit folder; records any incomplete one."""
    while True:
        last_pass = stop.is_set()
        for version in version_dirs(base):
            files = {k: v[0] for k, v in tree(os.path.join(base, version)).items() if k != SOURCE_FILE}
            seen.add(version)
            if files != expected:
                incomplete.add(version)
        if last_pass:
            return


@pytest.mark.parametrize("atomic", [True, False], ids=["push_atomically", "direct_copy"])
def test_a_polling_server_never_sees_a_partial_version(atomic, saved_model, tmp_path, monkeypatch):
    """A poller lists the base folder while a real SavedModel is pushed (each file copy slowed to 50 ms).
    The direct copy (what a plain copy into ``<base>/<version>`` does) shows that the poller notices
    incomplete versions; the atomic push never exposes one."""
    from tfx.utils import io_utils

    expected = {k: v[0] for k, v in tree(saved_model).items()}
    assert "saved_model.pb" in expected and sum(expected.values()) > 3_000_000
    base = str(tmp_path / "serving" / "tagger")
    os.makedirs(base)
    slow_copies(monkeypatch, 0.05)
    stop, seen, incomplete = threading.Event(), set(), set()
    poller = threading.Thread(target=poll_versions, args=(base, stop, seen, incomplete, expected))
    poller.start()
    try:
        for i in range(2):
            if atomic:
                push_atomically(saved_model, base, f"push {i}")
            else:
                io_utils.copy_dir(saved_model, os.path.join(base, str(i + 1)))
    finally:
        stop.set()
        poller.join()
    assert len(version_dirs(base)) == 2 and seen == set(version_dirs(base))
    if atomic:
        assert not incomplete
    else:
        assert incomplete  # the poller does catch half-copied versions
