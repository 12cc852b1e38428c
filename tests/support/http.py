"""Plain HTTP requests for tests: the status and body, also for 4xx/5xx answers."""
from __future__ import annotations

import urllib.error
import urllib.request
from typing import Dict, Optional, Tuple


def request(url: str, method: Optional[str] = "GET", body: Optional[bytes] = None,
            headers: Optional[Dict[str, str]] = None, timeout: float = 10) -> Tuple[int, bytes]:
    """``method`` None: GET, or POST when there is a body (urllib's own choice)."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
