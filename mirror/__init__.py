"""The bundled demo mirror: every centre's site as it would look, served on loopback.

`mirror.generate.generate(out_dir, today)` writes the sites and `ground_truth.json`;
`mirror.server.MirrorServer` serves them (see docs/CONTRACTS.md "The demo mirror").
"""
