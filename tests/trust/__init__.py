"""Tests of lienthong.trust: PKI, package and PDF signatures, CLI, interop with Debian tools."""
