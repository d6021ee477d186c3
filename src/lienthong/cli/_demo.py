"""`lienthong demo`."""

from __future__ import annotations


def demo() -> None:
    """Chạy thử: đọc và kiểm tra các gói tin mẫu."""
