"""CLI for the good-deed ledger: `flask --app bot ledger-verify` (exit code 1 when the chain is broken) and
`ledger-head --out FILE` (a head file signed with LEDGER_KEY, for an auditor to keep outside the database)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from bot.cli._common import bot_state, session
from bot.services import ledger, ledger_anchor
from messages_th.digest_anchor import heads_in
from models.core import utcnow

NO_KEY = ("WARNING: LEDGER_KEY is not set: the ledger is keyed with the public development key, so anyone with "
          "database access could rewrite it and recompute the chain. Set LEDGER_KEY (README \"Ledger\").")


def _digest_anchors(s) -> list:
    out = []
    for key, sent_at, messages in ledger_anchor.sent_digests(s):
        when = f"sent {sent_at:%Y-%m-%d %H:%M} UTC" if sent_at else "sent"
        out += [ledger.Anchor(n, h, f"the committee's digest {key} ({when})") for n, h in heads_in(messages) if n]
    return out


@click.command("ledger-verify")
@click.option("--anchor", "anchor_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="a signed head file from `ledger-head --out` (may be given more than once)")
@click.option("--no-photos", is_flag=True, help="skip re-hashing the photo files under MEDIA_DIR")
@with_appcontext
def ledger_verify(anchor_files, no_photos):
    """Recompute the good-deed ledger's hash chain; check it against the heads the committee received and any
    signed head files; compare every deed row, history row and photo file with the ledger."""
    cfg = bot_state().config
    if not cfg.LEDGER_KEY and cfg.APP_ENV == "production":  # development and tests: the development key is fine
        click.echo(NO_KEY, err=True)
    started = time.perf_counter()
    with session(readonly=True) as s:
        anchors = _digest_anchors(s)
        try:
            anchors += [ledger_anchor.read_head(cfg.LEDGER_KEY, Path(f).read_text(encoding="utf-8"),
                                                f"head file {f}") for f in anchor_files]
        except ValueError as exc:
            click.echo(f"BROKEN: {exc}", err=True)
            raise SystemExit(1)
        verdict = ledger.verify(s, cfg.LEDGER_KEY, media_dir=None if no_photos else cfg.MEDIA_DIR, anchors=anchors)
    took = time.perf_counter() - started
    if verdict.ok:
        click.echo(f"OK {verdict.count} entries, head {verdict.head} ({took:.1f} s); anchored heads matched: "
                   f"{verdict.anchors}; history rows: {verdict.history}; photo files re-hashed: {verdict.photos}; "
                   f"deeds erased (texts and photos gone by design): {verdict.erased}")
        if verdict.legacy:
            click.echo(f"note: the first {verdict.legacy} entries are v1 (plain SHA-256, before LEDGER_KEY): only "
                       "the anchored heads vouch for them", err=True)
        return
    where = f"seq {verdict.broken_seq}" if verdict.broken_seq is not None else "deed rows"
    deed = f" (deed {verdict.deed_id})" if verdict.deed_id is not None else ""
    click.echo(f"BROKEN at {where}{deed}: {verdict.reason}; {verdict.count} entries checked before it", err=True)
    raise SystemExit(1)


@click.command("ledger-head")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="where to write the signed head (keep it outside the database and its backups)")
@with_appcontext
def ledger_head(out):
    """Write the ledger's head (entry count and hash) signed with LEDGER_KEY; `ledger-verify --anchor FILE`."""
    cfg = bot_state().config
    if not cfg.LEDGER_KEY and cfg.APP_ENV == "production":  # development and tests: the development key is fine
        click.echo(NO_KEY, err=True)
    with session(readonly=True) as s:
        seq, head = ledger.head(s)
    Path(out).write_text(json.dumps(ledger_anchor.signed_head(cfg.LEDGER_KEY, seq, head, utcnow())) + "\n",
                         encoding="utf-8")
    click.echo(f"head {seq} entries, {head} -> {out}")


def register(app) -> None:
    app.cli.add_command(ledger_verify)
    app.cli.add_command(ledger_head)
