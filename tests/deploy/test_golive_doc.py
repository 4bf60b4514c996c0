"""docs/GO-LIVE.md stays true to the code: every `bot …` command it tells an operator to type is a real
`flask --app bot` command, and every file it points to in deploy/ exists."""
from __future__ import annotations

import re
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "GO-LIVE.md").read_text(encoding="utf-8")


def commands_in_doc() -> set[tuple[str, ...]]:
    found = set()
    # `bot <command> [<sub>]` (the doc's shell function for `flask --app bot`), in code spans and code blocks
    for m in re.finditer(r"(?:^|[`\s(])bot ([a-z][a-z-]+)(?: ([a-z][a-z-]+))?", DOC, flags=re.M):
        found.add(tuple(p for p in m.groups() if p))
    for m in re.finditer(r"flask --app bot ([a-z][a-z-]+)(?: ([a-z][a-z-]+))?", DOC):
        found.add(tuple(p for p in m.groups() if p))
    return found


def test_every_command_in_the_guide_exists(app):
    ctx = click.Context(app.cli)
    missing = []
    for words in sorted(commands_in_doc()):
        cmd = app.cli.get_command(ctx, words[0])
        if cmd is None:
            missing.append(" ".join(words))
        elif isinstance(cmd, click.Group):
            if len(words) < 2 or cmd.get_command(ctx, words[1]) is None:
                missing.append(" ".join(words))
    assert len(commands_in_doc()) >= 10
    assert not missing, f"docs/GO-LIVE.md tells operators to run commands that do not exist: {missing}"


def test_every_deploy_file_in_the_guide_exists():
    paths = {p.rstrip(".") for p in re.findall(r"(?<![\w/])deploy/[\w./*@-]*", DOC)}
    assert "deploy/nginx/integrity-bot.conf" in paths and "deploy/backup.py" in paths
    for p in paths:
        hits = list(ROOT.glob(p)) if "*" in p else [ROOT / p] if (ROOT / p).exists() else []
        assert hits, f"docs/GO-LIVE.md names {p}, which is not in the repository"
