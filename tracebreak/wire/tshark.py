"""tshark, Wireshark's command line: decode live traffic, or a capture file, to JSON."""

import json
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

READY_TIMEOUT_S = 10
STOP_TIMEOUT_S = 15
DECODE_TIMEOUT_S = 120
# What the hops are made of: HTTP messages, HTTP/2 HEADERS frames (gRPC metadata), Kafka records.
DISPLAY_FILTER = "http or http2.type == 1 or kafka.header_key"

INSTALL = (
    "tshark is not installed. On Debian or Ubuntu: `sudo apt-get install -y tshark`; on macOS: "
    "`brew install wireshark`. Then run this again."
)
RIGHTS = (
    "tshark may not capture on {interface}: {reason}. Run as root, or grant the rights once: "
    "`sudo dpkg-reconfigure wireshark-common` (answer yes), `sudo usermod -aG wireshark $USER`, log in "
    "again; or `sudo setcap cap_net_raw,cap_net_admin+eip $(command -v dumpcap)`."
)
DENIED = ("permission", "not permitted", "don't have", "insufficient")


class WireError(Exception):
    """What went wrong with the capture, and what to do: printed as one message, exit code 2."""


def binary() -> str:
    found = shutil.which("tshark")
    if found is None:
        raise WireError(INSTALL)
    return found


def capture_filter(ports: Sequence[int]) -> str:
    return " or ".join(f"tcp port {port}" for port in sorted(set(ports)))


def _decoding(decode_as: Sequence[str]) -> list[str]:
    command = ["-Y", DISPLAY_FILTER, "-T", "json", "--no-duplicate-keys", "-J", "frame tcp http http2 kafka"]
    for rule in decode_as:
        command += ["-d", rule]
    return command


class Live:
    """tshark decoding `interface` as the traffic flows, each packet's JSON flushed to a file."""

    def __init__(self, process: subprocess.Popen[bytes], output: Path, errors: Path, interface: str) -> None:
        self.process, self.output, self.errors, self.interface = process, output, errors, interface

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            said = self.errors.read_text(errors="replace")
            if "Capturing on" in said:
                return
            if self.process.poll() is not None:
                raise WireError(_refusal(said, self.interface))
            time.sleep(0.05)  # polling tshark's first words, bounded by the deadline
        raise WireError(f"tshark did not start capturing on {self.interface} within {READY_TIMEOUT_S} s")

    def wait_for(self, text: str, timeout_s: float) -> bool:
        """Until `text` shows in the decoded output (a marker sent last: everything before it is in)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.process.poll() is None:
            if text in self.output.read_text(errors="replace"):
                return True
            time.sleep(0.05)  # tshark flushes each packet; polled, bounded by the deadline
        return False

    def stop(self, after_s: float = 0) -> list[dict[str, Any]]:
        """The packets, once tshark has ended: by itself within `after_s` (a capture given a
        duration), or else by SIGINT, as Ctrl-C, on which it closes its JSON."""
        interrupted = False
        try:
            self.process.wait(timeout=after_s)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGINT)
            interrupted = True
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        said = self.errors.read_text(errors="replace")
        # tshark may print "Capturing on" and only then find it may not (no CAP_NET_RAW): exit 1.
        # Interrupted at once, it may also exit 1 ("dumpcap died: Interrupted"): that is no refusal.
        if self.process.returncode != 0 and (not interrupted or _denied(said)):
            raise WireError(_refusal(said, self.interface))
        return _packets(self.output.read_text(errors="replace"), f"tshark's output on {self.interface}")


@contextmanager
def live(
    interface: str, ports: Sequence[int], decode_as: Sequence[str], seconds: float | None = None
) -> Iterator[Live]:
    """A running capture of `ports`; it has started capturing when the block runs."""
    with tempfile.TemporaryDirectory(prefix="tracebreak-wire-") as folder:
        output, errors = Path(folder) / "packets.json", Path(folder) / "tshark.err"
        command = [binary(), "-i", interface, "-f", capture_filter(ports), "-l", *_decoding(decode_as)]
        if seconds is not None:
            command += ["-a", f"duration:{max(1, round(seconds))}"]
        with output.open("w") as out, errors.open("w") as err:
            process = subprocess.Popen(command, stdout=out, stderr=err)
        running = Live(process, output, errors, interface)
        try:
            running.wait_ready()
            yield running
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def _refusal(said: str, interface: str) -> str:
    """tshark's reason in a line (its own advice runs to twenty), and ours."""
    lines = [line.strip() for line in said.splitlines()]
    said_first = [line for line in lines if line.startswith(("tshark: ", "(")) and len(line) > 10]
    reason = " ".join(said_first[-2:] or lines[-1:]).strip() or "tshark ended without a word"
    if _denied(reason):
        return RIGHTS.format(interface=interface, reason=reason)
    return f"tshark could not capture on {interface}: {reason}"


def _denied(said: str) -> bool:
    return any(word in said.lower() for word in DENIED)


def decode(path: Path, decode_as: Sequence[str]) -> list[dict[str, Any]]:
    """The packets of a capture file (pcap or pcapng, from here or from a container), decoded."""
    command = [binary(), "-r", str(path), *_decoding(decode_as)]
    if not path.is_file():
        raise WireError(f"no capture file at {path}")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=DECODE_TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise WireError(f"tshark took more than {DECODE_TIMEOUT_S} s to decode {path}") from error
    if done.returncode != 0 and not done.stdout.strip():
        said = " ".join(line for line in done.stderr.splitlines() if "dangerous" not in line)
        raise WireError(f"tshark could not read {path}: {said.strip() or f'exit {done.returncode}'}")
    return _packets(done.stdout, str(path))


def _packets(text: str, source: str) -> list[dict[str, Any]]:
    try:
        packets = json.loads(text or "[]")
    except json.JSONDecodeError as error:
        raise WireError(f"{source} is not the JSON tshark writes ({error}); tshark 3.6 or newer?") from error
    return [packet["_source"]["layers"] for packet in packets]
