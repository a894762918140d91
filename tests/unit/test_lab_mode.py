"""Lab mode: `tracebreak lab on` silences the services' hit announcements (through every later reset
and stack start) until `lab off`; the web view's pages get each broken verdict held (boundaries and
evidence kept, signatures and fixes gone) until a guarded, counted ask; the doctor on the command
line still gets it whole."""

import json

import pytest
from starlette.testclient import TestClient

from tests.support.cli import tracebreak_with_flags
from tests.support.doctor_store import filled
from tracebreak.chaos import command as chaos_command
from tracebreak.chaos import flagfile
from tracebreak.lab import mode
from tracebreak.store.query import query_app
from tracebreak.web.chaos_api import ChaosPanel

LOOPBACK = ("127.0.0.1", 40000)
GHOSTED = "rid-0"  # a request of the filled store with a ghost span (rid-0 and rid-3)


def announces(flags) -> bool:
    flag = flagfile.read(flags)["flags"].get(flagfile.ANNOUNCE_HITS)
    return flag is None or flag["defaultVariant"] == "on"


def lab(flags, action):
    done = tracebreak_with_flags(flags, "lab", action)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_lab_mode_keeps_the_services_quiet_through_resets_until_it_is_off(tmp_path):
    flags = tmp_path / "flags.json"
    flagfile.write_defaults(flags)
    assert announces(flags) and lab(flags, "status") == "lab mode off\n"
    assert "lab mode on" in lab(flags, "on") and not announces(flags)
    chaos_command.reset_all(flags, "http://127.0.0.1:9")  # a lab's clean start
    flagfile.write_defaults(flags)  # a stack started again
    assert not announces(flags)
    assert lab(flags, "status") == "lab mode on: 0 verdicts shown on asking\n"
    assert "lab mode off, 0 verdicts shown on asking" in lab(flags, "off") and announces(flags)
    assert lab(flags, "off") == "lab mode was not on\n"
    chaos_command.reset_all(flags, "http://127.0.0.1:9")
    assert announces(flags)


def test_lab_off_during_a_drill_leaves_the_services_quiet(tmp_path):
    flags = tmp_path / "flags.json"
    mode.turn_on(flags)
    (tmp_path / flagfile.DRILL_STATE).write_text("{}")
    assert "once the drill that runs here stops" in lab(flags, "off")
    assert not announces(flags)


def test_a_lab_state_that_cannot_be_read_is_named(tmp_path):
    flags = tmp_path / "flags.json"
    (tmp_path / flagfile.LAB_MODE).write_text('{"revealed": 3}')
    with pytest.raises(ValueError, match="is not lab mode's state"):
        mode.LabMode.load(flags)


@pytest.fixture
def web(tmp_path):
    database = filled(tmp_path / "traces.db")
    flags = tmp_path / "flags.json"
    flagfile.write_defaults(flags)
    yield TestClient(query_app(database, ChaosPanel(flags, "http://127.0.0.1:9")), client=LOOPBACK), flags
    database.close()


def verdict(client, page: bool) -> dict:
    params = {"request": GHOSTED, **({"page": "1"} if page else {})}
    [found] = client.get("/api/doctor", params=params).json()["requests"]
    return found


def ask(client, request_id=GHOSTED, **headers):
    return client.post(
        f"/api/lab/reveal/{request_id}", content="{}", headers={"content-type": "application/json", **headers}
    )


def test_a_page_gets_the_verdict_held_until_it_asks_and_each_ask_counts_once(web):
    client, flags = web
    whole = verdict(client, page=True)
    assert whole["signatures"] == ["ghost-span"] and "lab" not in whole  # lab mode off: as ever
    mode.turn_on(flags)
    held = verdict(client, page=True)
    assert held["lab"] == {"held": True, "revealed": 0} and held["signatures"] == []
    unnamed = [{k: v for k, v in f.items() if k not in ("signature", "fix")} for f in whole["findings"]]
    assert held["findings"] == unnamed  # the boundary and the evidence, for the page's marks
    assert "ghost-span" not in json.dumps(held) and whole["findings"][0]["fix"] not in json.dumps(held)
    assert verdict(client, page=False) == whole  # `tracebreak doctor` reads it whole
    assert ask(client).json()["data"] == {"revealed": 1}
    assert ask(client).json()["data"] == {"revealed": 1}  # the same request again: counted once
    shown = verdict(client, page=True)
    assert shown["lab"] == {"held": False, "revealed": 1} and shown["findings"] == whole["findings"]
    assert ask(client, "rid-3").json()["data"] == {"revealed": 2}
    assert mode.LabMode.load(flags).revealed == [GHOSTED, "rid-3"]


def test_asking_is_refused_to_other_sites_other_machines_forms_and_outside_lab_mode(web):
    client, flags = web
    assert ask(client).status_code == 409 and "lab mode is off" in ask(client).text
    mode.turn_on(flags)
    foreign = ask(client, origin="http://evil.example")
    assert foreign.status_code == 403 and "evil.example" in foreign.text
    assert ask(client, **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.post(f"/api/lab/reveal/{GHOSTED}", data={"x": "1"}).status_code == 403  # a <form>
    remote = TestClient(client.app, client=("192.0.2.7", 5000))
    assert ask(remote).status_code == 403 and "loopback" in ask(remote).text
    assert ask(client, "x" * 201).status_code == 400
    assert mode.LabMode.load(flags).revealed == []  # none of them counted
    no_flags = TestClient(query_app(client.app.state.db), client=LOOPBACK)  # a store without --chaos-flags
    assert ask(no_flags).status_code == 404
