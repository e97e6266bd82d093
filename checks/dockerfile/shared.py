"""What several Dockerfile checks ask alike (a check never imports another check)."""

from __future__ import annotations

import re


_SECRET_WORDS = {"password", "passwd", "passphrase", "secret", "secrets", "token", "apikey", "credential",
                 "credentials", "privatekey", "accesskey", "secretkey", "authtoken", "pass"}


_KEY_PAIRS = {("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("encryption", "key"),
              ("signing", "key"), ("master", "key"), ("license", "key"), ("client", "secret"), ("auth", "key")}


#: a last word that makes the variable about a secret, not the secret itself
_NOT_VALUE_SUFFIXES = {
    "file", "path", "dir", "directory", "url", "uri", "endpoint", "host", "hostname", "port", "name", "user",
    "username", "id", "length", "len", "ttl", "expiry", "expires", "expiration", "timeout", "type", "mode",
    "enabled", "enable", "disabled", "header", "field", "prefix", "env", "var", "ref", "version", "policy",
    "min", "max", "size", "lifetime", "algorithm", "algo", "format", "location", "arn", "hash", "secretname",
    "key_id", "required", "command", "cmd", "helper", "store", "provider", "source", "mount", "count",
}


_NOT_SECRET_PREFIXES = {"no", "skip", "disable", "enable", "use", "require", "allow"}


def name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def secret_like_name(name: str) -> bool:
    words = name_words(name)
    if not words or words[-1] in _NOT_VALUE_SUFFIXES or words[0] in _NOT_SECRET_PREFIXES:
        return False
    if len(words) >= 2 and f"{words[-2]}_{words[-1]}" in _NOT_VALUE_SUFFIXES:
        return False
    if any(w in _SECRET_WORDS for w in words) and words != ["pass"]:
        return True
    return any(pair in _KEY_PAIRS for pair in zip(words, words[1:]))


_URL_RE = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


_GIT_RE = re.compile(r"^(?:git@|ssh://|git://)|\.git(?:#|$)", re.IGNORECASE)


def remote_kind(source: str) -> str | None:
    if _GIT_RE.search(source):
        return "git"
    if _URL_RE.match(source):
        return "url"
    return None
