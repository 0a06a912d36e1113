"""Refresh the front-end files the gateway serves, from pinned npm packages.

``make vendor`` runs this (it needs Node.js's npm; ``make run`` never does: the built
files are committed under gateway/web/static/vendor/ with their licences, and
vendor.json records each file's SHA-256 so a test can check them without Node).

    python tools/vendor_assets.py           # download, extract, write vendor.json
    python tools/vendor_assets.py --check   # download and compare with what is committed
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "gateway" / "web" / "static" / "vendor"

# package@version → files taken from its npm tarball (paths inside "package/").
PACKAGES: dict[str, list[str]] = {
    "react@18.2.0": ["umd/react.production.min.js", "LICENSE"],
    "react-dom@18.2.0": ["umd/react-dom.production.min.js", "LICENSE"],
    "graphiql@3.8.3": ["graphiql.min.js", "graphiql.min.css", "LICENSE"],
    # The web pages (gateway/web/static/app/): Preact and its hooks, and htm for
    # templates in plain JavaScript, as the ES modules their packages build.
    "preact@10.29.8": ["dist/preact.module.js", "hooks/dist/hooks.module.js", "LICENSE"],
    "htm@3.1.1": ["dist/htm.module.js", "LICENSE"],
    # Live updates of the pages: the graphql-transport-ws client, as the ES modules its
    # package names for browsers (its "browser" export; client.js imports the chunk).
    "graphql-ws@6.4.2": ["dist/client.js", "dist/common-CGW11Fyb.js", "LICENSE.md"],
}

# Without a bundler or an import map (an inline script, which the pages' CSP forbids)
# a browser cannot resolve a bare specifier: the hooks import Preact by a relative path.
REWRITES: dict[str, list[tuple[bytes, bytes]]] = {
    "preact@10.29.8/hooks.module.js": [(b'from"preact"', b'from"./preact.module.js"')],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract(spec: str, files: list[str], into: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["npm", "pack", spec, "--silent"], cwd=work, check=True, stdout=subprocess.DEVNULL
        )
        (tarball,) = Path(work).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            for name in files:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise SystemExit(f"{spec}: {name} is not in the package")
                target = into / spec / Path(name).name
                target.parent.mkdir(parents=True, exist_ok=True)
                content = member.read()
                for old, new in REWRITES.get(f"{spec}/{target.name}", []):
                    if old not in content:
                        raise SystemExit(f"{spec}: {name} no longer contains {old!r}")
                    content = content.replace(old, new)
                target.write_bytes(content)


def manifest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "vendor.json"
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, change nothing")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as fresh:
            for spec, files in PACKAGES.items():
                extract(spec, files, Path(fresh))
            expected = manifest(Path(fresh))
        committed = json.loads((VENDOR / "vendor.json").read_text())
        if expected != committed or manifest(VENDOR) != committed:
            sys.exit("vendored files differ from their npm packages: run make vendor")
        print("vendored files match their npm packages")
        return
    for spec, files in PACKAGES.items():
        extract(spec, files, VENDOR)
    (VENDOR / "vendor.json").write_text(json.dumps(manifest(VENDOR), indent=2) + "\n")
    print(f"vendored {len(PACKAGES)} packages into {VENDOR}")


if __name__ == "__main__":
    main()
