"""Fault switches of the Linkit sandbox: the same as the Medusa sandbox's (latency, a share of 429/503
answers with Retry-After, dropped connections before or after the write, a seed, forced outcomes)."""

from __future__ import annotations

from sandbox.medusa.faults import Faults

__all__ = ["Faults"]
