"""Write transactions of the harvest (pipelines.transactions.write_transaction): the write
lock is held from the first statement, so another process committing between a read and a
write cannot turn the write into an immediate "database is locked"."""

import sqlite3
import threading
import time

import pytest

from pipelines.db import insert_row, shared_database
from pipelines.transactions import write_transaction


@pytest.fixture
def db(tmp_path):
    return shared_database(tmp_path / "portail.db")


def other_writer(path: str, timeout: float = 0.0) -> sqlite3.Connection:
    """A second connection to the same file, as another harvest process would hold."""
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def path_of(db) -> str:
    return db.conn.execute("pragma database_list").fetchone()[2]


def meta(db, key):
    row = db.execute("select value from meta where key = ?", [key]).fetchone()
    return row[0] if row else None


def test_the_lock_is_held_before_anything_is_read(db):
    other = other_writer(path_of(db))
    with write_transaction(db):
        db.execute("select count(*) from items").fetchone()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("insert into meta (key, value) values ('other', '1')")
        insert_row(db, "meta", {"key": "ours", "value": "1"})
    other.execute("insert into meta (key, value) values ('other', '1')")  # its turn now
    assert (meta(db, "ours"), meta(db, "other")) == ("1", "1")


def test_a_deferred_transaction_is_what_fails_without_it(db):
    """The failure it prevents: a transaction that read, then another connection committed,
    cannot write from its old snapshot and is refused at once (no busy wait)."""
    other = other_writer(path_of(db))
    db.conn.execute("begin")  # deferred, as Python's and sqlite-utils' transactions are
    db.execute("select count(*) from items").fetchone()
    other.execute("insert into meta (key, value) values ('other', '1')")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        insert_row(db, "meta", {"key": "ours", "value": "1"})
    db.conn.rollback()


def test_a_nested_transaction_is_part_of_the_outer_one(db):
    with pytest.raises(RuntimeError):
        with write_transaction(db):
            insert_row(db, "meta", {"key": "outer", "value": "1"})
            with write_transaction(db):
                insert_row(db, "meta", {"key": "inner", "value": "1"})
            raise RuntimeError("after the inner block")
    assert (meta(db, "outer"), meta(db, "inner")) == (None, None)
    assert not db.conn.in_transaction


def test_commits_when_the_block_ends_and_rolls_back_on_error(db):
    with write_transaction(db):
        insert_row(db, "meta", {"key": "kept", "value": "1"})
    assert not db.conn.in_transaction
    with pytest.raises(ValueError):
        with write_transaction(db):
            insert_row(db, "meta", {"key": "lost", "value": "1"})
            raise ValueError
    assert (meta(db, "kept"), meta(db, "lost")) == ("1", None)


def test_a_writer_waits_for_another_process_instead_of_failing(db):
    """Held by another connection, the lock is waited for (busy timeout), then taken."""
    holding, done, path = threading.Event(), [], path_of(db)

    def hold_then_commit():
        other = other_writer(path)
        other.execute("begin immediate")
        other.execute("insert into meta (key, value) values ('other', '1')")
        holding.set()
        time.sleep(0.3)
        other.execute("commit")
        done.append(time.monotonic())

    thread = threading.Thread(target=hold_then_commit)
    thread.start()
    assert holding.wait(5)
    with write_transaction(db):
        assert done, "the transaction began while the other one held the lock"
        assert meta(db, "other") == "1"  # read after the other's commit: fresh rows
        insert_row(db, "meta", {"key": "ours", "value": "1"})
    thread.join()
    assert meta(db, "ours") == "1"
