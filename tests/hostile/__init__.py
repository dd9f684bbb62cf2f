"""A hostile web for the harvester's fault tests and bench (tests only, never product code).

- `server.py`: one loopback HTTP server that serves a healthy small site and one site per
  scenario, each on its own loopback origin, writing raw bytes when a scenario needs it
  (silence, drip, garbage, resets, lies), every response bounded in time and bytes.
- `scenarios.py`: the catalogue of scenarios, each with what the harvester must do.
- `runner.py`: one harvest of the healthy site beside a hostile one, in a subprocess,
  measured (requests, error rows, run statuses, wall time, peak RSS) and judged.

Used by `tests/test_faults.py` (the fast scenarios) and `bench/faults.py` (all of them).
"""
