"""Signed statements keep the format statements had before seals: an RSA signer's statement is
byte for byte what the TLS key signed (``RS256``); a seal key of another type names its own
algorithm, which the reader checks against the certificate's key."""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.evidence import canonical_json, read_statement, sign_statement
from lienthong.trust import KeySigner
from support.pki import GeneratedPki, self_signed, stray_key

PAYLOAD = {"type": "log-head", "v": 1, "node": "vpcp", "seq": 7, "hash": "00" * 32}


def test_an_rsa_statement_is_the_bytes_statements_always_had(test_pki: GeneratedPki) -> None:
    signer = test_pki.node_keys["vpcp"]
    key = signer.private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    body = canonical_json(PAYLOAD)
    # The format as written before seals existed, built here by hand.
    header = {
        "alg": "RS256",
        "chain": [
            base64.b64encode(c.public_bytes(Encoding.DER)).decode()
            for c in (signer.certificate, *signer.chain)
        ],
        "sig": base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode(),
    }
    before = b"LTSTMT/1\n" + json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n" + body
    assert sign_statement(PAYLOAD, signer) == before
    assert read_statement(before).payload == PAYLOAD


def test_an_ec_seal_signs_es256_statements_that_read_back() -> None:
    key = stray_key()
    signer = KeySigner(key, self_signed("seal", key))
    statement = sign_statement(PAYLOAD, signer)
    assert b'"alg":"ES256"' in statement.split(b"\n")[1]
    read = read_statement(statement)
    assert read.signer == signer.certificate and read.payload == PAYLOAD
