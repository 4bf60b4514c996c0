"""Console page: system (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("system", __name__, url_prefix="/system")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="system")
