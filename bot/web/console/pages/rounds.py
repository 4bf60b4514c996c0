"""Console page: rounds (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="rounds")
