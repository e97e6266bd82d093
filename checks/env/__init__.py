"""env checks: every module is listed here, in code order."""

CHECKS = ()
