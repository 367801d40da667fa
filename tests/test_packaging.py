"""The wheel carries the schemas, and a non-editable install finds and uses them."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import ratsdok
from tests.conftest import EXAMPLE_DIR, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (whl,) = out.glob("ratsdok-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_schemas_code_lists_and_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for xsd in (ROOT / "schemas").glob("*.xsd"):
        assert f"ratsdok/schemas/{xsd.name}" in names
    for gc in (ROOT / "schemas" / "codelisten").glob("*.xml"):
        assert f"ratsdok/schemas/codelisten/{gc.name}" in names
    assert "ratsdok/py.typed" in names


@pytest.mark.slow
def test_installed_wheel_validates_with_its_own_schemas(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    # The dependencies (pydantic, lxml) come from the test environment, appended after the
    # new site-packages; its editable ratsdok is not importable from there (no .pth run).
    deps = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "lxml").is_dir())
    Path(site, "zz_test_deps.pth").write_text(deps + "\n")
    script = (
        "import ratsdok, sys\n"
        "v = ratsdok.load(sys.argv[1])\n"
        "print(ratsdok.schema_dir())\n"
        "print(ratsdok.__file__)\n"
        "assert ratsdok.validate_xml(ratsdok.to_xml(v)) == []\n"
    )
    env = {k: val for k, val in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(python), "-I", "-c", script, str(EXAMPLE_DIR / "vorlage.xml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    schema_dir, module_file = result.stdout.split()
    assert Path(module_file).is_relative_to(site)
    assert Path(schema_dir) == Path(site) / "ratsdok" / "schemas"
    assert (Path(schema_dir) / "ratsdok.xsd").is_file()


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert ratsdok.__version__ == version("ratsdok")
