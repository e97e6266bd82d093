"""env checks: every module is listed here, in code order."""

from ..classify import is_env_path, is_source_name
from ..filetypes import Comments, FileType
from ..models import envfile as _envfile
from ..models import source as _source
from ..models.base import FileKind
from . import (
    committed_env_secret,
    duplicate_env_key,
    env_key_missing_from_example,
    env_var_undocumented,
    example_key_missing_from_env,
    framework_debug_in_production,
    secret_in_example_file,
)

CHECKS = (
    env_key_missing_from_example.CHECK,   # ENV001
    example_key_missing_from_env.CHECK,   # ENV002
    env_var_undocumented.CHECK,           # ENV003
    committed_env_secret.CHECK,           # ENV004
    secret_in_example_file.CHECK,         # ENV005
    duplicate_env_key.CHECK,              # ENV006
    framework_debug_in_production.CHECK,  # ENV007
)


# -- the files this domain reads (see checks/filetypes.py) --
FILE_TYPES = (
    FileType("env", FileKind.ENV, parse=_envfile.parse, by_name=is_env_path, order=20),
    # application source, for the variables it reads (ENV003); markers in #, // or /* */ comments
    FileType("source", FileKind.SOURCE, parse=_source.parse, by_name=is_source_name, order=90,
             comments=Comments(("#", "//"), (("/*", "*/"),))),
)
