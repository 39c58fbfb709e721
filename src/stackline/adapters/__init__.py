"""Adapters for outside data: one package per external source turns its files into candidate events.

An adapter is pure (STYLE §19): it reads files and returns plain data — no database, no rules, no
SQL. Services reconcile its candidates with the log and write them through the one write path.
Adapters import only `stackline.domain`.
"""
