"""Inference: pure functions from messages to findings (facts, loops, health)."""
