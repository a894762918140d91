import socket

import pytest

from tracebreak.local.processes import StackError
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime.ports import Ports


def test_a_taken_port_is_named_before_anything_starts(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        ports = Ports.free()
        ports = Ports(**{**ports.__dict__, "edge": taken})
        stack = Stack(StackConfig(ports=ports, data_dir=tmp_path))
        with pytest.raises(StackError, match=rf"port {taken} \(edge\) is in use.*--edge-port"):
            stack.start()
    assert all(part.popen is None for part in stack.processes.values())
