#!/usr/bin/env bash
# Regenerate the single initial Alembic revision from the models. Only valid until the first production
# deployment; after that, add new revisions with models.migrate.autogenerate instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f models/migrations/versions/0001_initial.py
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from models.migrate import alembic_config
cfg = alembic_config(f"sqlite:///{sys.argv[1]}/gen.sqlite3")
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
PY
mv models/migrations/versions/0001_initial_schema.py models/migrations/versions/0001_initial.py
rm -rf "$tmp"
