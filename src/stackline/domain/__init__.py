"""The pure domain: partial dates, event models, append rules, and the reference fold.

Imports nothing of the store, the services, Flask or SQLAlchemy.
"""
