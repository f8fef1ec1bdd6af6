"""Every code snippet in README.md and docs/*.md runs as written (issue 10, item 6).

Fences are found with markdown-it-py (the Markdown parser rich already depends on).

* ``python`` fences of one page run in order in one fresh interpreter, sharing their
  names the way a reader follows the page top to bottom, offline (``HF_HUB_OFFLINE=1``).
* ``bash``/``sh`` fences run with ``bash -euo pipefail``.
* Both run in a temporary folder laid out like a checkout (``examples`` is the
  repository's, ``.venv`` this interpreter's environment), so files a snippet writes
  land there, and the default store and user cache folder are in it too.
* Other fences (``console`` transcripts, JSON, PromQL, plain text) are output or
  illustrations and are not run.

A fence that cannot run here (a server, a network API, an install) is marked in the
page source, on the line before it, with its reason: ``<!-- not tested: REASON -->``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON = {"python", "py", "python3"}
SHELL = {"bash", "sh", "shell"}
MARKER = re.compile(r"<!--\s*not tested:(.*?)-->", re.DOTALL)


@dataclass(frozen=True)
class Snippet:
    page: Path
    line: int
    kind: str  # "python" or "shell"
    code: str
    skip: str | None  # the reason it is not run

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def snippets(page: Path) -> list[Snippet]:
    tokens = MarkdownIt().parse(page.read_text(encoding="utf-8"))
    found: list[Snippet] = []
    for i, token in enumerate(tokens):
        if token.type != "fence" or token.map is None:
            continue
        lang = (token.info.split() or [""])[0].lower()
        kind = "python" if lang in PYTHON else "shell" if lang in SHELL else None
        if kind is None:
            continue
        before = tokens[i - 1] if i else None
        marker = MARKER.search(before.content) if before and before.type == "html_block" else None
        reason = marker.group(1).strip() if marker else None
        found.append(Snippet(page, token.map[0] + 1, kind, token.content, reason))
    return found


ALL = [s for page in PAGES for s in snippets(page)]


def _checkout(tmp_path: Path) -> Path:
    (tmp_path / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    return tmp_path


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["NEARCACHE_STORE"] = str(tmp_path / "nearcache.db")
    for name in ("NEARCACHE_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    return env


# Runs each block under its page:line name, so a traceback points at the doc.
RUNNER = """
import sys
names = {"__name__": "__main__"}
for where, code in BLOCKS:
    print(f"--- {where}", file=sys.stderr, flush=True)
    exec(compile(code, where, "exec"), names)
"""


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if any(s.kind == "python" and not s.skip for s in snippets(p))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_python_snippets_run(page: Path, tmp_path: Path) -> None:
    blocks = [(s.where, s.code) for s in snippets(page) if s.kind == "python" and not s.skip]
    proc = subprocess.run(
        [sys.executable, "-c", f"BLOCKS = {blocks!r}\n{RUNNER}"],
        cwd=_checkout(tmp_path),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]


@pytest.mark.parametrize(
    "snippet",
    [s for s in ALL if s.kind == "shell" and not s.skip],
    ids=lambda s: s.where,
)
def test_shell_snippets_run(snippet: Snippet, tmp_path: Path) -> None:
    env = _env(tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", snippet.code],
        cwd=_checkout(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{snippet.where}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"


def test_every_skipped_snippet_says_why() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for marker in re.finditer(r"<!--\s*not tested\b(.*?)-->", text, re.DOTALL):
            assert marker.group(1).lstrip(": ").strip(), f"{page.name}: a marker without reason"
    marked = [s for s in ALL if s.skip is not None]
    assert all(s.skip for s in marked)


def test_the_parser_sees_markers_and_languages(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```python\nx = 1\n```\n\n<!-- not tested: needs a server -->\n"
        "```bash\nredis-cli ping\n```\n\n```console\n$ nearcache stats\n```\n",
        encoding="utf-8",
    )
    found = [(s.kind, s.line, s.skip) for s in snippets(page)]
    assert found == [("python", 3, None), ("shell", 8, "needs a server")]
