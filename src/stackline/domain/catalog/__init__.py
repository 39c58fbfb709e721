"""The event catalog: one registry entry per type, declared beside its payload model and effect.

Importing the package registers every type, family by family, in the order forms and lists
show them.
"""

from importlib import import_module

from stackline.domain.catalog.registry import REGISTRY, EventType, FollowUp

for _family in ("companies", "assets", "deals", "supply_chain", "corrections"):
    import_module(f"stackline.domain.catalog.{_family}")

__all__ = ["REGISTRY", "EventType", "FollowUp"]
