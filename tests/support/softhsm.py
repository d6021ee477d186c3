"""A PKCS#11 token for the tests: SoftHSM2 with its token files in the session's temporary
directory (``SOFTHSM2_CONF``), keys made in it by OpenSC's ``pkcs11-tool``.

One token a session (``softhsm``): SoftHSM reads its configuration when the module is first
initialised, and a process initialises a module once, so every test of a process shares it.
It holds an RSA 2048 key (object ``rsa``, id 01) and an ECDSA P-256 key (``ec``, id 02); the
certificates for them come from a plan's PKI (``support.pki.issue_for_key``).

Without ``softhsm2-util`` the tests that use the token are skipped, except where ``CI`` is set:
there ``scripts/install-system-deps.sh`` installs it, and its absence fails them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

#: Debian's softhsm2 module.
MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
LABEL = "lienthong-test"
PIN = "246810"
SO_PIN = "13579135"


@dataclass(frozen=True)
class Token:
    label: str
    module: Path
    #: A file holding the user PIN, mode 0600.
    pin_file: Path
    #: The token's keys' public halves by object label (``rsa``, ``ec``).
    public_keys: dict[str, rsa.RSAPublicKey | ec.EllipticCurvePublicKey]

    def uri(self, object_label: str, *, pin_file: Path | None = None) -> str:
        """The RFC 7512 URI of a key, the module and PIN file named in it."""
        return (
            f"pkcs11:token={self.label};object={object_label};type=private"
            f"?module-path={self.module}&pin-source=file:{pin_file or self.pin_file}"
        )


def require_softhsm() -> str:
    """``softhsm2-util``'s path; skips the test without it unless ``CI`` is set."""
    util = shutil.which("softhsm2-util")
    if util is None or not MODULE.is_file():
        if os.environ.get("CI"):
            pytest.fail("softhsm2 is missing: run scripts/install-system-deps.sh")
        pytest.skip("softhsm2 is not installed (scripts/install-system-deps.sh)")
    return util


def _run(*args: str | Path) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _make_key(
    token_label: str, kind: str, label: str, key_id: str, folder: Path
) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    tool = shutil.which("pkcs11-tool")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pkcs11-tool is missing: run scripts/install-system-deps.sh")
        pytest.skip("pkcs11-tool (opensc) is not installed")
    common = ("--module", MODULE, "--token-label", token_label, "--login", "--pin", PIN)
    _run(tool, *common, "--keypairgen", "--key-type", kind, "--label", label, "--id", key_id, "--usage-sign")
    out = folder / f"{label}.pub.der"
    _run(tool, *common, "--read-object", "--type", "pubkey", "--label", label, "--output-file", out)
    public = load_der_public_key(out.read_bytes())
    assert isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
    return public


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """The session's token, ``SOFTHSM2_CONF`` set for this process and the commands it starts."""
    util = require_softhsm()
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        _run(util, "--init-token", "--free", "--label", LABEL, "--pin", PIN, "--so-pin", SO_PIN)
        pin_file = folder / "pin"
        pin_file.write_text(PIN + "\n")
        pin_file.chmod(0o600)
        public_keys = {
            "rsa": _make_key(LABEL, "rsa:2048", "rsa", "01", folder),
            "ec": _make_key(LABEL, "EC:prime256v1", "ec", "02", folder),
        }
        yield Token(LABEL, MODULE, pin_file, public_keys)
    finally:
        if before is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = before
