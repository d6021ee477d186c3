"""A node home's settings name an agency's signing key either as a PEM file or as a PKCS#11
URI (SoftHSM2 here): the URI is kept as written, never taken for a file, and signs."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from lienthong.node import NodeHome
from lienthong.trust import KeySigner, KeyType, Pkcs11Signer, sign_package, verify_package
from support.pki import SENDER, GeneratedPki, issue_for_key
from support.softhsm import Token
from trust.trust_support import package


def test_an_agency_signer_in_a_token(test_pki: GeneratedPki, softhsm: Token, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    node = test_pki.pki.issued("nghe-an")
    shutil.copy(node.key_path, home / "tls.key.pem")
    (home / "tls.key.pem").chmod(0o600)
    shutil.copy(node.cert_path, home / "tls.pem")
    shutil.copy(test_pki.pki.issuing_path, home / "issuing.pem")
    issue_for_key(test_pki.pki, softhsm.public_keys["rsa"], home / "sender.pem", agency_code=SENDER)
    uri = softhsm.uri("rsa")
    settings = {
        "name": "nghe-an",
        "key": "tls.key.pem",
        "certificate": "tls.pem",
        "chain": ["issuing.pem"],
        "signers": {SENDER: {"key": uri, "certificate": "sender.pem"}},
    }
    (home / "node.json").write_text(json.dumps(settings))
    (home / "node.json").chmod(0o600)

    loaded = NodeHome.load(home)
    assert loaded.signer_paths == ((SENDER, uri, home / "sender.pem"),)
    assert json.loads(loaded.to_json())["signers"][SENDER]["key"] == uri  # written back as given
    assert uri not in map(str, loaded.secret_paths())  # a URI has no file mode to check
    loaded.check_modes()

    assert isinstance(loaded.signer(), KeySigner)  # the node's own key (also its TLS key) is a file
    signer = loaded.agency_signers()[SENDER]
    assert isinstance(signer, Pkcs11Signer) and signer.key_type is KeyType.RSA
    signed = sign_package(package(SENDER), signer)
    report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=datetime.now(UTC))
    assert report.valid, report.problem
    signer.close()
