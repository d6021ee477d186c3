"""The language of words people read: Vietnamese by default, English on request.

The language is chosen once per process (``LIENTHONG_LANG=en`` or the CLI's ``--lang en``);
messages are written as ``tr("tiếng Việt", "English")`` at the place that raises them, so each
sentence and its translation stay side by side.
"""

from __future__ import annotations

import os
import unicodedata
from typing import Literal

Language = Literal["vi", "en"]

_language: Language = "en" if os.environ.get("LIENTHONG_LANG", "").lower().startswith("en") else "vi"


def set_language(language: Language) -> None:
    """Choose the language of messages for the rest of the process."""
    global _language  # noqa: PLW0603 - one process-wide choice, made at start-up
    _language = language


def language() -> Language:
    return _language


def tr(vi: str, en: str) -> str:
    """The message in the chosen language, Vietnamese in Unicode NFC."""
    return unicodedata.normalize("NFC", vi) if _language == "vi" else en
