"""The README's quickstart commands are the ones CI and users run."""

from __future__ import annotations

from conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert f"```sh\n{ci_command}\n```" in readme


def test_readme_main_command_builds_the_bundled_sample():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "kgbuild build sample/seeds --out out" in readme
    assert len(list((ROOT / "sample" / "seeds").glob("*.txt"))) == 4
