"""The pytest plugin, run in a pytest of its own (pytester): one mock per session, stopped at the
end; a fresh org per test, deleted after it; a running mock used instead (option or environment)
and left running; the marker and the ini option; a mock that cannot start."""

from __future__ import annotations

import json
import os
from importlib.metadata import entry_points
from pathlib import Path
from typing import Iterator, List

import pytest

from portals_mock import MockServer
from test_server import gone, refused

RECORDER = """
import json, os

def record(portals_mock_server, org, **extra):
    server = portals_mock_server.server
    row = {"url": portals_mock_server.base_url, "pid": server.pid if server else None,
           "org_id": org.org_id if org else None, "fixture": org.fixture if org else None, **extra}
    with open(os.environ["RECORD_FILE"], "a") as out:
        out.write(json.dumps(row) + "\\n")
"""


@pytest.fixture
def recorded(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """RECORD_FILE for the inner tests' `record(...)` rows, and the recorder module beside them."""
    path = pytester.path / "records.jsonl"
    monkeypatch.setenv("RECORD_FILE", str(path))
    monkeypatch.delenv("PORTALS_MOCK_URL", raising=False)
    pytester.makepyfile(recorder=RECORDER)
    yield path


def rows(path: Path) -> List[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def running() -> Iterator[MockServer]:
    """A mock started outside the inner sessions."""
    with MockServer(["--job-interval-ms", "0"]) as server:
        yield server


def test_one_mock_serves_the_session_and_is_stopped_at_its_end(pytester: pytest.Pytester, recorded: Path) -> None:
    pytester.makepyfile(test_inner="""
        from recorder import record
        from urllib.request import urlopen

        def test_one(portals_mock_server, portals_org):
            assert urlopen(portals_org.base_url + "/__mock/orgs").status == 200
            portals_org.set_clock("2023-02-07T20:13:20+05:30")
            record(portals_mock_server, portals_org, token=portals_org.access_token)

        def test_two(portals_mock_server, portals_org):
            fixed = portals_org.clock()["fixed"]
            record(portals_mock_server, portals_org, token=portals_org.access_token, fixed=fixed)
    """)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
    one, two = rows(recorded)
    assert one["pid"] is not None and one["pid"] == two["pid"] and one["url"] == two["url"]
    assert one["token"] != two["token"] and one["fixture"] == two["fixture"] == "blank"
    assert two["fixed"] is False  # a fresh org: not the first test's (its id may be reused)
    assert gone(one["pid"]) and refused(one["url"])


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_running_mock_is_used_its_orgs_deleted_and_it_is_left_running(
    pytester: pytest.Pytester, recorded: Path, running: MockServer, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_inner="""
        from recorder import record

        def test_passes(portals_mock_server, portals_org):
            record(portals_mock_server, portals_org)

        def test_fails(portals_mock_server, portals_org):
            record(portals_mock_server, portals_org)
            assert False, "this one fails"

        def test_deletes_its_own_org(portals_mock_server, portals_org):
            record(portals_mock_server, portals_org)
            portals_org.delete()
    """)
    args = ["-p", "no:cacheprovider"]
    if how == "option":
        args.append(f"--portals-mock-url={running.url}")
    else:
        monkeypatch.setenv("PORTALS_MOCK_URL", running.url)
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=2, failed=1, errors=0)
    made = rows(recorded)
    assert [row["url"] for row in made] == [running.url] * 3 and [row["pid"] for row in made] == [None] * 3
    left = {org["org_id"] for org in running.control.orgs()}
    assert left and not left & {row["org_id"] for row in made}  # every org deleted, failed test's too
    assert running.control.create_org().org_id  # still serving


def test_the_marker_names_the_fixture_and_the_ini_option_the_arguments(
    pytester: pytest.Pytester, recorded: Path
) -> None:
    pytester.makeini("""
        [pytest]
        portals_mock_args = --job-interval-ms 0 --clock 2023-02-07T20:13:20+05:30
    """)
    pytester.makepyfile(test_inner="""
        import pytest
        from recorder import record

        @pytest.mark.portals_org(fixture="zylker")
        def test_zylker(portals_mock_server, portals_org):
            record(portals_mock_server, portals_org, now=portals_org.clock()["now"])

        @pytest.mark.portals_org("trial")
        def test_trial(portals_mock_server, portals_org):
            record(portals_mock_server, portals_org)

        def test_default(portals_mock_server, portals_org):
            record(portals_mock_server, portals_org)
    """)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)
    zylker, trial, default = rows(recorded)
    assert (zylker["fixture"], trial["fixture"], default["fixture"]) == ("zylker", "trial", "blank")
    assert zylker["org_id"].startswith("zylker-") and zylker["now"] == "2023-02-07T20:13:20+05:30"


def test_a_mock_that_cannot_start_errors_the_tests_that_need_it(
    pytester: pytest.Pytester, recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTALS_MOCK_BIN", str(pytester.path / "no-binary-here"))
    pytester.makepyfile(test_inner="""
        def test_needs_it(portals_org):
            pass

        def test_does_not(tmp_path):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*BinaryNotFoundError*no-binary-here*not an executable file*"])


def test_the_options_are_documented_in_pytest_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--portals-mock-url=URL*", "*portals_mock_args*"])
    markers = pytester.runpytest_subprocess("--markers")
    markers.stdout.fnmatch_lines(["*portals_org(fixture)*"])


@pytest.mark.skipif(bool(os.environ.get("PYTEST_PLUGINS")), reason="loaded through PYTEST_PLUGINS: not installed")
def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    found = entry_points()
    group = found.select(group="pytest11") if hasattr(found, "select") else found.get("pytest11", [])  # 3.9
    plugins = {ep.name: ep.value for ep in group}
    assert plugins.get("portals_mock") == "portals_mock.pytest_plugin"
