"""How a serving command logs: plain lines for a person at a terminal, or one JSON object per
line (``lienthong.statistics.JsonFormatter``) for a log collector."""

from __future__ import annotations

import enum
import logging
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.statistics import configure_json_logging


class LogFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


LogFormatOption = Annotated[
    LogFormat,
    typer.Option(
        "--log-format",
        envvar="LIENTHONG_LOG_FORMAT",
        case_sensitive=False,
        help=say("help-logs-log-format"),
    ),
]


def setup_logging(log_format: LogFormat, *, level: int) -> None:
    if log_format is LogFormat.JSON:
        configure_json_logging(level=level)
    else:
        logging.basicConfig(level=level, format="%(name)s %(message)s")
    # Alembic tells of its migration context at info on every start: nothing for an operator.
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
