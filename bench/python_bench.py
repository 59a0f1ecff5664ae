"""Python through the generated package (python/ringrift_events) against the same work in raw sqlite3, in one run:
send (one event per transaction) and claim-and-ack (batches of 100). Prints one JSON line of events/s medians.

    python3 bench/python_bench.py DIR [EVENTS_PER_ROUND] [ROUNDS]
"""
import json
import os
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone

import ringrift_events as r

out_dir = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3


def now_ms():
    return int(time.time() * 1000)


def raw_send(db, i):
    """What rr_queue.py does: build the envelope, serialize it, one INSERT per BEGIN IMMEDIATE transaction."""
    t = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    event_id = str(uuid.uuid4())
    data = {"work_id": "raw:" + str(i), "work_type": "selfplay", "priority": i, "timestamp": t, "source": "bench"}
    envelope = {"specversion": "1.0", "id": event_id, "source": "bench", "type": "WORK_QUEUED", "time": t, "datacontenttype": "application/json", "data": data}
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (event_id) DO NOTHING",
        (event_id, "WORK_QUEUED", "bench", now_ms(), json.dumps(envelope)),
    )
    db.execute("COMMIT")


def raw_drain(db, group, total, validate=False):
    """A tight claim-and-ack loop in SQL: claim 100 under a new token, acknowledge the batch with one ranged DELETE."""
    done = 0
    while done < total:
        now = now_ms()
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE rr_groups SET fence = fence + 1, last_seen_at = ? WHERE name = ?", (now, group))
        token, cursor = db.execute("SELECT fence, cursor FROM rr_groups WHERE name = ?", (group,)).fetchone()
        rows = db.execute("SELECT seq, envelope FROM rr_events WHERE seq > ? ORDER BY seq LIMIT 100", (cursor,)).fetchall()
        for seq, _ in rows:
            db.execute("INSERT INTO rr_deliveries (group_name, seq, owner, token, lease_expires, attempts, last_error) VALUES (?, ?, 'raw', ?, ?, 1, NULL)", (group, seq, token, now + 30000))
        if rows:
            db.execute("UPDATE rr_groups SET cursor = ? WHERE name = ?", (rows[-1][0], group))
        db.execute("COMMIT")
        for _, text in rows:
            envelope = json.loads(text)  # a consumer reads what it claimed
            if validate:
                r.validate_payload(envelope["type"], envelope["data"])
        if rows:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM rr_deliveries WHERE group_name = ? AND seq >= ? AND seq <= ? AND token = ?", (group, rows[0][0], rows[-1][0], token))
            db.execute("COMMIT")
        done += len(rows)


results = {"send_package": [], "send_raw": [], "drain_package": [], "drain_raw": [], "drain_raw_validated": []}
for k in range(rounds):
    path = os.path.join(out_dir, "bench-" + str(k) + ".db")
    queue = r.EventQueue(path)
    raw = sqlite3.connect(path, timeout=5, isolation_level=None)
    raw.execute("PRAGMA synchronous=NORMAL")
    # interleaved: raw then package in even rounds, the other way in odd ones
    order = ["raw", "package"] if k % 2 == 0 else ["package", "raw"]
    for which in order:
        t0 = time.perf_counter()
        if which == "raw":
            for i in range(n):
                raw_send(raw, i)
        else:
            for i in range(n):
                r.emit_work_queued(work_id="pkg:" + str(i), work_type="selfplay", priority=i, queue=queue, source="bench")
        results["send_" + which].append(n / (time.perf_counter() - t0))
    for which in order + ["raw_validated"]:
        group = "g-" + which
        queue.join_group(group)
        t0 = time.perf_counter()
        if which.startswith("raw"):
            raw_drain(raw, group, 2 * n, validate=which == "raw_validated")
        else:
            consumer = r.Consumer(queue, group=group)
            consumer.subscribe_all(lambda e: None)
            consumer.run(max_events=2 * n)
        results["drain_" + which].append(2 * n / (time.perf_counter() - t0))
    raw.close()
    queue.close()

print(json.dumps({key: statistics.median(v) for key, v in results.items()} | {"events": n, "rounds": rounds, "python": sys.version.split()[0]}))
