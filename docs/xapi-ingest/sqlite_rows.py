"""SQLite's own rate for bare statement rows, through its C library (Python's sqlite3 module):
ROWS rows of about 1.4 KB of JSON text with one index on (agent, verb, seq), BATCH rows a
transaction, in WAL mode; only the INSERTs and COMMITs are timed.

    sqlite_rows.py FILE SYNCHRONOUS CACHE_SIZE WAL_AUTOCHECKPOINT ROWS BATCH
"""
import os
import random
import sqlite3
import sys
import time


def remove(path):
    for f in (path, path + "-wal", path + "-shm"):
        if os.path.exists(f):
            os.remove(f)


path, sync, cache, autocheckpoint = sys.argv[1:5]
total, batch = int(sys.argv[5]), int(sys.argv[6])
remove(path)
db = sqlite3.connect(path, isolation_level=None)
for pragma in ("journal_mode = WAL", f"synchronous = {sync}", f"cache_size = {cache}",
               f"wal_autocheckpoint = {autocheckpoint}"):
    db.execute("PRAGMA " + pragma)
db.execute("CREATE TABLE s (seq INTEGER PRIMARY KEY, agent TEXT NOT NULL, verb TEXT NOT NULL, body TEXT NOT NULL)")
db.execute("CREATE INDEX s_filter ON s (agent, verb, seq)")
draw = random.Random(1)
timed = 0.0
done = 0
while done < total:
    rows = []
    for _ in range(batch):
        agent = f"mailto:learner.{draw.randrange(5000)}@example.org"
        verb = f"http://adlnet.gov/expapi/verbs/v{draw.randrange(5)}"
        body = f'{{"actor":{{"mbox":"{agent}"}},"id":"{draw.getrandbits(128):032x}","x":"{"x" * 1330}"}}'
        rows.append((agent, verb, body))
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO s (agent, verb, body) VALUES (?, ?, ?)", rows)
    db.execute("COMMIT")
    timed += time.perf_counter() - started
    done += batch
db.close()
remove(path)
print(f"sqlite bare_rows batch={batch} synchronous={sync} cache_size={cache} "
      f"wal_autocheckpoint={autocheckpoint} rows={total} statements_per_s={total / timed:.0f}")
