"""The test PKIs, declared here once and generated with lienthong's own ``Pki`` (never
hand-edited files). No other test module makes a CA, a certificate, a key or a CRL
(``tests/test_test_layout.py`` holds it); tests may issue more certificates from these CAs.

Dates are fixed relative to the session's start (``AT``), because the OCSP responder and the
TSA run on the real clock: every CA of a plan is a month old at ``AT``.

A plan (``PkiPlan``) declares one PKI and an unrelated "foreign" CA nobody trusts, whose
agency certificate ``sender`` claims SENDER. The scenarios are plans:

    TRUST    the trust tests: agencies ``sender`` and ``other``, ``revoked`` (key compromise a
             day before AT, in the CRL written an hour before AT) and ``expired`` (twenty days
             before AT)
    NETWORK  the in-process network of the node tests (``node.node_network``): six agencies
             named by their codes, the nodes ``nghe-an`` and ``vpcp``
    TLS      real servers on loopback (``Tls``): the nodes ``directory``, ``node-a``, ``node-b``,
             and the foreign CA's ``intruder``

Fixtures (registered for the whole suite by ``tests/conftest.py``): ``test_pki`` is the PKI of
the plan a test directory names with ``pki_plan`` (NETWORK unless its conftest says otherwise);
``tls`` is TLS's files. Each plan is generated once a session (``pkis``).

A key in a token (``support.softhsm``) gets its certificate from ``issue_for_key``.

Networks of real processes need a PKI home of their own, whose files they copy and where they
issue more: ``build_pki``. The directory's input checks take certificates and CRLs signed by no
CA of ours: ``certificate_pem``, ``crl_pem``, ``self_signed``, ``stray_key``, ``stray_rsa_key``;
``root_crl`` is a CRL of a plan's root revoking what a test names.

Rollovers: ``renewed_issuing_ca`` is a second issuing CA under a PKI's root (the issuing CA
renewed); ``agency_signer`` issues an agency a certificate from any issuer (a renewal);
``issuer_crl`` is such an issuer's CRL.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from lienthong.net import client_context
from lienthong.trust import IssuedCertificate, KeySigner, Pki, load_crls, load_private_key
from lienthong.trust.hazmat import (
    Issuer,
    Locations,
    RevokedEntry,
    Validity,
    make_agency_certificate,
    make_ca,
    make_crl,
    new_key,
)
from lienthong.trust.hazmat import name as ca_name

AT = datetime.now(UTC).replace(microsecond=0)
PKI_START = AT - timedelta(days=30)
#: Where loose certificates and CRLs (``self_signed``, ``crl_pem``) start.
START = datetime(2025, 1, 1, tzinfo=UTC)

SENDER = "000.00.00.H41"  # UBND tỉnh Nghệ An
OTHER = "000.00.00.G22"  # Văn phòng Chính phủ


@dataclass(frozen=True)
class Agency:
    """An agency's document-signing certificate in a plan."""

    code: str
    agency_name: str
    #: Its files' name in the PKI home (by default its code).
    name: str | None = None
    days: int = 730
    #: How long before ``AT`` it was revoked (key compromise); None: never.
    revoked: timedelta | None = None

    @property
    def file_name(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class PkiPlan:
    """A PKI made at ``PKI_START``: its CAs' organisation name, what they issue, and what the
    foreign CA beside it issues (always the impostor agency certificate ``sender``)."""

    name: str
    agencies: tuple[Agency, ...] = ()
    nodes: tuple[str, ...] = ()
    foreign_nodes: tuple[str, ...] = ()
    #: The OCSP responder every certificate the CAs issue names (``serve_pki`` on its port).
    ocsp_url: str | None = None


TRUST = PkiPlan(
    "Lienthong Test",
    agencies=(
        Agency(SENDER, "UBND tỉnh Nghệ An", name="sender", days=3650),
        Agency(OTHER, "Văn phòng Chính phủ", name="other", days=3650),
        Agency(SENDER, "UBND tỉnh Nghệ An (cũ)", name="revoked", days=3650, revoked=timedelta(days=1)),
        Agency(SENDER, "UBND tỉnh Nghệ An (hết hạn)", name="expired", days=10),
    ),
)
NETWORK = PkiPlan(
    "Lienthong Node Test",
    agencies=(
        Agency(SENDER, "UBND tỉnh Nghệ An"),
        Agency("000.00.00.G22", "Văn phòng Chính phủ"),
        Agency("000.00.00.H42", "UBND Ninh Bình"),
        Agency("000.00.00.G09", "Bộ Nội vụ"),
        Agency("000.00.00.H26", "UBND thành phố Hà Nội"),
        Agency("000.00.12.H26", "Sở Nội vụ Hà Nội"),
    ),
    nodes=("nghe-an", "vpcp"),
)
TLS = PkiPlan("Lienthong", nodes=("directory", "node-a", "node-b"), foreign_nodes=("intruder",))


def build_pki(
    folder: Path,
    *,
    at: datetime,
    name: str = "Lienthong",
    agencies: Iterable[Agency | str] = (),
    nodes: Iterable[str] = (),
    ocsp_url: str | None = None,
) -> Pki:
    """A PKI home in ``folder`` (root and issuing CA, TSA, OCSP responder) made at ``at``, with a
    certificate issued at ``at`` for each agency (a bare code: its own name) and each node; the
    revoked ones are in a CRL written an hour before ``AT``."""
    pki = Pki.init(folder, at=at, name=name, ocsp_url=ocsp_url)
    revoked = False
    for agency in agencies:
        spec = agency if isinstance(agency, Agency) else Agency(agency, agency)
        issued = pki.issue_agency(spec.code, spec.agency_name, at=at, days=spec.days, name=spec.name)
        if spec.revoked is not None:
            reason = x509.ReasonFlags.key_compromise
            pki.revoke(issued.certificate.serial_number, at=AT - spec.revoked, reason=reason)
            revoked = True
    for node in nodes:
        pki.issue_node(node, at=at)
    if revoked:
        pki.write_crl(at=AT - timedelta(hours=1))
    return pki


def issue_for_key(
    pki: Pki,
    public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    path: Path,
    *,
    agency_code: str = SENDER,
    agency_name: str = "UBND tỉnh Nghệ An",
) -> Path:
    """A document-signing certificate from ``pki``'s issuing CA for a key held elsewhere (a
    token's: only its public half is here), written to ``path`` as PEM."""
    certificate = make_agency_certificate(
        pki.issuer,
        public,
        agency_code=agency_code,
        agency_name=agency_name,
        validity=Validity(PKI_START, 365),
        locations=Locations(crl_url=None, ocsp_url=None),
    )
    path.write_bytes(certificate.public_bytes(Encoding.PEM))
    return path


def fullchain(pki: Pki, name: str, folder: Path) -> tuple[Path, Path]:
    """(certificate followed by the issuing CA's, key) of ``pki``'s certificate ``name``, the
    chain written in ``folder``: what a TLS server presents."""
    issued = pki.issued(name)
    chain = folder / f"{name}.fullchain.pem"
    chain.write_bytes(issued.cert_path.read_bytes() + pki.issuing_path.read_bytes())
    return chain, issued.key_path


def _signer(pki: Pki, issued: IssuedCertificate) -> KeySigner:
    return KeySigner.load(issued.key_path, issued.cert_path, [pki.issuing_path])


@dataclass(frozen=True)
class GeneratedPki:
    """A plan's PKI and what tests need from it, loaded once."""

    pki: Pki
    foreign: Pki  # an unrelated CA nobody trusts
    #: Agency certificates by file name (TRUST: role; NETWORK: code).
    issued: dict[str, IssuedCertificate]
    signers: dict[str, KeySigner]
    #: Node (TLS) certificates by name.
    node_keys: dict[str, KeySigner]
    foreign_signer: KeySigner  # the foreign CA's certificate claiming SENDER
    crls: tuple[x509.CertificateRevocationList, ...]

    @property
    def root(self) -> x509.Certificate:
        return self.pki.root

    @property
    def anchors(self) -> list[x509.Certificate]:
        return [self.pki.root]


def generate(folder: Path, plan: PkiPlan) -> GeneratedPki:
    """``plan``'s PKI in ``folder``/pki and its foreign CA in ``folder``/foreign."""
    pki = build_pki(
        folder / "pki", at=PKI_START, name=plan.name, agencies=plan.agencies, nodes=plan.nodes,
        ocsp_url=plan.ocsp_url,
    )  # fmt: skip
    foreign = build_pki(folder / "foreign", at=PKI_START, name="Foreign", nodes=plan.foreign_nodes)
    impostor = foreign.issue_agency(SENDER, "Kẻ mạo danh", at=PKI_START, name="sender")
    issued = {agency.file_name: pki.issued(agency.file_name) for agency in plan.agencies}
    return GeneratedPki(
        pki=pki,
        foreign=foreign,
        issued=issued,
        signers={name: _signer(pki, certificate) for name, certificate in issued.items()},
        node_keys={node: _signer(pki, pki.issued(node)) for node in plan.nodes},
        foreign_signer=_signer(foreign, impostor),
        crls=tuple(load_crls([pki.crl_path])),
    )


class PkiCache:
    """Each plan's PKI, generated the first time a test asks for it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[PkiPlan, GeneratedPki] = {}

    def __call__(self, plan: PkiPlan) -> GeneratedPki:
        if plan not in self.built:
            self.built[plan] = generate(self.folder / f"plan-{len(self.built)}", plan)
        return self.built[plan]


@pytest.fixture(scope="session")
def pkis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PkiCache]:
    folder = tmp_path_factory.mktemp("pkis")
    yield PkiCache(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pki_plan() -> PkiPlan:
    """The plan of ``test_pki``: a test directory's conftest may name another."""
    return NETWORK


@pytest.fixture(scope="module")
def test_pki(pkis: PkiCache, pki_plan: PkiPlan) -> GeneratedPki:
    """The PKI of the directory's plan (module scope: the plan may differ by directory; it is
    generated once a session)."""
    return pkis(pki_plan)


@dataclass(frozen=True)
class Tls:
    """TLS's files: its root, the directory's TLS chain and key, two nodes', a foreign node's."""

    root: Path
    server: tuple[Path, Path]
    node: tuple[Path, Path]
    peer: tuple[Path, Path]
    foreign: tuple[Path, Path]

    def client(self, *, identity: tuple[Path, Path] | None = None) -> httpx.Client:
        certificate, key = identity or (None, None)
        context = client_context(anchors=self.root, certificate=certificate, key=key)
        return httpx.Client(verify=context, http2=True, timeout=30)


@pytest.fixture(scope="session")
def tls(pkis: PkiCache) -> Tls:
    """One network PKI for real servers, the whole session: making RSA keys is slow. Its chains
    sit beside its two homes (``pki``, ``foreign``)."""
    generated = pkis(TLS)
    folder = generated.pki.home.parent
    return Tls(
        generated.pki.root_path,
        fullchain(generated.pki, "directory", folder),
        fullchain(generated.pki, "node-a", folder),
        fullchain(generated.pki, "node-b", folder),
        fullchain(generated.foreign, "intruder", folder),
    )


# -- loose certificates and CRLs -------------------------------------------------------------


def stray_key() -> ec.EllipticCurvePrivateKey:
    """A new EC key no certificate of ours holds."""
    return ec.generate_private_key(ec.SECP256R1())


def stray_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A new RSA key no certificate of ours holds (``bits`` below 2048 for a refusal)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def self_signed(
    common_name: str,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None,
    *,
    not_before: datetime = START,
    days: int = 3650,
    attributes: tuple[x509.NameAttribute[str], ...] = (),
) -> x509.Certificate:
    """A self-signed certificate of ``key`` (by default a new EC key); ``attributes`` follow
    the common name in its subject."""
    key = key or stray_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name), *attributes])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def certificate_pem(common_name: str, key: ec.EllipticCurvePrivateKey | None = None) -> str:
    """A self-signed EC certificate (the tests care about its bytes, not its chain)."""
    return self_signed(common_name, key).public_bytes(Encoding.PEM).decode("ascii")


