"""Console page: deeds (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("deeds", __name__, url_prefix="/deeds")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="deeds")
