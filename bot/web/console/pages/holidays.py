"""Console page: holidays (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("holidays", __name__, url_prefix="/holidays")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="holidays")
