/**
 * `consumer.py`: a member of a subscriber group of the queue, with a handler
 * per event: claims under fenced leases (renewed from a thread while
 * handling), acknowledges after the handler returned, retries a raising
 * handler with backoff and parks the event after max_deliveries (the
 * protocol of docs/cross-process-queue.md, as the TypeScript consume()).
 */
import type { CatalogModel } from '../../catalog/model.js';
import { pythonModule } from './module.js';

export function consumerModule(model: CatalogModel): string {
  return pythonModule(
    `A consumer of the ${model.name} catalog's cross-process queue: subscriber groups, fenced leases, acknowledgement after the handler, bounded redelivery.`,
    [
      'import os',
      'import socket',
      'import threading',
      'import time',
      'import typing',
      '',
      'from .event_mappings import EventSpelling, resolve_event',
      'from .sqlite_queue import EventQueue, QueueError, ReceivedEvent, UnknownEventError, default_queue, uuid7',
    ],
    [STATIC],
  );
}

const STATIC = String.raw`Handler = typing.Callable[[ReceivedEvent], object]
"""A handler: called with each event; returning acknowledges it, raising gives it back for a retry."""


class Consumer:
    """A member of a subscriber group: claims the group's events under fenced leases, hands each to the handler of
    its event, acknowledges it after the handler returned, and gives it back for a retry after a backoff when the
    handler raised; after max_deliveries the event is parked in the dead letter table. Leases are renewed every
    lease_ms / 3 while handling, from a thread of its own. Events without a handler are acknowledged."""

    def __init__(
        self,
        queue: EventQueue | str | os.PathLike[str] | None = None,
        *,
        group: str,
        event_types: typing.Sequence[EventSpelling | str] | None = None,
        owner: str | None = None,
        batch_size: int = 100,
        idle_sleep_ms: int = 25,
        start_from: typing.Literal["all", "new"] = "all",
    ) -> None:
        self.queue = default_queue(queue)
        self.group = group
        self.owner = owner or socket.gethostname() + "/" + str(os.getpid()) + "/" + uuid7()[-8:]
        self.batch_size = batch_size
        self.idle_sleep_ms = idle_sleep_ms
        self._handlers: dict[str, Handler] = {}
        self._default: Handler | None = None
        self._stopping = threading.Event()
        self._renewer: _Renewer | None = None
        self.queue.join_group(group, event_types, start_from=start_from)

    def subscribe(self, event: EventSpelling, handler: Handler) -> None:
        """Handles one event (any spelling) with 'handler'."""
        name = resolve_event(event)
        if name is None:
            raise UnknownEventError(event)
        self._handlers[name] = handler

    def subscribe_all(self, handler: Handler) -> None:
        """Handles every event without a handler of its own."""
        self._default = handler

    def stop(self) -> None:
        """Ends 'run' after the event being handled (from a handler, a signal handler or another thread)."""
        self._stopping.set()

    def run_once(self) -> int:
        """Claims one batch and handles it; returns how many events were handled (acknowledged or given back)."""
        events = self.queue.claim(self.group, self.owner, self.batch_size)
        if not events:
            return 0
        # A run() has one renewer for its whole life; a lone run_once() one for its batch.
        renewer = self._renewer or _Renewer(self.queue, self.group, self.owner)
        renewer.busy.set()
        done: list[ReceivedEvent] = []
        handled = 0
        try:
            for i, event in enumerate(events):
                if self._stopping.is_set():
                    self.queue.release(events[i:])
                    break
                handler = self._handlers.get(event.type, self._default)
                try:
                    if handler is not None:
                        handler(event)
                except Exception as error:  # the handler's failure is the event's: retried, then parked
                    self.queue.ack(done)
                    done = []
                    self.queue.nack(event, error)
                else:
                    done.append(event)
                handled += 1
            self.queue.ack(done)
        finally:
            renewer.busy.clear()
            if renewer is not self._renewer:
                renewer.stop()
        return handled

    def run(self, *, max_events: int | None = None, timeout: float | None = None) -> int:
        """Handles events until 'stop()', 'max_events' handled, or 'timeout' seconds; returns how many were handled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._renewer = _Renewer(self.queue, self.group, self.owner)
        try:
            handled = self._loop(deadline, max_events)
        finally:
            self._renewer.stop()
            self._renewer = None
        return handled

    def _loop(self, deadline: float | None, max_events: int | None) -> int:
        handled = 0
        sleep_ms = 1.0
        full = False
        while not self._stopping.is_set():
            if max_events is not None and handled >= max_events:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            # After a full batch there is likely more: claim at once; otherwise a cheap read first, no write lock.
            n = self.run_once() if full or self.queue.has_work(self.group) else 0
            full = n >= self.batch_size
            handled += n
            if n:
                sleep_ms = 1.0
            else:
                self._stopping.wait(sleep_ms / 1000)
                sleep_ms = min(sleep_ms * 2, float(self.idle_sleep_ms))
        return handled


class _Renewer:
    """Renews a member's leases every lease_ms / 3 while it handles a batch (busy), on a connection of its own."""

    def __init__(self, queue: EventQueue, group: str, owner: str) -> None:
        self.busy = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(queue.path, queue.lease_ms, queue.busy_timeout_ms, group, owner), daemon=True)
        self._thread.start()

    def _loop(self, path: str, lease_ms: int, busy_timeout_ms: int, group: str, owner: str) -> None:
        queue: EventQueue | None = None
        while not self._done.wait(lease_ms / 3000):
            if not self.busy.is_set():
                continue
            try:
                queue = queue or EventQueue(path, lease_ms=lease_ms, busy_timeout_ms=busy_timeout_ms, create=False)
                queue.renew(group, owner)
            except QueueError:
                continue  # busy: the next tick tries again, well before the lease ends
        if queue is not None:
            queue.close()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()`;
