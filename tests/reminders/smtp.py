"""A real SMTP server on loopback (aiosmtpd) that counts what it receives by Message-ID."""

import re
import socket
import threading
import time
from collections import defaultdict
from email import message_from_bytes, policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingHandler:
    """Records each accepted message: Message-ID → the client codes its reminders name."""

    def __init__(self, delay: float = 0.0):
        self.lock = threading.Lock()
        self.received: dict[str, list[frozenset[str]]] = defaultdict(list)
        self.refused = 0
        self.refuse_until = 0.0
        self.refuse_first = 0  # refuse this many messages, however long the senders take to start
        self.delay = delay
        # Accept a message, then answer only after this many seconds (past the client's timeout),
        # or hang up instead of answering: the sender cannot know the message got through.
        self.answer_late = 0.0
        self.hang_up = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        if time.monotonic() < self.refuse_until or self.refused < self.refuse_first:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later"
        if self.delay:
            time.sleep(self.delay)  # a slow server keeps deliveries in flight
        message = message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        codes = frozenset(re.findall(r"client (C-\d+)", text))
        with self.lock:
            self.received[message["Message-ID"]].append(codes)
        if self.hang_up:
            server.transport.close()
        if self.answer_late:
            time.sleep(self.answer_late)
        return "250 OK"

    def codes_by_message_id(self) -> dict[str, frozenset[str]]:
        with self.lock:
            return {mid: copies[0] for mid, copies in self.received.items()}

    @property
    def count(self) -> int:
        with self.lock:
            return sum(len(copies) for copies in self.received.values())


def start_smtp(handler: CountingHandler):
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
