"""`make install` and the Dockerfile install the same way: both run scripts/install.sh (the one
install path), nothing else in them installs packages, and the commands the script runs for each
(recorded with a stand-in Python, no network or Docker engine needed) use the same tool, pins,
extras and --no-deps step."""
import os
import re
import shlex
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = "scripts/install.sh"
#: Any package installation not done through the script.
INSTALLS = re.compile(r"\bpip\s+install\b|\buv\s+pip\b|\bpip\s+uninstall\b|\$\(UV\)")


def read(name: str) -> str:
    with open(os.path.join(ROOT, name)) as f:
        return f.read()


def makefile_install_recipe() -> list[str]:
    """The recipe lines of ``$(VENV)/.installed`` (the target `make install` builds)."""
    lines = read("Makefile").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("$(VENV)/.installed:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def dockerfile_runs() -> list[str]:
    """The Dockerfile's RUN instructions, continuation lines joined."""
    text = re.sub(r"\\\n", " ", "\n".join(line for line in read("Dockerfile").splitlines()
                                          if not line.lstrip().startswith("#")))
    return [line.strip()[4:] for line in text.splitlines() if line.strip().startswith("RUN ")]


def script_calls(commands: list[str]) -> list[list[str]]:
    """The arguments of every ``scripts/install.sh PYTHON ...`` call in shell ``commands``."""
    calls = []
    for command in commands:
        for args in re.findall(re.escape(SCRIPT) + r"([^;&|]*)", command):
            calls.append(shlex.split(args.replace("$(BIN)/python", "PYTHON")))
    return calls


def run_script(tmp_path, args: list[str]) -> list[str]:
    """What scripts/install.sh runs with ``args`` (a copy of it, its Python a stand-in that records
    its arguments), one command line per call."""
    work = tmp_path / "repo"
    if not work.exists():
        (work / "scripts").mkdir(parents=True)
        shutil.copy(os.path.join(ROOT, SCRIPT), work / SCRIPT)
    log = tmp_path / "calls.log"
    log.write_text("")
    python = tmp_path / "bin" / "python"
    python.parent.mkdir(exist_ok=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    python.chmod(0o755)
    if args and args[0] in ("python", "PYTHON"):
        args = args[1:]
    subprocess.run(["bash", str(work / SCRIPT), str(python), *args], check=True, cwd=tmp_path)
    return [line.replace(str(python), "PYTHON") for line in log.read_text().splitlines()]


def test_make_install_runs_the_script_and_installs_nothing_else():
    recipe = makefile_install_recipe()
    assert script_calls(recipe) == [["PYTHON"]]
    assert not [line for line in recipe if INSTALLS.search(line)]
    assert not INSTALLS.search(read("Makefile"))
    prerequisites = read("Makefile").split("$(VENV)/.installed:")[1].splitlines()[0].split()
    assert {SCRIPT, "scripts/precompile.py", "constraints.txt", "requirements-nodeps.txt", "setup.py"} <= set(prerequisites)


def test_dockerfile_runs_the_script_and_installs_nothing_else():
    runs = dockerfile_runs()
    assert not [run for run in runs if INSTALLS.search(run)]
    modes = [call[1] for call in script_calls(runs)]
    assert modes[0] == "--deps-only" and modes[-1] == "--project-only"
    assert set(modes[1:-1]) <= {"--extra"}
    assert re.search(r"^COPY .*scripts/install\.sh.* \./scripts/", read("Dockerfile"), re.M)


def test_make_and_docker_install_with_the_same_tool_pins_extras_and_nodeps_step(tmp_path):
    make = [c for call in script_calls(makefile_install_recipe()) for c in run_script(tmp_path, call)]
    docker_calls = [call for call in script_calls(dockerfile_runs()) if call[1] != "--extra"]
    docker = [c for call in docker_calls for c in run_script(tmp_path, call)]
    bootstrap = '-m pip install -q --disable-pip-version-check -c constraints.txt pip<25 wheel uv'
    uv = "-m uv pip install -q --python PYTHON "
    nodeps = uv + "--no-deps -c constraints.txt -r requirements-nodeps.txt"
    precompile = "scripts/precompile.py"
    assert make == [bootstrap, uv + "-c constraints.txt -e .[test] --config-settings editable_mode=compat", nodeps,
                    precompile]
    assert docker == [bootstrap, uv + "-c constraints.txt .[test]", "-m uv pip uninstall -q --python PYTHON mtat-tagger",
                      nodeps, uv + "--no-deps .", precompile]
    # what differs: .venv gets the project editable, the image a copy (installed after its dependencies)
    installs = [c for c in make + docker if " install " in c and "--no-deps ." not in c]
    assert all("-c constraints.txt" in c for c in installs)


def test_extra_packages_are_pinned_too(tmp_path):
    assert run_script(tmp_path, ["--extra", "tensorflow[and-cuda]==2.16.2"]) == [
        "-m uv pip install -q --python PYTHON -c constraints.txt tensorflow[and-cuda]==2.16.2"]


def test_the_extra_exists():
    assert re.search(r'extras_require=\{"test":', read("setup.py"))


@pytest.mark.parametrize("args", [[], ["--bogus"]])
def test_usage_errors(tmp_path, args):
    if not args:
        result = subprocess.run(["bash", os.path.join(ROOT, SCRIPT)], capture_output=True, text=True)
    else:
        result = subprocess.run(["bash", os.path.join(ROOT, SCRIPT), "/bin/true", *args], capture_output=True, text=True)
    assert result.returncode == 2
