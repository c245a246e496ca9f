"""The Redis broker transport, with one defect of kombu's closed channels turned into the
connection error it is.

When the worker loses Redis it closes the broken connection and opens a new one, but a task
that was running keeps the message it came with, and that message keeps its old channel. A late
acknowledgement on that channel, once the connection is gone, asks the channel for a new
connection pool; kombu builds one from the closed connection's settings, which are ``None``,
and raises ``AttributeError``. That is not among the connection errors Celery and kombu catch
around an acknowledgement (``Message.ack_log_error``), so it escaped into the worker's event
loop and shut the worker down: reminders stopped until someone restarted it.

Here the same situation raises redis-py's ``ConnectionError``, which kombu logs ("Couldn't ack")
and the worker survives. The message stays unacknowledged in Redis and comes back after the
visibility timeout; every task is idempotent (a delivery acts only on rows its claim still
holds), so running it again does nothing twice.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("this channel's broker connection was closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