def crl_pem(
    issuer: str, *, this_update: datetime = START, key: ec.EllipticCurvePrivateKey | None = None
) -> str:
    """A CRL of ``issuer`` signed by ``key`` (by default a new key: signed by nobody known)."""
    key = key or stray_key()
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .last_update(this_update)
        .next_update(this_update + timedelta(days=7))
        .sign(key, hashes.SHA256())
    )
    return crl.public_bytes(Encoding.PEM).decode("ascii")


def root_crl(
    pki: Pki, *, revoked: Iterable[int], at: datetime, reason: x509.ReasonFlags
) -> x509.CertificateRevocationList:
    """A CRL of ``pki``'s root, issued at ``at`` (valid a day), revoking the serials ``revoked``
    (say its issuing CA's) from ``at``."""
    root_key = load_private_key(pki.home / "root.key.pem")
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.root.subject)
        .last_update(at)
        .next_update(at + timedelta(days=1))
    )
    for serial in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(at)
            .add_extension(x509.CRLReason(reason), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(root_key, hashes.SHA256())


def renewed_issuing_ca(pki: Pki, *, at: datetime, days: int = 3650) -> Issuer:
    """A second issuing CA under ``pki``'s root, made at ``at``: the issuing CA renewed, the
    old one still valid beside it (a new key, the same name with " 2")."""
    root_key = load_private_key(pki.home / "root.key.pem")
    assert isinstance(root_key, rsa.RSAPrivateKey)  # the PKI's CAs are RSA
    root = Issuer(pki.root, root_key)
    key = new_key()
    (common_name,) = pki.issuing.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    subject = ca_name(f"{common_name.value!s} 2")
    return Issuer(make_ca(subject, key, Validity(at, days), issuer=root, path_length=0), key)


def agency_signer(issuer: Issuer, code: str, *, at: datetime, days: int) -> KeySigner:
    """A signer for agency ``code`` holding a certificate from ``issuer`` valid ``days`` from
    ``at`` (a renewal, or one from a renewed issuing CA), its chain carrying ``issuer``."""
    key = new_key()
    certificate = make_agency_certificate(
        issuer, key.public_key(), agency_code=code, agency_name=code, validity=Validity(at, days)
    )
    return KeySigner(key, certificate, [issuer.certificate])


def issuer_crl(
    issuer: Issuer, *, revoked: Iterable[x509.Certificate] = (), at: datetime
) -> x509.CertificateRevocationList:
    """A CRL of ``issuer`` (say a renewed issuing CA) issued at ``at`` (valid a week), revoking
    ``revoked`` from ``at`` for key compromise."""
    entries = [RevokedEntry(c.serial_number, at, x509.ReasonFlags.key_compromise) for c in revoked]
    return make_crl(issuer, entries, this_update=at)
