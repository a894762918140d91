"""pytester, for the tests of tracebreak's pytest plugin (tests/plugin/): a plugin named here serves
every test below, and only the top folder's conftest may name one."""

pytest_plugins = ["pytester"]
