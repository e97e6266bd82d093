"""A toy domain that exists only for tests: the shape of a new domain, Terraform-like.

It proves that adding a domain is adding one folder (this one) and registering it in
``checks/registry.py:DOMAINS``; ``tests/test_domains.py`` registers it for one test.
A real domain lives in ``checks/<domain>/`` and imports with relative names
(``from ..api import Check``); this one is outside the package, so it imports
``auditui.checks`` by absolute names.

The folder holds:

* ``model.py``: the parser, ``text -> ParsedFile`` with typed units and facts;
* one module per check (``insecure_setting.py``);
* this ``__init__.py``: ``CHECKS`` and ``FILE_TYPES`` (how files are recognised and
  parsed, and how they write comments: ``//``, ``#`` and ``/* */`` here).
"""

from auditui.checks.filetypes import Comments, FileType

from . import insecure_setting
from .model import TOY, is_toy_name, parse

CHECKS = (
    insecure_setting.CHECK,  # TOY001
)

FILE_TYPES = (
    FileType("toy-hcl", TOY, parse=parse, by_name=is_toy_name,
             comments=Comments(("//", "#"), (("/*", "*/"),))),
)
