"""``Network``: the routing questions, answered from directory entries alone.

The registry (from its database) and a verified configuration (from its signed bytes) both
answer through this one class, so they cannot disagree. Code validity and successors come from
``lienthong.codes.CodeRegistry`` (built lazily: a node that only routes to open codes rarely
pays for it); which node serves a code is the longest subtree rule that contains it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from lienthong._i18n import Message, msg
from lienthong.codes import AgencyCode, CodeRegistry, CodeStatus, parse_code
from lienthong.directory._errors import CodeClosed, NoServingNode, SignerNotEntitled
from lienthong.store import AgencyEntry, CertificateBinding, NodeEntry


@dataclass(frozen=True, slots=True)
class Route:
    """Where a document for ``status.code`` goes on ``status.at``: primary facts only."""

    #: What the registry says of the code that day (validity, successors).
    status: CodeStatus
    #: The node whose subtree rule is the longest containing the code; None when none does.
    #: Given even for a closed code: it is who served it, not who to send to.
    node: NodeEntry | None
    #: The subtree rule that matched (the code itself or a unit above it).
    rule: str | None

    @property
    def deliverable(self) -> bool:
        """True when a document may be sent: the code is not closed and a node serves it."""
        return self.status.active is not False and self.node is not None

    @property
    def successor(self) -> str | None:
        """The code that took over (end of the chain), when the code is closed."""
        return self.status.final_successor

    @property
    def problem(self) -> Message | str | None:
        """Why the route cannot be used (a message, rendered where it is shown); None when it can."""
        if self.status.problem is not None:
            return self.status.problem
        if self.node is None:
            return msg("directory-no-serving-node", code=self.status.code.text)
        return None


#: Routes one network remembers (codes a node talks to, by day); forgotten all at once beyond.
_ROUTES_KEPT = 4096


class Network:
    """Agencies, nodes and bindings as of one version; immutable once built."""

    def __init__(
        self,
        *,
        agencies: Iterable[AgencyEntry],
        nodes: Iterable[NodeEntry],
        bindings: Iterable[CertificateBinding] = (),
    ) -> None:
        self._agencies = tuple(agencies)
        self._registry: CodeRegistry | None = None
        self.nodes: Mapping[str, NodeEntry] = {node.name: node for node in nodes}
        #: Subtree rule -> node name.
        self.rules: Mapping[str, str] = {
            code: node.name for node in self.nodes.values() for code in node.subtrees
        }
        by_fingerprint: dict[str, list[CertificateBinding]] = {}
        for binding in bindings:
            by_fingerprint.setdefault(binding.fingerprint, []).append(binding)
        self._bindings = by_fingerprint
        self._routes: dict[tuple[object, ...], Route] = {}

    @property
    def agencies(self) -> tuple[AgencyEntry, ...]:
        return self._agencies

    @property
    def registry(self) -> CodeRegistry:
        """The agencies as a code registry (validity, successors), built on first use."""
        if self._registry is None:
            self._registry = CodeRegistry(entry.record() for entry in self._agencies)
        return self._registry

    def status(self, code: AgencyCode | str, *, at: date) -> CodeStatus:
        return self.registry.lookup(code, at=at)

    def serving(self, code: AgencyCode | str) -> tuple[str | None, NodeEntry | None]:
        """The longest subtree rule containing ``code`` and its node; (None, None) if none."""
        parsed = parse_code(code, lenient=True) if isinstance(code, str) else code
        for unit in (parsed, *parsed.parents):
            name = self.rules.get(unit.text)
            if name is not None:
                return unit.text, self.nodes[name]
        return None, None

    def route(self, code: AgencyCode | str, *, at: date) -> Route:
        """Where a document for ``code`` goes on ``at``; never raises for a closed code."""
        # Every package asks the same few codes several times (served here? addressed? where
        # to?), and a network never changes once built: each answer is worked out once a day.
        # A code object may carry how it was written (lenient, problem): part of its key.
        key = (code, at) if isinstance(code, str) else (code.text, code.lenient, code.problem, at)
        route = self._routes.get(key)
        if route is None:
            rule, node = self.serving(code)
            route = Route(self.status(code, at=at), node, rule)
            if len(self._routes) >= _ROUTES_KEPT:
                self._routes.clear()
            self._routes[key] = route
        return route

    def node_for(self, code: AgencyCode | str, *, at: date) -> NodeEntry:
        """The node to deliver to; raises ``CodeClosed`` (naming the successor) or ``NoServingNode``."""
        route = self.route(code, at=at)
        text = route.status.code.text
        if route.status.active is False:
            raise CodeClosed(route.problem or "", agency=text, at=at, successor=route.successor)
        if route.node is None:
            raise NoServingNode(route.problem or "", agency=text, at=at)
        return route.node

    def may_sign(self, fingerprint: str, code: AgencyCode | str) -> bool:
        """True when the certificate is bound to ``code``, or to a unit above it as a subtree."""
        parsed = parse_code(code, lenient=True) if isinstance(code, str) else code
        for binding in self._bindings.get(fingerprint.lower(), ()):
            if binding.code == parsed.text:
                return True
            if binding.subtree and parse_code(binding.code, lenient=True).contains(parsed):
                return True
        return False

    def check_signer(self, fingerprint: str, code: AgencyCode | str) -> None:
        """Raise ``SignerNotEntitled`` unless the certificate may sign for ``code``."""
        if not self.may_sign(fingerprint, code):
            text = code if isinstance(code, str) else code.text
            raise SignerNotEntitled(
                msg("directory-signer-not-entitled", fingerprint=fingerprint[:16], code=text),
                fingerprint=fingerprint,
                agency=text,
            )
