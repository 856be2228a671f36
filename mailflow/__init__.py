"""mailflow: email-first distribution of sales leads to partners."""

__version__ = "0.1.0"
