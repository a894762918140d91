"""A room's overlays: one Kustomize overlay per trainee namespace over deploy/kubernetes/base, one for
the shared room, and a top kustomization that holds them all (`kubectl apply -k DIR`).

The overlays are written, not a Kustomize component per namespace: a namespace's name, its label and
its flag file differ per trainee, and Kustomize has no loop. The command writes only what differs;
everything else stays in the base, which Kustomize reads as it is.
"""

import os
import shutil
from pathlib import Path

import yaml

from tracebreak.chaos import flagfile

ROOT = Path(__file__).resolve().parents[2]  # the repository
KUBERNETES = ROOT / "deploy" / "kubernetes"
BASE = KUBERNETES / "base"
ROOM = KUBERNETES / "room"
VARIANTS = ("tail-sampling-split",)
IMAGE = "tracebreak:0.1.0"
MAX_TRAINEES = 99
HEADER = "# Written by `tracebreak workshop render`; apply the room with `kubectl apply -k` on this folder.\n"
# The room's NetworkPolicy lets in OTLP from the namespaces that carry this label only.
ROLE_LABEL = "tracebreak.dev/role"


def namespace(number: int) -> str:
    return f"trainee-{number:02d}"


def render(trainees: int, out: Path, variant: str | None = None, image: str = IMAGE) -> list[Path]:
    """Write the room's overlays under `out`; the folders written, the room first."""
    if not 1 <= trainees <= MAX_TRAINEES:
        raise ValueError(f"--trainees takes 1 to {MAX_TRAINEES}, not {trainees}")
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"--variant takes {', '.join(VARIANTS)}, not {variant!r}")
    override = None if image == IMAGE else _image(image)
    _clear(out)
    folders = [_room(out / "room", variant)]
    folders += [_trainee(out / namespace(n), namespace(n), variant, override) for n in range(1, trainees + 1)]
    _write(out / "kustomization.yaml", _kustomization(resources=[f.name for f in folders]))
    return folders


def _clear(out: Path) -> None:
    """Make `out` empty, if it holds nothing but an earlier render (never a folder of something else)."""
    top = out / "kustomization.yaml"
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file: --out takes a folder")
    if out.exists() and any(out.iterdir()):
        if not top.is_file() or not top.read_text().startswith(HEADER):
            raise ValueError(f"{out} is not empty and holds no earlier render: give a new or empty folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _room(folder: Path, variant: str | None) -> Path:
    folder.mkdir()
    overlay = _kustomization([_relative(ROOM, folder)], _components(folder, variant, "room"))
    _write(folder / "kustomization.yaml", overlay)
    return folder


def _trainee(folder: Path, name: str, variant: str | None, image: dict[str, str] | None) -> Path:
    folder.mkdir()
    labels = {ROLE_LABEL: "trainee"}
    _write(
        folder / "namespace.yaml",
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}},
    )
    # Every toggle off; the host's `tracebreak chaos` rewrites it (docs/workshop.md, the cluster path).
    flagfile.write(folder / "flags.json", flagfile.default_flags())
    overlay = _kustomization(
        ["namespace.yaml", _relative(BASE, folder)], _components(folder, variant, "agents")
    )
    overlay["namespace"] = name
    overlay["configMapGenerator"] = [
        # A fixed name (no content hash), so that the host can replace it in place.
        {"name": "tracebreak-flags", "files": ["flags.json"], "options": {"disableNameSuffixHash": True}}
    ]
    if image is not None:
        overlay["images"] = [image]
    _write(folder / "kustomization.yaml", overlay)
    return folder


def _image(image: str) -> dict[str, str]:
    """Kustomize's image override for `--image REGISTRY/NAME:TAG` (the cluster pulls from there)."""
    name, colon, tag = image.rpartition(":")
    if not colon or not name or "/" in tag:
        raise ValueError(f"--image takes NAME:TAG, e.g. registry.example/tracebreak:0.1.0, not {image!r}")
    return {"name": "tracebreak", "newName": name, "newTag": tag}


def _components(folder: Path, variant: str | None, side: str) -> list[str]:
    return [] if variant is None else [_relative(KUBERNETES / "variants" / variant / side, folder)]


def _kustomization(resources: list[str], components: list[str] | None = None) -> dict:
    document: dict = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    document["resources"] = resources
    if components:
        document["components"] = components
    return document


def _relative(target: Path, folder: Path) -> str:
    # Kustomize takes no absolute path to a base: relative to the overlay, wherever that is.
    return os.path.relpath(target, folder.resolve())


def _write(path: Path, document: dict) -> None:
    text = yaml.safe_dump(document, sort_keys=False)
    path.write_text(HEADER + text if path.name == "kustomization.yaml" else text)
