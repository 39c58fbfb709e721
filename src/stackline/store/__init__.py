"""Persistence: the append-only log and its projection tables, on SQLite or PostgreSQL."""
