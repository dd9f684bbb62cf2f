"""Write transactions that wait their turn beside the other writers of the database file."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def write_transaction(db):
    """A transaction that holds the write lock before it reads anything (BEGIN IMMEDIATE);
    inside a transaction already open, a part of it.

    A deferred transaction reads first and takes the lock at its first write; when another
    process commits in between, SQLite cannot let it write from its old snapshot and
    answers "database is locked" at once, without waiting for the busy timeout.
    sqlite-utils (4.x) opens such transactions itself (`atomic`: BEGIN, a look at the
    schema, then the write) and commits a write `execute` on its own when no transaction is
    open, so a bare `with db.conn:` block was neither one transaction nor safe beside
    another writer: a harvest lost a page's item, or stopped in its relays, while the
    places reader beside it wrote (1 run in 10 under load). Inside this transaction
    sqlite-utils nests savepoints and leaves the commit to it; a writer waits its turn."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
