"""The wheel is what clusters and sites install: it must carry the models, the packs and the rules, and an
install that lost a model must refuse to scan rather than scan without its classifiers."""

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTE = {"note_id": "W-1", "date_of_service": "2026-03-14",
        "text": "EXAM: CT coronary angiography.\nFINDINGS: AI-based quantitative plaque analysis was performed on "
                "the CCTA data.\nIMPRESSION: I personally reviewed and interpreted the plaque analysis."}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed (its dependencies borrowed from the running environment)."""
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(work / "dist")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (work / "dist").glob("cptscan-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    # dependencies come from this environment's site-packages, added after the venv's own (no .pth of the
    # editable checkout is read, so `import cptscan` is the wheel's)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    package = Path(subprocess.check_output([str(python), "-c", "import cptscan; print(cptscan.__file__)"],
                                           text=True).strip()).parent
    assert package.is_relative_to(site)
    notes = work / "notes.jsonl"
    notes.write_text(json.dumps(NOTE) + "\n")
    return python, package, notes


def _scan(python, notes, *extra):
    return subprocess.run([str(python), "-m", "cptscan", "scan", str(notes), "-o", "-", "-q", *extra],
                          capture_output=True, text=True, timeout=600)


def test_the_wheel_scans_with_its_models_and_packs(installed):
    python, package, notes = installed
    assert {p.name for p in (package / "models").glob("*.joblib")} == {"interpretation.joblib", "service.joblib",
                                                                      "genre.joblib"}
    done = _scan(python, notes)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result["versions"]["models"]) == {"interpretation", "service", "genre"}
    assert [c["code"] for c in result["codes"]] == ["75577"]
    retinal = _scan(python, notes, "--pack", "retinal")
    assert json.loads(retinal.stdout)["versions"]["packs"] == ["cpt2026", "retinal"]


def test_a_deleted_model_file_stops_the_scan_with_a_clear_message(installed):
    python, package, notes = installed
    (package / "models" / "service.joblib").unlink()
    done = _scan(python, notes)
    assert done.returncode == 2 and not done.stdout
    assert "service.joblib" in done.stderr and "--rules-only" in done.stderr and "Traceback" not in done.stderr
    rules_only = _scan(python, notes, "--rules-only")
    assert rules_only.returncode == 0 and json.loads(rules_only.stdout)["versions"]["models"] == {}
