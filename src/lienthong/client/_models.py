"""The shapes the node's REST API answers with, as typed, immutable models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)

from lienthong import _i18n
from lienthong._i18n import Message
from lienthong.client._errors import known

_J = TypeVar("_J")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def reason_of(data: dict[str, Any] | None, text: str | None) -> Message | str | None:
    """A reason the node gave as data (``{"code", "params"}``) and as its own sentence: the data,
    to be rendered in the reader's language, unless this SDK does not know its code (a newer
    node's) or it is not a message; then the sentence (which is all an older node sends)."""
    if data:
        try:
            message = Message.from_json(data)
        except ValueError:
            return text
        if text is None or known(message, _i18n.language()):
            return message
    return text


class Sent(_Model):
    """What the node answered a submission with."""

    message_id: str
    document_id: str
    package_sha256: str
    recipients: list[str]
    repeated: bool


class InboxItem(_Model):
    """One received package for one recipient code; ``id`` names it in later calls."""

    id: str
    position: int
    message_id: str
    document_id: str
    kind: str
    sender: str
    recipient: str
    received_at: datetime
    disposition: str
    superseded_by: str | None = None
    acknowledged: str | None = None
    acknowledged_at: datetime | None = None
    #: A document's subject, number, notation and sender's name, as its package says.
    subject: str | None = None
    number: str | None = None
    notation: str | None = None
    sender_name: str | None = None
    #: The last status code the recipient reported on it (``01``–``06``, ``15``, ``16``).
    status_sent: str | None = None

    @property
    def unread(self) -> bool:
        """No status reported and not acknowledged: nobody has dealt with it yet."""
        return self.status_sent is None and self.acknowledged is None


class InboxPage(_Model):
    items: list[InboxItem]
    next_cursor: int | None = None


class TimelineStep(_Model):
    document_id: str
    reporter: str
    addressee: str
    status_code: str
    label: str
    timestamp: datetime
    direction: str
    description: str | None = None


class Organisation(_Model):
    """An agency a package names: its code and, if the package gives one, its name."""

    code: str
    name: str | None = None


class PackageAttachment(_Model):
    """One attached file as the package describes it; ``content_id`` names it for download."""

    content_id: str
    name: str | None = None
    content_type: str | None = None
    description: str | None = None
    size: int | None = None
    sha256: str | None = None
    zip_wrapped: bool = False


class TraceHop(_Model):
    """One system that handled the package (edXML ``TraceHeader``), and when."""

    organ_id: str
    timestamp: AwareDatetime | None = None


class Package(_Model):
    """A received package's facts (``kind`` ``document`` or ``status``): keys the package of the
    other kind does not have are None or empty. ``model_dump(mode="json", by_alias=True)`` gives
    the JSON the node sent (less keys this SDK does not know)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    kind: str
    #: The sender's code (JSON ``from``) and name.
    sender: str = Field(alias="from")
    sender_name: str | None = Field(default=None, alias="from_name")
    #: The recipients' codes (JSON ``to``); ``recipients`` with their names, from a newer node.
    to: list[str] = []
    recipients: list[Organisation] = []
    document_id: str
    number: str | None = Field(default=None, alias="code_number")
    notation: str | None = Field(default=None, alias="code_notation")
    subject: str | None = None
    type_name: str | None = None
    signer: str | None = None
    signer_position: str | None = None
    signer_competence: str | None = None
    promulgation_place: str | None = None
    promulgation_date: date | None = None
    due_date: date | None = None
    content: str | None = None
    steering_type: int | None = None
    priority: int | None = None
    business_type: int | None = None
    business_target: str | None = None
    #: The documents it answers (a status: the one document it reports on).
    response_for: list[str] = []
    trace: list[TraceHop] = []
    attachments: list[PackageAttachment] = []
    signed: bool = False
    #: A status package's code, its label (in the language the client asked for), reason,
    #: time and the staff who reported it.
    status_code: str | None = None
    status_label: str | None = None
    description: str | None = None
    timestamp: AwareDatetime | None = None
    staff: str | None = None

    @property
    def sender_organisation(self) -> Organisation:
        return Organisation(code=self.sender, name=self.sender_name)

    @property
    def code(self) -> str | None:
        """``7816/VPCP-TTĐT``: number and notation as people write them."""
        if self.number is None:
            return None
        return f"{self.number}/{self.notation}" if self.notation else self.number


class SignatureReport(_Model):
    """The check of the package's XML signature, made by the node when it was read."""

    valid: bool
    #: The signer certificate's subject (RFC 4514), and the agency code it names.
    signer: str | None = None
    agency_code: str | None = None
    sender_code: str | None = None
    algorithm: str | None = None
    weak: bool = False
    #: ETSI EN 319 102-1 indication (``TOTAL-PASSED`` …) and sub-indication when not valid.
    indication: str | None = None
    subindication: str | None = None
    intact: bool | None = None
    trusted: bool | None = None
    revoked: bool | None = None
    validation_time: AwareDatetime | None = None
    #: Why it is not valid, in the node's words; ``problem_message`` as data.
    problem: str | None = None
    problem_message: dict[str, Any] | None = None

    @property
    def why(self) -> Message | str | None:
        """Why it is not valid: a ``Message`` to render in the reader's language, or a sentence."""
        return reason_of(self.problem_message, self.problem)


class SignerPerson(_Model):
    """The signer of a PDF as their certificate names them (what the certificate says)."""

    name: str | None = None
    #: Title, or an organisational unit that is not the agency code.
    position: str | None = None
    organization: str | None = None
    agency_code: str | None = None
    not_before: AwareDatetime | None = None
    not_after: AwareDatetime | None = None


