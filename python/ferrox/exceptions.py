"""ferrox's exception classes.

Each subclasses :class:`FerroxError` *and* the builtin pandas / NumPy would
raise for the same mistake, so ``except KeyError:`` keeps working.
"""

from __future__ import annotations


class FerroxError(Exception):
    """Base class of every exception ferrox defines."""
