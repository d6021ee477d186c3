"""A day of documents through the demo network's APIs, with the SDK: send (PDFs signed with
PAdES), receive, acknowledge, walk statuses 01→03→04→05→06, one refusal (02), one recall (13→15).

Every wait is a bounded poll; what did not happen by the deadline is counted as a failure.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lienthong.client import ApiRefused, AsyncClient, ClientError, Document
from lienthong.demo._network import DemoNetwork, RunningNode
from lienthong.demo._samples import sample_pdf
from lienthong.trust import KeySigner, Pki, sign_pdf

_SUBJECTS = (
    "Về việc triển khai Trục liên thông văn bản quốc gia",
    "Về việc báo cáo tình hình gửi, nhận văn bản điện tử quý III",
    "Về việc cập nhật mã định danh sau sắp xếp đơn vị hành chính",
    "Về việc thực hiện chữ ký số trên văn bản điện tử",
    "Về việc tổ chức hội nghị tổng kết công tác năm",
    "Về việc góp ý dự thảo Nghị định",
)
_WALK = ("03", "04", "05", "06")
#: Every FAN_OUT-th document goes to every agency of the other nodes.
FAN_OUT = 40
#: Every FULL_WALK-th document's recipients walk statuses to 06.
FULL_WALK = 10
#: The document recalled (another is picked if it could not be sent).
_RECALLED = 2


@dataclass
class Tally:
    """What the demo did; ``failures`` holds one line per thing that went wrong."""

    documents: int = 0
    recipients: int = 0
    delivered: int = 0
    statuses_sent: Counter[str] = field(default_factory=Counter)
    statuses_back: int = 0
    fanned_out: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class _Sent:
    message_id: str
    document_id: str
    index: int
    node: str
    sender: str
    recipients: tuple[str, ...]


def _plan(network: DemoNetwork, index: int) -> tuple[RunningNode, str, tuple[str, ...]]:
    """Sender node, sender code and recipients of document ``index``: a realistic mix."""
    nodes = network.nodes
    node = nodes[index % len(nodes)]
    codes = node.plan.codes
    sender = codes[0] if index % 5 else codes[(index // 5) % len(codes)]
    others = [code for other in nodes if other is not node for code in other.plan.codes]
    heads = [other.plan.codes[0] for other in nodes if other is not node]
    if index % FAN_OUT == 0:
        return node, sender, tuple(others)
    if index % 3 == 0:
        return node, sender, tuple(heads)
    return node, sender, (others[index % len(others)],)


class Traffic:
    """One run of the demo's traffic over ``network``."""

    def __init__(self, network: DemoNetwork, *, documents: int, progress: Progress, deadline: float) -> None:
        self.network, self.count, self.progress = network, documents, progress
        self.deadline = time.monotonic() + deadline
        self.tally = Tally()
        pki = Pki(network.state / "pki")
        self.signers = {
            code: KeySigner.load(pki.issued(code).key_path, pki.issued(code).cert_path, [pki.issuing_path])
            for node in network.nodes
            for code in node.plan.codes
        }
        self.clients = {
            n.plan.name: AsyncClient(n.api_url, token=n.token, verify=network.root, timeout=120)
            for n in network.nodes
        }
        self.sent: dict[str, _Sent] = {}  # by document id
        self.expected_statuses = 0
        self.refused_done = False
        self.recalled: _Sent | None = None

    async def run(self) -> Tally:
        started = time.perf_counter()
        try:
            # One submission at a time per node: concurrent submissions in one node process hit a
            # race in certificate-path validation (KeyError in asn1crypto; see the report).
            gates = {name: asyncio.Semaphore(1) for name in self.clients}
            await asyncio.gather(*(self._send(index, gates) for index in range(self.count)))
            await self._receive_all()
            await self._recall()
            await self._statuses_back()
        finally:
            self.network.numbered += self.count
            for client in self.clients.values():
                await client.aclose()
            self.tally.seconds = time.perf_counter() - started
        return self.tally

    def _late(self) -> bool:
        return time.monotonic() > self.deadline

    async def _send(self, index: int, gates: dict[str, asyncio.Semaphore]) -> None:
        node, sender, recipients = _plan(self.network, index)
        number = str(1000 + self.network.numbered + index)  # a resumed network numbers on
        text = f"Cong van so {number}/{sender}"
        pdf = await asyncio.to_thread(sign_pdf, sample_pdf(text), self.signers[sender])
        async with gates[node.plan.name]:
            document = Document(
                sender=sender, to=list(recipients), number=number,
                notation="VPCP-TTĐT" if sender.endswith("G22") else "VP",
                subject=_SUBJECTS[index % len(_SUBJECTS)], place="Hà Nội",
            )  # fmt: skip
            try:
                sent = await self.clients[node.plan.name].compose(
                    document, [(f"cong-van-{number}.pdf", pdf, "application/pdf")]
                )
            except ClientError as exc:
                self.tally.failures.append(f"gửi {number}: {exc}")
                return
        self.sent[sent.document_id] = _Sent(
            sent.message_id, sent.document_id, index, node.plan.name, sender, recipients
        )
        self.tally.documents += 1
        self.tally.recipients += len(recipients)
        self.tally.fanned_out += len(recipients) > 3
        self.progress("sent", 1)

    async def _status(self, node: str, item_id: str, code: str, reason: str | None = None) -> None:
        try:
            await self.clients[node].send_status(item_id, code, reason)
        except ClientError as exc:
            self.tally.failures.append(f"trạng thái {code} {item_id[:12]}…: {exc}")
            return
        self.tally.statuses_sent[code] += 1
        self.expected_statuses += 1
        self.progress("status", 1)

    async def _handle(self, node: str, item_id: str, document_id: str) -> None:
        sent = self.sent.get(document_id)
        client = self.clients[node]
        await client.acknowledge(item_id)
        self.tally.delivered += 1
        self.progress("delivered", 1)
        await self._status(node, item_id, "01")
        if sent is None:
            return
        if not self.refused_done and sent.index % FULL_WALK and sent.index != _RECALLED:
            self.refused_done = True
            await self._status(node, item_id, "02", "Văn bản gửi nhầm nơi nhận, đề nghị kiểm tra lại")
        elif sent.index % FULL_WALK == 0:
            for code in _WALK:
                await self._status(node, item_id, code)

    async def _drain(self, node: RunningNode, gate: asyncio.Semaphore) -> int:
        """Take what is new in ``node``'s inbox (documents); returns how many."""
        client = self.clients[node.plan.name]
        page = await client.inbox(kind="document", acknowledged=False, limit=200)

        async def one(item_id: str, document_id: str) -> None:
            async with gate:
                try:
                    await self._handle(node.plan.name, item_id, document_id)
                except ClientError as exc:
                    self.tally.failures.append(f"nhận {item_id[:12]}…: {exc}")

        await asyncio.gather(*(one(i.id, i.document_id) for i in page.items))
        return len(page.items)

    async def _receive_all(self) -> None:
        gate = asyncio.Semaphore(12)
        while self.tally.delivered < self.tally.recipients and not self._late():
            taken = sum([await self._drain(node, gate) for node in self.network.nodes])
            if not taken:
                await asyncio.sleep(0.3)
        if self.tally.delivered < self.tally.recipients:
            missing = self.tally.recipients - self.tally.delivered
            self.tally.failures.append(f"{missing} lượt chuyển chưa tới nơi nhận trước hạn")

    async def _recall(self) -> None:
        """The sender of document 2 recalls it (13); its recipients agree (15)."""
        order = sorted(self.sent.values(), key=lambda s: (s.index != _RECALLED, s.index))
        target = next((s for s in order if s.index % FULL_WALK), None)
        if target is None:
            return
        self.recalled = target
        try:
            await self.clients[target.node].recall(target.message_id, "Văn bản ban hành chưa đúng thẩm quyền")
        except ClientError as exc:
            self.tally.failures.append(f"thu hồi: {exc}")
            return
        self.tally.statuses_sent["13"] += 1
        answered: set[str] = set()
        holders = [n for n in self.network.nodes if set(n.plan.codes) & set(target.recipients)]
        while len(answered) < len(target.recipients) and not self._late():
            for node in holders:
                client = self.clients[node.plan.name]
                # The 13 arrives after every other status this sender reported: read every page.
                pages = client.iter_inbox(
                    kind="status", sender=target.sender, acknowledged=False, limit=500, max_pages=100
                )
                async for item in pages:
                    if item.document_id != target.document_id:
                        continue
                    await client.acknowledge(item.id)
                    if item.recipient not in answered:
                        answered.add(item.recipient)
                        await self._status(node.plan.name, f"{target.message_id}-{item.recipient}", "15")
            if len(answered) < len(target.recipients):
                await asyncio.sleep(0.3)
        if len(answered) < len(target.recipients):
            self.tally.failures.append("yêu cầu thu hồi chưa tới mọi nơi nhận trước hạn")

    async def _statuses_back(self) -> None:
        """Statuses reach the senders: counted from the senders' inboxes (and acknowledged)."""
        while self.tally.statuses_back < self.expected_statuses and not self._late():
            taken = 0
            for node in self.network.nodes:
                client = self.clients[node.plan.name]
                page = await client.inbox(kind="status", acknowledged=False, limit=500)
                for item in page.items:
                    try:
                        await client.acknowledge(item.id)
                    except ApiRefused as exc:
                        self.tally.failures.append(f"xác nhận {item.id[:12]}…: {exc}")
                    if item.sender != item.recipient and item.document_id in self.sent:
                        taken += 1
                self.tally.statuses_back += taken
                self.progress("back", taken)
                taken = 0
            await asyncio.sleep(0.3)
        if self.tally.statuses_back < self.expected_statuses:
            missing = self.expected_statuses - self.tally.statuses_back
            self.tally.failures.append(f"{missing} trạng thái chưa về tới bên gửi trước hạn")


async def run_traffic(network: DemoNetwork, *, documents: int, progress: Progress, deadline: float) -> Tally:
    return await Traffic(network, documents=documents, progress=progress, deadline=deadline).run()
