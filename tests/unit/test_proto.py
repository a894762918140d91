import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ("auth_pb2.py", "auth_pb2.pyi", "auth_pb2_grpc.py")


def test_generated_grpc_code_matches_the_proto(tmp_path):
    """`make proto` was run after the last change to auth.proto."""
    (tmp_path / "services/service_b").mkdir(parents=True)
    shutil.copy(ROOT / "services/service_b/auth.proto", tmp_path / "services/service_b/auth.proto")
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", "-I", ".", "--python_out=.", "--pyi_out=.",
         "--grpc_python_out=.", "services/service_b/auth.proto"],
        cwd=tmp_path, check=True, timeout=60,
    )  # fmt: skip
    for name in GENERATED:
        assert filecmp.cmp(
            tmp_path / "services/service_b" / name, ROOT / "services/service_b" / name, shallow=False
        ), name
