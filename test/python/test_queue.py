"""unittest of the generated queue, consumer and emitters (python/ringrift_events) on real SQLite files: the
protocol of docs/cross-process-queue.md from the Python side. Run by queue.test.ts (python3 -m unittest)."""
import json
import os
import sqlite3
import tempfile
import time
import unittest
import unittest.mock

import ringrift_events as r
from ringrift_events import sqlite_queue

TRAINING = dict(config_key="hex8_2p", board_type="hex8", num_players=2, model_path="/m.pth", epochs=3, final_loss=0.1, samples_trained=10)


class QueueTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "events.db")
        self.queue = r.EventQueue(self.path, lease_ms=200, retry_base_ms=20, retry_max_ms=40, max_deliveries=3)

    def tearDown(self):
        self.queue.close()
        self.dir.cleanup()

    def rows(self, sql, *args):
        db = sqlite3.connect(self.path)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def test_emit_writes_a_cloudevents_envelope_of_the_canonical_event(self):
        sent = r.emit_training_complete(**TRAINING, queue=self.queue, source="trainer", event_id="e-1")
        self.assertEqual(sent, r.SendResult("e-1", False))
        self.assertEqual(r.emit_training_complete(**TRAINING, queue=self.queue, source="trainer", event_id="e-1").duplicate, True)
        with self.assertRaisesRegex(r.QueueError, 'event id "e-1" is already stored from source "trainer", and this event is from "other"'):
            r.emit_training_complete(**TRAINING, queue=self.queue, source="other", event_id="e-1")
        [(event_type, source, text)] = self.rows("SELECT event_type, source, envelope FROM rr_events")
        self.assertEqual((event_type, source), ("TRAINING_COMPLETED", "trainer"))
        import json

        envelope = json.loads(text)
        self.assertEqual(envelope["specversion"], "1.0")
        self.assertEqual(envelope["type"], "TRAINING_COMPLETED")
        self.assertEqual(envelope["dataschema"], "https://ringrift.dev/schemas/events/training_completed.json")
        self.assertEqual(envelope["data"]["source"], "trainer")
        self.assertEqual(envelope["data"]["timestamp"], envelope["time"])
        self.assertNotIn("val_loss", envelope["data"])  # a keyword left out is a field left out

    def test_a_selecting_emitter_picks_its_event_and_refuses_an_unknown_case(self):
        r.emit_selfplay_complete(selfplay_type="gpu_accelerated", config_key="hex8_2p", games_completed=5, queue=self.queue)
        r.emit_selfplay_complete(config_key="hex8_2p", games_completed=5, queue=self.queue)
        self.assertEqual([t for (t,) in self.rows("SELECT event_type FROM rr_events ORDER BY seq")], ["GPU_SELFPLAY_COMPLETE", "SELFPLAY_COMPLETE"])
        with self.assertRaisesRegex(ValueError, "unknown selfplay_type 'fast'; expected one of canonical, gpu_accelerated, standard"):
            r.emit_selfplay_complete(selfplay_type="fast", queue=self.queue)  # type: ignore[call-overload]

    def test_an_invalid_payload_is_refused_with_the_routers_message_and_nothing_is_written(self):
        with self.assertRaises(r.EventValidationError) as caught:
            r.emit_work_queued(work_id="w", work_type="bogus", queue=self.queue)  # type: ignore[arg-type]
        self.assertEqual(str(caught.exception), 'invalid WORK_QUEUED payload: field "work_type" must be one of "selfplay", "training", "evaluation"')
        with self.assertRaisesRegex(r.EventValidationError, 'field "config" is an alias of "config_key"; use the canonical name'):
            r.emit_event("TRAINING_COMPLETED", {**{k: v for k, v in TRAINING.items() if k != "config_key"}, "config": "hex8_2p"}, queue=self.queue)
        with self.assertRaisesRegex(r.UnknownEventError, 'unknown event "TRAINING_DONE"'):
            r.emit_event("TRAINING_DONE", {}, queue=self.queue)  # type: ignore[arg-type]
        self.assertEqual(self.rows("SELECT count(*) FROM rr_events"), [(0,)])

    def test_a_lenient_queue_renames_aliases_and_sends_an_invalid_payload_with_a_warning(self):
        lenient = r.EventQueue(self.path, mode="lenient")
        try:
            payload = {k: v for k, v in TRAINING.items() if k not in ("config_key", "epochs")}
            with self.assertLogs("ringrift_events", level="WARNING") as logs:
                lenient.send("training_complete", {**payload, "config": "hex8_2p", "epochs_trained": "three"})
            self.assertEqual(
                logs.output,
                [
                    'WARNING:ringrift_events:TRAINING_COMPLETED: field "config" is an alias of "config_key"; use the canonical name; '
                    'field "epochs_trained" is an alias of "epochs"; use the canonical name',
                    'WARNING:ringrift_events:invalid TRAINING_COMPLETED payload: field "epochs" must be integer (delivered anyway: lenient mode)',
                ],
            )
        finally:
            lenient.close()
        import json

        [(text,)] = self.rows("SELECT envelope FROM rr_events")
        data = json.loads(text)["data"]
        self.assertEqual((data["config_key"], data["epochs"]), ("hex8_2p", "three"))
        self.assertNotIn("config", data)

    def test_the_default_queue_is_the_environment_variables_else_a_clear_error(self):
        old = os.environ.pop(r.QUEUE_ENV_VAR, None)
        try:
            self.assertEqual(r.QUEUE_ENV_VAR, "RINGRIFT_EVENTS_DB")
            with self.assertRaisesRegex(r.QueueError, "no event queue: pass queue= .* or set RINGRIFT_EVENTS_DB"):
                r.emit_host_offline(node_id="n1")
            os.environ[r.QUEUE_ENV_VAR] = self.path
            r.emit_host_offline(node_id="n1")
            r.emit_host_offline(node_id="n2", queue=self.path)
            self.assertEqual(self.rows("SELECT count(*) FROM rr_events"), [(2,)])
        finally:
            os.environ.pop(r.QUEUE_ENV_VAR, None)
            if old is not None:
                os.environ[r.QUEUE_ENV_VAR] = old

    def test_every_group_gets_every_event_and_members_of_a_group_share_them(self):
        for i in range(6):
            r.emit_host_offline(node_id="n" + str(i), queue=self.queue)
        self.queue.join_group("a")
        self.queue.join_group("b")
        first = self.queue.claim("a", "a1", limit=4)
        second = self.queue.claim("a", "a2", limit=4)
        self.assertEqual([e.seq for e in first + second], [1, 2, 3, 4, 5, 6])
        self.assertEqual(len(self.queue.claim("b", "b1")), 6)
        with self.assertRaises(r.GroupMismatchError):
            self.queue.join_group("a", ["HOST_OFFLINE"])

    def test_a_stale_lease_holder_cannot_acknowledge_and_an_unacknowledged_event_is_redelivered_marked(self):
        r.emit_host_offline(node_id="n", queue=self.queue)
        self.queue.join_group("g")
        clock = [time.time_ns() // 1_000_000]  # the queue's clock, moved by the test
        with unittest.mock.patch.object(sqlite_queue, "_now_ms", lambda: clock[0]):
            [held] = self.queue.claim("g", "dead-member")
            clock[0] += 199
            self.assertEqual(self.queue.claim("g", "live-member"), [])  # still leased
            clock[0] += 1  # the lease (200 ms) expires
            [again] = self.queue.claim("g", "live-member")
        self.assertEqual((again.attempt, again.redelivered), (2, True))
        self.assertEqual(self.queue.ack([held]), 0)  # fenced: the old token no longer holds it
        self.assertEqual(self.queue.ack([again]), 1)
        self.assertEqual(self.rows("SELECT count(*) FROM rr_deliveries"), [(0,)])

    def test_a_failing_handler_is_retried_with_backoff_then_parked_and_later_events_go_on(self):
        r.emit_host_offline(node_id="bad", queue=self.queue)
        r.emit_host_offline(node_id="good", queue=self.queue)
        consumer = r.Consumer(self.queue, group="g")
        calls = []

        def handler(event):
            calls.append((event.data["node_id"], event.attempt))
            if event.data["node_id"] == "bad":
                raise RuntimeError("boom")

        consumer.subscribe("HOST_OFFLINE", handler)
        clock = [time.time_ns() // 1_000_000]  # the queue's clock, standing still unless the test moves it
        with unittest.mock.patch.object(sqlite_queue, "_now_ms", lambda: clock[0]):
            self.assertEqual(consumer.run_once(), 2)
            self.assertEqual(calls, [("bad", 1), ("good", 1)])  # the failed one waits for its retry; the next one goes on
            for pause in (20, 40):  # retry_base_ms, then twice that
                clock[0] += pause - 1
                self.assertEqual(consumer.run_once(), 0, pause)  # not due yet
                clock[0] += 1
                self.assertEqual(consumer.run_once(), 1, pause)
        self.assertEqual(calls, [("bad", 1), ("good", 1), ("bad", 2), ("bad", 3)])  # max_deliveries = 3
        [dead] = self.queue.dead_letters()
        self.assertEqual((dead.handler_name, dead.attempts, dead.error), ("sqlite:g", 3, "3 deliveries failed; last: RuntimeError: boom"))
        self.assertEqual(self.rows("SELECT count(*) FROM rr_deliveries"), [(0,)])

    def test_an_event_the_catalog_refuses_is_parked_with_the_reason_not_delivered(self):
        db = sqlite3.connect(self.path)
        db.execute("INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES ('x1', 'NOPE', 's', 0, NULL, '{\"specversion\":\"1.0\",\"id\":\"x1\",\"source\":\"s\",\"type\":\"NOPE\",\"data\":{}}')")
        db.execute("INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES ('x2', 'HOST_OFFLINE', 's', 0, NULL, 'not json')")
        db.commit()
        db.close()
        self.queue.join_group("g")
        self.assertEqual(self.queue.claim("g", "m"), [])
        errors = sorted(d.error for d in self.queue.dead_letters())
        self.assertEqual(len(errors), 2)
        self.assertTrue(errors[0].startswith("from a newer catalog: unknown event type \"NOPE\""), errors[0])
        self.assertTrue(errors[1].startswith("the envelope column is not JSON"), errors[1])

    def test_a_handler_that_stops_the_consumer_leaves_the_rest_of_the_batch_to_the_group(self):
        for i in range(5):
            r.emit_host_offline(node_id="n" + str(i), queue=self.queue)
        consumer = r.Consumer(self.queue, group="g")
        seen = []

        def handler(event):
            seen.append(event.seq)
            if len(seen) == 2:
                consumer.stop()

        consumer.subscribe_all(handler)
        consumer.run(timeout=2)
        self.assertEqual(seen, [1, 2])
        rest = r.Consumer(self.queue, group="g")
        later = []
        rest.subscribe_all(lambda e: later.append((e.seq, e.attempt)))
        rest.run(timeout=0.3)
        self.assertEqual(later, [(3, 1), (4, 1), (5, 1)])  # released, not counted as a delivery


    def test_a_claim_acknowledges_the_previous_batch_in_its_own_transaction_and_a_stale_token_still_cannot(self):
        for i in range(4):
            r.emit_host_offline(node_id="n" + str(i), queue=self.queue)
        self.queue.join_group("g")
        first = self.queue.claim("g", "m", limit=2)
        second = self.queue.claim("g", "m", limit=2, ack=first)
        self.assertEqual([e.seq for e in second], [3, 4])
        self.assertEqual(self.rows("SELECT seq FROM rr_deliveries ORDER BY seq"), [(3,), (4,)])
        clock = [time.time_ns() // 1_000_000 + 200]  # the leases of 3 and 4 (200 ms) expire on the queue's clock
        with unittest.mock.patch.object(sqlite_queue, "_now_ms", lambda: clock[0]):
            again = self.queue.claim("g", "other")
        self.assertEqual([(e.seq, e.attempt) for e in again], [(3, 2), (4, 2)])
        self.assertEqual(self.queue.claim("g", "m", ack=second), [])  # fenced: the old token no longer holds them
        self.assertEqual(self.rows("SELECT seq, owner FROM rr_deliveries ORDER BY seq"), [(3, "other"), (4, "other")])
        self.assertEqual(self.queue.ack(again), 2)

    def test_a_consumer_acknowledges_every_handled_event_across_full_batches(self):
        for i in range(7):
            r.emit_host_offline(node_id="n" + str(i), queue=self.queue)
        consumer = r.Consumer(self.queue, group="g", batch_size=3)
        seen = []
        consumer.subscribe_all(lambda e: seen.append(e.seq))
        self.assertEqual(consumer.run(max_events=6), 6)  # two full batches: the second's acknowledgements at the end of run
        self.assertEqual(self.rows("SELECT count(*) FROM rr_deliveries"), [(0,)])
        self.assertEqual(consumer.run(timeout=0.2), 1)
        self.assertEqual(seen, [1, 2, 3, 4, 5, 6, 7])
        self.assertEqual(self.rows("SELECT count(*) FROM rr_deliveries"), [(0,)])

    def test_an_envelope_is_json_exactly_when_json_loads_says_so(self):
        envelope = '{"specversion":"1.0","id":"ID","source":"s","type":"HOST_OFFLINE","data":{"node_id":"n"}}'
        db = sqlite3.connect(self.path)
        texts = {"w1": " \n" + envelope + "\n ", "w2": envelope + " x", "w3": envelope + "{}"}
        for event_id, text in texts.items():
            db.execute("INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES (?, 'HOST_OFFLINE', 's', 0, NULL, ?)", (event_id, text.replace("ID", event_id)))
        db.commit()
        db.close()
        self.queue.join_group("g")
        self.assertEqual([e.id for e in self.queue.claim("g", "m")], ["w1"])
        errors = sorted(d.error for d in self.queue.dead_letters())
        expected = []
        for event_id in ("w2", "w3"):
            try:
                json.loads(texts[event_id].replace("ID", event_id))
            except ValueError as e:
                expected.append("the envelope column is not JSON (" + str(e) + ")")
        self.assertEqual(errors, sorted(expected))


class PythonValuesTest(unittest.TestCase):
    """Values JSON cannot tell apart but Python can: the verdicts JavaScript would give their JSON."""

    def issues(self, **changes):
        result = r.validate_payload("TRAINING_COMPLETED", {**TRAINING, **changes})
        return [(i.field, i.message) for i in result.issues]

    def test_an_integral_float_is_an_integer_and_a_boolean_is_never_a_number(self):
        self.assertEqual(self.issues(num_players=2.0, epochs=3.0), [])
        self.assertEqual(self.issues(num_players=True), [("num_players", "must be integer"), ("num_players", "must be one of 2, 3, 4")])
        self.assertEqual(self.issues(final_loss=False), [("final_loss", "must be number")])
        self.assertEqual(self.issues(final_loss=float("nan")), [("final_loss", "must be number")])
        self.assertEqual(self.issues(epochs=2.5), [("epochs", "must be integer")])
        self.assertEqual(self.issues(samples_trained=10**30), [])

    def test_tuples_are_arrays_and_any_mapping_is_an_object(self):
        self.assertEqual(r.validate_payload("TRAINING_COMPLETED", {**TRAINING, "metrics": {"a": 1}}).ok, True)
        self.assertEqual(self.issues(metrics=[1]), [("metrics", "must be object")])


if __name__ == "__main__":
    unittest.main()
