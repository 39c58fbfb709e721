"""A small thread-safe LRU map, for answers that stay valid until the log's head `seq` changes:
bounded by a count of entries and, given a way to weigh them, by a budget in bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """Keeps the most recently used entries: at most `size` of them and, with `budget` and
    `weigh` (key, value → bytes), at most `budget` bytes in all. An entry heavier than the
    whole budget is not kept."""

    def __init__(
        self,
        size: int = 4096,
        budget: int | None = None,
        weigh: Callable[[Hashable, V], int] | None = None,
    ) -> None:
        self.size = size
        self.budget = budget
        self.weigh = weigh
        self.entries: OrderedDict[Hashable, V] = OrderedDict()
        self.weights: dict[Hashable, int] = {}
        self.weight = 0  # bytes held, when entries are weighed
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        weight = self.weigh(key, value) if self.weigh is not None else 0
        if self.budget is not None and weight > self.budget:
            return
        with self.lock:
            self._drop(key)
            self.entries[key] = value
            self.weights[key] = weight
            self.weight += weight
            while len(self.entries) > self.size or (
                self.budget is not None and self.weight > self.budget
            ):
                self._drop(next(iter(self.entries)))

    def _drop(self, key: Hashable) -> None:
        if key in self.entries:
            del self.entries[key]
            self.weight -= self.weights.pop(key)
