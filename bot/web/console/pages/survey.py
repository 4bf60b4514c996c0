"""Console page: survey (being built, issue 17)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("survey", __name__, url_prefix="/survey")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="แบบสำรวจ ITA")
