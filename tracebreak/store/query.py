"""The store's query port (16686): Jaeger's query API, the doctor's verdicts, and the web view's pages
with its chaos and lab panels. Each part has its module; this one puts them on one app."""

from starlette.applications import Starlette

from tracebreak.store import api_v3, doctor_api, jaeger_api
from tracebreak.store.database import Database
from tracebreak.store.judges import Judges
from tracebreak.web import pages
from tracebreak.web.chaos_api import ChaosPanel
from tracebreak.web.lab_api import LabPanel


def query_app(db: Database, panel: ChaosPanel | None = None) -> Starlette:
    """The query port's app; the web view's chaos panel works where `panel` knows the flag file."""
    panel = panel or ChaosPanel()
    lab = LabPanel(panel.flags, panel.allow_remote)
    routes = [
        *jaeger_api.routes(),
        *api_v3.routes(),
        doctor_api.route(),
        *panel.routes(),
        *lab.routes(),
        *pages.routes(),
    ]
    app = Starlette(routes=routes)
    app.state.db, app.state.panel, app.state.lab = db, panel, lab
    # Long windows are judged on every core; whoever serves the app closes them (server.py).
    app.state.judges = Judges(db.path)
    return app
