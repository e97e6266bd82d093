"""auditui: an interactive infrastructure-audit assistant for the terminal."""

from .checks.version import __version__

__all__ = ["__version__"]
