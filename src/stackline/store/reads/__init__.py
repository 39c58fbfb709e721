"""Reads as views (cosmicpython's `views.py`): plain queries over the log and its projections,
taking a unit of work and returning plain data. Services compose them; nothing else queries."""
