"""Console page: overview (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("overview", __name__, url_prefix="/")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="overview")
