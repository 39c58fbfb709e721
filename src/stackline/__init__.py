"""Stackline: an event-sourced timeline of the AI industry."""

__version__ = "0.1.0"
