"""How much memory this machine can give, and a refusal that says so before the work starts.

``available()`` is the smaller of the kernel's MemAvailable and the cgroup's limit (a container);
``require(needed, what)`` raises ConfigError when ``needed`` bytes exceed it, with both numbers —
an allocation that would be killed by the out-of-memory killer minutes later is refused at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError


def available() -> int:
    """Bytes this process may still allocate (MemAvailable, capped by a cgroup limit); a large
    number where neither can be read (then nothing is refused)."""
    found = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    for limit, usage in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                         ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            found.append(int(Path(limit).read_text()) - int(Path(usage).read_text()))
        except (OSError, ValueError):
            continue
    return max(min(found), 0) if found else 1 << 62


def gib(n: float) -> str:
    """3.2 GiB, 512 MiB, 2,235 GiB, 2.6e+25 GiB."""
    g = n / 2**30
    return f"{n / 2**20:.0f} MiB" if g < 1 else f"{g:.1f} GiB" if g < 100 else f"{g:,.0f} GiB" if g < 1e6 else f"{g:.1e} GiB"


def require(needed: float, what: str) -> None:
    """ConfigError unless ``needed`` bytes fit in what this machine has available now
    (``NABLAB_MEMORY_LIMIT`` bytes, when set, stands in for the machine: tests, shared hosts)."""
    have = int(os.environ.get("NABLAB_MEMORY_LIMIT") or available())
    if needed > have:
        raise ConfigError(f"{what} needs about {gib(needed)} of memory; this machine has {gib(have)} available")
