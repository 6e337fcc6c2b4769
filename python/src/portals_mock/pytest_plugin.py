"""The pytest plugin (entry point `pytest11`): a mock per test session and a fresh org per test.

- `portals_mock_server` (session): a ControlPlane of the mock. The plugin starts the installed
  binary on a free loopback port and stops it when the session ends, unless
  `--portals-mock-url URL` (or the `PORTALS_MOCK_URL` environment variable) names a mock already
  running, which it then uses and leaves running. Its arguments are the ini option
  `portals_mock_args` (default `--job-interval-ms 0`: jobs run when a test calls `run_jobs()`).
- `portals_org` (function): a new org from the `blank` fixture (or the one named by
  `@pytest.mark.portals_org(fixture="zylker")`), deleted when the test ends.
"""

from __future__ import annotations

import os
from typing import Iterator, Optional

import pytest

from portals_mock._http import ControlPlaneError
from portals_mock.control import ControlPlane
from portals_mock.org import Org
from portals_mock.server import MockServer

ENV_URL = "PORTALS_MOCK_URL"
ENV_ADMIN_TOKEN = "PORTALS_MOCK_ADMIN_TOKEN"
DEFAULT_ARGS = ["--job-interval-ms", "0"]
DEFAULT_FIXTURE = "blank"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--portals-mock-url` and the ini option `portals_mock_args`."""
    group = parser.getgroup("portals-mock", "the Zoho CRM Portals API mock")
    group.addoption(
        "--portals-mock-url",
        dest="portals_mock_url",
        default=None,
        metavar="URL",
        help=f"use the portals-mock running at URL instead of starting one (also: ${ENV_URL})",
    )
    parser.addini(
        "portals_mock_args",
        type="args",
        default=list(DEFAULT_ARGS),
        help="arguments of the portals-mock the plugin starts (default: --job-interval-ms 0)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the `portals_org` marker."""
    config.addinivalue_line(
        "markers", "portals_org(fixture): the fixture the test's fresh org starts from (default: blank)"
    )


def running_url(config: pytest.Config) -> Optional[str]:
    """The URL of a mock to use instead of starting one: the option, else the environment."""
    return config.getoption("portals_mock_url") or os.environ.get(ENV_URL) or None


@pytest.fixture(scope="session")
def portals_mock_server(pytestconfig: pytest.Config) -> Iterator[ControlPlane]:
    """The session's mock, as a ControlPlane (`.base_url`; `.server` when the plugin started it)."""
    admin_token = os.environ.get(ENV_ADMIN_TOKEN) or None
    url = running_url(pytestconfig)
    if url:
        yield ControlPlane(url, admin_token=admin_token)
        return
    with MockServer(pytestconfig.getini("portals_mock_args")) as server:
        yield ControlPlane(server.url, admin_token=admin_token, server=server)


@pytest.fixture
def portals_org(request: pytest.FixtureRequest, portals_mock_server: ControlPlane) -> Iterator[Org]:
    """A fresh org for this test, deleted at teardown (unless the test deleted it)."""
    marker = request.node.get_closest_marker("portals_org")
    fixture = DEFAULT_FIXTURE
    if marker is not None:
        fixture = marker.kwargs.get("fixture", marker.args[0] if marker.args else DEFAULT_FIXTURE)
    org = portals_mock_server.create_org(fixture)
    yield org
    try:
        org.delete()
    except ControlPlaneError as error:
        if error.code != "UNKNOWN_ORG":
            raise
