"""Passwords in database URLs (``--storage postgresql://user:secret@host/db``) are never written
or printed: spec.json, the recorded command, --set items, .lock and every message show
``user:***@``, and the sweep's spec keeps the URL without its password.

The password lives in this process's environment (``NABLAB_STORAGE_PASSWORD``), which the pool's
and a local Dask cluster's workers inherit; ``with_password`` puts it back into the URL at the
moment a connection is opened. A ``--resume`` in a new shell takes it from that variable, or the
database's own means (PostgreSQL's PGPASSWORD or ~/.pgpass) — the run directory does not hold it.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, unquote

PASSWORD_ENV = "NABLAB_STORAGE_PASSWORD"
_USER_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+):(?P<password>[^@\s]*)@", re.IGNORECASE)


def redact(text: str) -> str:
    """'postgresql://me:secret@host/db' → 'postgresql://me:***@host/db', anywhere in ``text``."""
    return _USER_PASSWORD.sub(lambda m: f"{m['head']}:***@", str(text))


def move_password(url: str) -> str:
    """``url`` without its password; the password (if there was one) goes to PASSWORD_ENV."""
    match = _USER_PASSWORD.search(url or "")
    if not match or match.start() != 0:
        return url
    os.environ[PASSWORD_ENV] = unquote(match["password"])
    return f"{match['head']}@{url[match.end():]}"


def with_password(url: str) -> str:
    """``url`` with PASSWORD_ENV's password put back, when it names a user and has no password."""
    password = os.environ.get(PASSWORD_ENV)
    match = re.match(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+)@", url or "", re.IGNORECASE)
    if not password or not match:
        return url
    return f"{match['head']}:{quote(password, safe='')}@{url[match.end():]}"
