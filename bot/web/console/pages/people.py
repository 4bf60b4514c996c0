"""Console page: people (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="people")
