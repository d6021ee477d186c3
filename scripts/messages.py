"""Keep the message catalogue in step with the sources: ``make messages`` (or ``--check``).

Every ``msg("code", …)`` and ``say("code", …)`` in ``src/lienthong`` is extracted with Babel;
each package is a gettext domain (``src/lienthong/locale/<lang>/LC_MESSAGES/<package>.po``; the
root modules are ``lienthong``, command-line help, codes starting ``help-``, is ``help``).
New codes are added with an empty text for a person to write in both languages; codes no source
uses any more are dropped. ``--check`` changes nothing and exits 1 when the catalogue is behind.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "lienthong"
LOCALE = SOURCE / "locale"
LANGUAGES = ("vi", "en")
#: ``msg(code, **params)`` and ``say(code, language, **params)``: the code is the first argument.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"msg": None, "say": None}


def domain_of(path: Path, code: str) -> str:
    if code.startswith("help-"):
        return "help"
    relative = path.relative_to(SOURCE)
    return relative.parts[0] if len(relative.parts) > 1 else "lienthong"


def extract() -> dict[str, dict[str, list[str]]]:
    """Codes by domain, each with the places that use it."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(SOURCE.rglob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
        ):
            if isinstance(message, str) and message:
                where = f"{path.relative_to(SOURCE.parent)}:{lineno}"
                found[domain_of(path, message)][message].append(where)
    return found


def updated(domain: str, language: str, codes: dict[str, list[str]]) -> bytes:
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    template = Catalog(domain=domain, project="lienthong", charset="utf-8")
    for code in sorted(codes):
        template.add(code)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=domain)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
    else:
        catalog = Catalog(locale=language, domain=domain, project="lienthong", charset="utf-8")
        for code in sorted(codes):
            catalog.add(code, "")
    catalog.revision_date = catalog.creation_date  # no churn: the file changes only with its texts
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, omit_header=True, no_location=True, width=0)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if behind")
    args = parser.parse_args(argv)
    found = extract()
    behind: list[str] = []
    held = {p.stem for lang in LANGUAGES for p in (LOCALE / lang / "LC_MESSAGES").glob("*.po")}
    domains = set(found) | held
    for domain in sorted(domains):
        for language in LANGUAGES:
            path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
            codes = found.get(domain, {})
            if not codes:
                if path.exists():
                    behind.append(f"{path.relative_to(ROOT)}: no source uses this domain")
                    if not args.check:
                        path.unlink()
                continue
            new = updated(domain, language, codes)
            old = path.read_bytes() if path.exists() else b""
            if new != old:
                behind.append(f"{path.relative_to(ROOT)}: not in step with the sources")
                if not args.check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(new)
            with io.BytesIO(new) as handle:
                empty = [m.id for m in read_po(handle, locale=language) if m.id and not m.string]
            for code in empty:
                print(f"{path.relative_to(ROOT)}: {code}: no text yet ({', '.join(codes[code][:2])})")
    if args.check and behind:
        print("\n".join(behind))
        print("run `make messages`, then write the empty texts", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
