"""Checks about the audit itself: files that could not be read, suppression hygiene.

All four are emitted by the engine's own passes (parsing, suppressions), not by a
check function.
"""

from ..filetypes import Comments, FileType
from ..models import unread as _unread
from . import invalid_suppression, parse_error, stale_suppression, suppression_without_reason

CHECKS = (
    parse_error.CHECK,
    suppression_without_reason.CHECK,
    stale_suppression.CHECK,
    invalid_suppression.CHECK,
)

#: infrastructure in languages auditui does not read (Jsonnet, Bicep, Pulumi, CDK, Serverless):
#: read only to say so in a notice
FILE_TYPES = (
    FileType("unread-iac", _unread.UNREAD, parse=_unread.parse, by_name=_unread.is_unread_iac,
             comments=Comments(("//", "#"), (("/*", "*/"),)), order=90),
)
