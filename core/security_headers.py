"""The headers every response must carry, checked by the tests and by the production smoke
suite on every URL it visits (no Django settings needed, so the smoke script can use it)."""

from collections.abc import Callable

EXACT = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def header_problems(header: Callable[[str], str | None]) -> list[str]:
    """What is missing or weak in a response's headers; ``header(name)`` reads one."""
    problems = [
        f"{name} is {header(name)!r}, not {value!r}"
        for name, value in EXACT.items()
        if header(name) != value
    ]
    if "no-store" not in (header("Cache-Control") or ""):
        problems.append(f"Cache-Control is {header('Cache-Control')!r}, without no-store")
    policy = header("Content-Security-Policy") or ""
    for needed in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        if needed not in policy:
            problems.append(f"Content-Security-Policy lacks {needed}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append("Content-Security-Policy allows inline or eval'd code")
    if "camera=()" not in (header("Permissions-Policy") or ""):
        problems.append("Permissions-Policy is missing")
    return problems
