"""A member of GROUP: for each WORK_QUEUED appends "<work_id> <redelivered 0|1> <attempt> <seq>" to LOG (before the
event is acknowledged), as test/sqlite/children/node.ts does; prints {"ready": pid}; stops on SIGTERM.

    python3 consumer.py DB GROUP LOG LEASE_MS
"""
import json
import os
import signal
import sys

import ringrift_events as r

db, group, log, lease_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
queue = r.EventQueue(db, lease_ms=lease_ms)
consumer = r.Consumer(queue, group=group)


def handle(event: r.ReceivedEvent) -> None:
    line = str(event.data["work_id"]) + " " + ("1" if event.redelivered else "0") + " " + str(event.attempt) + " " + str(event.seq) + "\n"
    os.write(fd, line.encode())


consumer.subscribe("WORK_QUEUED", handle)
signal.signal(signal.SIGTERM, lambda *_: consumer.stop())
print(json.dumps({"ready": os.getpid()}), flush=True)
consumer.run()
queue.close()
print(json.dumps({"stopped": os.getpid()}), flush=True)
