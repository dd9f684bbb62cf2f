"""Command line: `python -m mirror generate OUT [--today YYYY-MM-DD]`, `python -m mirror serve ROOT`."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Generate or serve the demo mirror."""
    parser = argparse.ArgumentParser(prog="python -m mirror", description="Miroir de démonstration des sites des centres.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="écrire le miroir dans un dossier")
    gen.add_argument("out", type=Path)
    gen.add_argument("--today", type=date.fromisoformat, default=None, help="date de référence AAAA-MM-JJ")
    srv = sub.add_parser("serve", help="servir un miroir généré sur la boucle locale")
    srv.add_argument("root", type=Path)
    srv.add_argument("--port", type=int, default=0)
    srv.add_argument("--registry", type=Path, default=None, help="écrire ici le registre pointant vers le miroir")
    args = parser.parse_args(argv)
    if args.command == "generate":
        from mirror.generate import generate

        started = time.monotonic()
        truth = generate(args.out, args.today or date.today())
        items = sum(len(c["items"]) for c in truth["centres"].values())
        print(f"{len(truth['centres'])} sites, {items} items écrits dans {args.out} "
              f"en {time.monotonic() - started:.1f} s")
        return 0
    from mirror.generate import REGISTRY
    from mirror.server import MirrorServer

    server = MirrorServer(args.root, port=args.port)
    origins = server.start()
    for site_id, origin in origins.items():
        print(f"{site_id:24} {origin}/")
    if args.registry:
        args.registry.write_text(server.registry_yaml(REGISTRY), encoding="utf-8")
        print(f"registre : {args.registry}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
