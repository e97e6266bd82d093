"""Checks about the audit itself: files that could not be read, suppression hygiene.

All four are emitted by the engine's own passes (parsing, suppressions), not by a
check function.
"""

from . import invalid_suppression, parse_error, stale_suppression, suppression_without_reason

CHECKS = (
    parse_error.CHECK,
    suppression_without_reason.CHECK,
    stale_suppression.CHECK,
    invalid_suppression.CHECK,
)
