"""lienthong: a national e-document interconnection network (trục liên thông văn bản)."""

from lienthong.errors import LienthongError

__all__ = ["LienthongError", "__version__"]

__version__ = "0.1.0"