class PdfSignature(_Model):
    """One signature in a PDF attachment, as the node checked it."""

    field: str | None = None
    valid: bool
    intact: bool | None = None
    trusted: bool | None = None
    revoked: bool | None = None
    signer: str | None = None
    signing_time: AwareDatetime | None = None
    timestamped: bool = False
    #: The signer as a person; absent from nodes that predate it.
    person: SignerPerson | None = None
    #: Where the signature is drawn: page (from 1) and box (PDF points); None when invisible.
    page: int | None = None
    box: list[float] | None = None
    problem: str | None = None
    problem_message: dict[str, Any] | None = None

    @property
    def why(self) -> Message | str | None:
        return reason_of(self.problem_message, self.problem)


class AttachmentSignatures(_Model):
    """The signatures of one PDF attachment; without ``content_id`` when the node could not
    check them (an unreadable PDF, a package too large to check PDFs in): ``problem`` says why."""

    content_id: str | None = None
    name: str | None = None
    zip_wrapped: bool = False
    signed: bool = False
    valid: bool
    signatures: list[PdfSignature] = []
    problem: str | None = None
    problem_message: dict[str, Any] | None = None

    @property
    def why(self) -> Message | str | None:
        return reason_of(self.problem_message, self.problem)


class DocumentView(_Model):
    """A received document: its item, its package, the package's signature report, each PDF
    attachment's signatures, and its timeline. ``package_json`` and the other ``*_json`` are the
    node's JSON as it came (every key, a newer node's too)."""

    item: InboxItem
    package: Package
    signature: SignatureReport
    attachment_signatures: list[AttachmentSignatures]
    timeline: list[TimelineStep]
    _json: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_json(cls, data: Any, handler: ModelWrapValidatorHandler[DocumentView]) -> DocumentView:
        view = handler(data)
        if isinstance(data, dict):
            raw = {key: data.get(key) for key in ("package", "signature", "attachment_signatures")}
            view._json = raw
        return view

    @property
    def package_json(self) -> dict[str, Any]:
        """The package as the node sent it (what ``package`` was before it was typed)."""
        return self._raw("package", self.package.model_dump(mode="json", by_alias=True))

    @property
    def signature_json(self) -> dict[str, Any]:
        return self._raw("signature", self.signature.model_dump(mode="json"))

    @property
    def attachment_signatures_json(self) -> list[dict[str, Any]]:
        typed = [found.model_dump(mode="json") for found in self.attachment_signatures]
        return self._raw("attachment_signatures", typed)

    def _raw(self, key: str, default: _J) -> _J:
        found = self._json.get(key)
        return cast("_J", found) if found is not None else default


class RecipientState(_Model):
    recipient: str
    deliver_to: str
    delivery: str
    attempts: int
    #: Why the last delivery failed or was refused, in the words of the node (in the language
    #: the client asked for); ``last_error_message`` is the same as data, from a newer node.
    last_error: str | None = None
    delivered_at: datetime | None = None
    business_status: str | None = None
    business_status_at: datetime | None = None
    last_error_message: dict[str, Any] | None = Field(
        default=None, validation_alias=AliasChoices("last_error_message", "reason_message")
    )

    @property
    def why(self) -> Message | str | None:
        """Why the last delivery failed or was refused: a ``Message`` to render, or a sentence."""
        return reason_of(self.last_error_message, self.last_error)


class OutboxMessage(_Model):
    """A sent document: delivery and business status per recipient, and its timeline."""

    message_id: str
    document_id: str
    kind: str
    sender: str
    created_at: datetime
    recipients: list[RecipientState]
    timeline: list[TimelineStep]


class OutboxPage(_Model):
    items: list[OutboxMessage]
    next_cursor: int | None = None


class Agency(_Model):
    code: str
    name: str | None = None
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    node: str | None = None


class Document(_Model):
    """Metadata of a document the node builds and signs (``compose``)."""

    sender: str
    to: list[str]
    number: str
    notation: str
    subject: str
    sender_name: str | None = None
    content: str | None = None
    promulgated_on: date | None = None
    place: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs the document (edXML ``SignerInfo``), given to ``compose``."""

    name: str
    position: str | None = None
    competence: str | None = None


class Event(_Model):
    """Something that happened to a document of one of the client's codes (``/api/v1/events``)."""

    #: Increasing, never reused: resume after it (``Last-Event-ID``, ``after``).
    id: int
    #: ``document.received``, ``status.received``, ``recall.requested``, ``recall.answered``,
    #: ``document.sent``, ``status.sent``, ``delivery.delivered``, ``delivery.rejected``,
    #: ``delivery.failed``.
    type: str
    at: datetime
    #: The client's agency code concerned; ``party`` is the other side.
    code: str
    party: str
    message_id: str
    document_id: str
    kind: str
    #: For packages received: the inbox item (``/api/v1/inbox/{item_id}``).
    item_id: str | None = None
    status_code: str | None = None
    #: A refusal's or a status's reason, as the node words it; ``reason_message``, as data.
    reason: str | None = None
    reason_message: dict[str, Any] | None = None

    @property
    def why(self) -> Message | str | None:
        """The reason: a ``Message`` to render in the reader's language, or a sentence."""
        return reason_of(self.reason_message, self.reason)


class EventPage(_Model):
    events: list[Event]
    #: Pass back as ``after`` for the next page (it moves even when no event was in scope).
    next_after: int


class Webhook(_Model):
    """A client's webhook; ``secret`` only in the answer that registered it."""

    url: str
    cursor: int
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    secret: str | None = None
