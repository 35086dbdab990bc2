"""A real SMTP server on loopback for the outbox tests (aiosmtpd): it answers the first
`refuse` messages with a temporary failure, then accepts and keeps what it received."""

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RefusingThenAccepting:
    def __init__(self, refuse: int):
        self.refuse = refuse
        self.refused = 0
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Hộp thư tạm thời không nhận thư"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    def __init__(self, refuse: int = 0):
        self.handler = RefusingThenAccepting(refuse)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self):
        return self.handler.received

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
