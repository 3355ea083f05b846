"""syncd: a relationship gardener for your mailbox and calendar."""

__version__ = "0.1.0"
