"""`/datasets`: the open datasets imported, each run's files, counts and what it could not
resolve, and the credit Epoch AI's licence asks for."""

from __future__ import annotations

from flask import render_template

from stackline.services import datasets
from stackline.web.context import database
from stackline.web.pages import bp


@bp.get("/datasets")
def datasets_page() -> str:
    return render_template("datasets.html", overview=datasets.overview(database()))
