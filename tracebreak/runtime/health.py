"""A minimal HTTP liveness endpoint for processes that serve no HTTP of their own (service C).

It answers any request with 200 when the process is ready and 503 when it is not; it reads the
request line only, enough for `curl`, Docker's healthcheck and the local runner.
"""

import asyncio
from collections.abc import Callable


async def serve(host: str, port: int, ready: Callable[[], bool]) -> asyncio.Server:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(reader.readline(), timeout=5)
            status, body = ("200 OK", b"ok\n") if ready() else ("503 Service Unavailable", b"starting\n")
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(answer, host, port)
