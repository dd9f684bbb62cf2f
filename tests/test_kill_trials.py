"""A harvest killed with SIGKILL loses nothing: the fast subset of bench/kill_trials.py.

Three kills (two during a first harvest of the unknown sites, one during an incremental
harvest after they changed), each followed by a normal harvest: the items are those of an
uninterrupted harvest (none missing, none stale), SQLite's integrity check passes after the
kill and after the recovery, and no `harvest_runs` row is left `running`.
"""

from __future__ import annotations

import pytest

from hostile.killing import run_trials

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    # Seed 3: the first harvest killed after requests 61 and 34 of ~150, the incremental one
    # after request 122 of ~137 (mid-crawl, where validators and items part ways).
    return run_trials(tmp_path_factory.mktemp("kills"), first=2, incremental=1, seed=3,
                      log=lambda _line: None, control=False)


def _trials(series):
    return [t for s in series for t in s.trials]


def test_every_trial_was_killed_mid_run(series):
    assert [len(s.trials) for s in series] == [2, 1]
    assert all(t.killed for t in _trials(series))


def test_sqlite_integrity_after_kill_and_recovery(series):
    for trial in _trials(series):
        assert (trial.integrity_after_kill, trial.integrity_after_recovery) == ("ok", "ok"), trial.moment


def test_recovery_harvest_loses_nothing(series):
    for trial in _trials(series):
        assert trial.recovery_rc == 0, trial.moment
        assert trial.lost == [], f"{trial.series} killed at {trial.moment}: lost {trial.lost}"
        assert trial.stale == [], f"{trial.series} killed at {trial.moment}: stale {trial.stale}"


def test_no_run_left_running(series):
    for trial in _trials(series):
        assert trial.running == 0, f"{trial.series} killed at {trial.moment}: {trial.running} runs 'running'"
