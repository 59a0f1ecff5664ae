"""Sends COUNT WORK_QUEUED events through the generated emit function (work_id PREFIX:i), then prints {"done": COUNT}.

    python3 producer.py DB COUNT PREFIX
"""
import json
import sys

import ringrift_events as r

db, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
queue = r.EventQueue(db)
for i in range(count):
    r.emit_work_queued(work_id=prefix + ":" + str(i), work_type="selfplay", priority=i, queue=queue, source="python-producer")
print(json.dumps({"done": count}), flush=True)
queue.close()
