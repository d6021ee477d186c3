"""ORM rows of the directory's statistics: reports received from nodes, and the dates level-1
bodies issued their e-document regulation. Nothing outside ``store`` sees these classes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import CODE_LENGTH, Base, UtcDateTime

DIGEST_LENGTH = 64


class StatisticsReportRow(Base):
    """The latest revision a node sent of one agency's day; counts are the report's own."""

    __tablename__ = "statistics_reports"
    __table_args__ = (
        UniqueConstraint("node", "agency", "day", name="uq_statistics_reports_node_agency_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node: Mapped[str] = mapped_column(String(200), nullable=False)
    agency: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False, index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    report_sha256: Mapped[str] = mapped_column(String(DIGEST_LENGTH), nullable=False)
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    sent: Mapped[int] = mapped_column(Integer, nullable=False)
    received: Mapped[int] = mapped_column(Integer, nullable=False)
    signed_pdf: Mapped[int] = mapped_column(Integer, nullable=False)
    refusals: Mapped[int] = mapped_column(Integer, nullable=False)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    #: JSON: the latency histogram (a list of counts), statuses and deliveries by code, stuck list.
    latency_buckets: Mapped[str] = mapped_column(Text, nullable=False)
    latency_p50: Mapped[float | None] = mapped_column(Float)
    statuses: Mapped[str] = mapped_column(Text, nullable=False)
    sent_to: Mapped[str] = mapped_column(Text, nullable=False)
    stuck: Mapped[str] = mapped_column(Text, nullable=False)
    last_activity: Mapped[datetime | None] = mapped_column(UtcDateTime)
    config_version: Mapped[int | None] = mapped_column(Integer)
    certificate_expiry: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The signed envelope exactly as received: the evidence behind the counts.
    signed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class RegulationRow(Base):
    """When a level-1 body issued its regulation on electronic documents (quy chế)."""

    __tablename__ = "agency_regulations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False, unique=True)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    reference: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
