"""The typed modules (services, selectors, rules, scope; listed in pyproject's [tool.mypy]) type-check, and the
code passes ruff: both run with the suite, so CI runs them on every submission."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_typed_modules_pass_mypy():
    from mypy import api

    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"])
    assert status == 0, out + err


def test_code_passes_ruff():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "tongxin", "bench"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
