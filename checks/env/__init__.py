"""env checks: every module is listed here, in code order."""

from . import (
    committed_env_secret,
    duplicate_env_key,
    env_key_missing_from_example,
    env_var_undocumented,
    example_key_missing_from_env,
    secret_in_example_file,
)

CHECKS = (
    env_key_missing_from_example.CHECK,   # ENV001
    example_key_missing_from_env.CHECK,   # ENV002
    env_var_undocumented.CHECK,           # ENV003
    committed_env_secret.CHECK,           # ENV004
    secret_in_example_file.CHECK,         # ENV005
    duplicate_env_key.CHECK,              # ENV006
)
