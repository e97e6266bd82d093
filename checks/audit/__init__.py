"""Checks about the audit itself: files that could not be read."""

from . import parse_error

CHECKS = (parse_error.CHECK,)
