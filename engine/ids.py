"""Sortable unique ids for decisions: 48 bits of milliseconds then 72 random bits, in hex.

Hex digits sort like the bytes they encode, so ids sort by time as strings (30 characters).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable


class IdGenerator:
    """Makes ids that sort by time; clock and randomness are injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> None:
        self.clock = clock
        # The module's generator is reseeded in a forked child, so processes never share ids.
        self._bits = rng.getrandbits if rng is not None else random.getrandbits

    def __call__(self) -> str:
        ms = int(self.clock() * 1000) & 0xFFFF_FFFF_FFFF
        return f"{ms:012x}{self._bits(72):018x}"
