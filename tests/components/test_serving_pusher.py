import os

from components.serving_pusher.executor import SOURCE_FILE, find_pushed, push_atomically, version_dirs


def make_model(path):
    os.makedirs(os.path.join(path, "variables"))
    with open(os.path.join(path, "saved_model.pb"), "wb") as f:
        f.write(b"pb")
    with open(os.path.join(path, "variables", "variables.index"), "wb") as f:
        f.write(b"idx")


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
