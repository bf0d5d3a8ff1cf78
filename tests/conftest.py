"""Shared fixtures: small content trees built in tmp_path on top of the real scaffolding."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from jinggang.cli import main
from jinggang.outputs.browser import launch_options

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# What every content tree shares with the real project: configuration, templates,
# schemas, vocabularies and the hand-written pages the nav names.
SCAFFOLDING = ("mkdocs.yml", "site_overrides", "curriculum/schema", "curriculum/vocabularies.yml",
               "docs/index.md", "docs/editors/index.md", "docs/benchmarks.md")


# A file system in memory for the run's temporary folders, where the machine has one with room.
# On this machine's ext4 disk, making files where the tests had just removed thousands took
# about a fifth of the run's CPU in the kernel (ext4's search for an inode not recently deleted).
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_FOLDER_ROOM = 4 << 30


def pytest_configure(config: pytest.Config) -> None:
    """Tests send Ctrl-C (SIGINT) to the commands they start. A shell starts a command run in the
    background (`make test &`) with SIGINT ignored, and a process started from it keeps ignoring
    it: those tests failed there. Handled here, SIGINT is back to its default in every child.

    The temporary folders go to MEMORY_FOLDER unless TMPDIR names a place; the pytest-xdist
    workers and every command a test starts inherit TMPDIR."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if "TMPDIR" not in os.environ and _has_room(MEMORY_FOLDER):
        os.environ["TMPDIR"] = str(MEMORY_FOLDER)
        tempfile.tempdir = None  # read TMPDIR again


def _has_room(folder: Path) -> bool:
    try:
        return os.access(folder, os.W_OK) and shutil.disk_usage(folder).free >= MEMORY_FOLDER_ROOM
    except OSError:
        return False


def make_project(destination: Path, fixture: str | None = "minimal") -> Path:
    """A project tree: the real scaffolding plus a fixture's content (None: the real content)."""
    destination.mkdir(parents=True, exist_ok=True)
    # Installed browser code (reveal.js), as `make` installs it beside mkdocs.yml.
    if (REPO / "node_modules").is_dir() and not (destination / "node_modules").exists():
        (destination / "node_modules").symlink_to(REPO / "node_modules")
    if fixture is None:
        for name in ("mkdocs.yml", "site_overrides", "curriculum", "docs"):
            _copy(REPO / name, destination / name)
        return destination
    for name in SCAFFOLDING:
        _copy(REPO / name, destination / name)
    shutil.copytree(FIXTURES / fixture, destination, dirs_exist_ok=True)
    return destination


def plugin_options(project: Path, **options: object) -> Path:
    """The project's mkdocs.yml with these options of the jinggang plugin (plain YAML scalars)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - jinggang:\n" in text
    lines = "".join(f"      {name}: {value}\n" for name, value in options.items())
    config.write_text(text.replace("  - jinggang:\n", "  - jinggang:\n" + lines, 1), encoding="utf-8")
    return project


def forking(project: Path, from_pages: int = 0) -> Path:
    """The project's whole builds do their side work in forked processes from this many Markdown
    files on (fork_from_pages); by default however few it has, as a large site's do."""
    return plugin_options(project, fork_from_pages=from_pages)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def build_site(project: Path, site_dir: Path | None = None, **overrides: object) -> Path:
    site = site_dir or project / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), **overrides)
    build(config)
    return site


def without_root_read_override() -> list[str]:
    """The prefix that runs a command as root without the capabilities that let root read any
    file (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): chmod 000 then denies, as
    it does for an editor's own account. Nothing for other users, for whom chmod is enough."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to read files as root without root's read override")
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={dropped}", f"--inh-caps={dropped}"]


# A process per worker that has loaded the commands once and forks a child for each call of
# run_commands: the child starts from that state, as a new process would, without loading
# MkDocs, the plugin and the schemas again (a third of a small check and build's CPU). Requests
# and replies are lines of JSON. The child takes the caller's folder and environment, writes its
# output to a file the request names, reads nothing (stdin is /dev/null) and leads a process
# group of its own, whose id comes back first: a child that hangs, or whose caller is interrupted,
# is killed with everything it started.
_COMMAND_SERVER = """
import json, os, sys
from jinggang.cli import main

def run(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    site = request["site"]
    for command in request["commands"]:
        print(f"@@ {command}")
        where = ["--site-dir", site] if site and command != "check" else []
        print(f"@@ exit {main(['--root', request['root'], command, *where])}")

for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        nothing = os.open(os.devnull, os.O_RDONLY)
        output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(nothing, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        # An exception ends the child with a traceback and exit 1, and the end is the
        # interpreter's own shutdown: as in the `python -c` each call started before.
        run(request)
        sys.exit(0)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class CommandServer:
    """The worker's _COMMAND_SERVER, started at its first request, without root's read override."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._pending = b""
        # The server's own stderr (why it ended, if it did), open as long as the server runs.
        self._said = tempfile.TemporaryFile()  # noqa: SIM115

    def run(self, project: Path, commands: tuple[str, ...], site_dir: Path | None,
            timeout: float) -> tuple[int, str]:
        """Exit status of the child and what it printed; pytest.fail when it outlives timeout."""
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen([*without_root_read_override(), sys.executable, "-u", "-c",
                                              _COMMAND_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=self._said, cwd=REPO)
            self._pending = b""
        assert self._process.stdin is not None
        with tempfile.NamedTemporaryFile(prefix="jinggang-commands-", suffix=".txt") as output:
            request = {"root": str(project), "site": str(site_dir or ""), "commands": list(commands),
                       "output": output.name, "cwd": os.getcwd(), "env": dict(os.environ)}
            child = None
            try:
                self._process.stdin.write(json.dumps(request).encode() + b"\n")
                self._process.stdin.flush()
                child = self._reply(time.monotonic() + 60, "start")["pid"]
                status = self._reply(time.monotonic() + timeout, "end")["status"]
            except BaseException as error:  # a hang, or the caller interrupted: nothing goes on
                if child is not None:
                    with contextlib.suppress(ProcessLookupError):  # it had just ended
                        os.killpg(child, signal.SIGKILL)
                self._stop()  # its replies may still come: the next request starts a new server
                if isinstance(error, TimeoutError):
                    said = Path(output.name).read_text(encoding="utf-8", errors="replace")
                    pytest.fail(f"jinggang {', '.join(commands)}: {error} (over {timeout:.0f} s); "
                                f"it said:\n{said[-3000:]}")
                raise
            return status, Path(output.name).read_text(encoding="utf-8", errors="replace")

    def _reply(self, deadline: float, awaited: str) -> dict[str, int]:
        assert self._process is not None and self._process.stdout is not None
        while b"\n" not in self._pending:
            ready, _, _ = select.select([self._process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("hung" if awaited == "end" else "the command server did not start it")
            chunk = os.read(self._process.stdout.fileno(), 4096)
            if not chunk:
                self._said.seek(0)
                pytest.fail("the command server of the tests ended:\n"
                            + self._said.read().decode(errors="replace")[-3000:])
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        reply: dict[str, int] = json.loads(line)
        return reply

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    pipe.close()
            self._process = None

    def close(self) -> None:
        """The server ends once its stdin does (a child at work then has ended already)."""
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            finally:
                self._stop()
        self._said.close()


_SERVER = CommandServer()


@pytest.fixture(scope="session", autouse=True)
def _command_server() -> Iterator[None]:
    yield
    _SERVER.close()


def run_commands(project: Path, *commands: str, site_dir: Path | None = None,
                 timeout: float = 240) -> dict[str, tuple[int, str]]:
    """`jinggang COMMAND` for each command, one after another in a process of their own, without
    root's read override and with a timeout (a read that blocks or a loop fails the test instead
    of hanging it): exit code and output of each."""
    status, said = _SERVER.run(project, commands, site_dir, timeout)
    assert status == 0, said
    parts = said.split("@@ ")[1:]  # "check\n<what it said>", "exit 1\n", "build\n…", …
    results = {started.partition("\n")[0]: (int(ended.split()[1]), started.partition("\n")[2])
               for started, ended in zip(parts[::2], parts[1::2], strict=True)}
    assert list(results) == list(commands), said
    return results


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def project_factory(tmp_path: Path) -> Callable[..., Path]:
    def factory(name: str = "project", fixture: str | None = "minimal") -> Path:
        return make_project(tmp_path / name, fixture)

    return factory


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder. Under pytest-xdist each worker is a process with a session
    of its own and a temporary folder inside the run's: the run's is the one they share."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(shared: Path, name: str, make: Callable[[], object]) -> None:
    """Run make() once per test run, whichever process asks first; the others wait for it."""
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also when make() fails
        done = shared / f"{name}.done"
        if not done.exists():
            make()
            done.touch()


def _build_starter(project: Path) -> None:
    """`jinggang site`, as `make site` runs it: check, build, every download on one Chromium, offline.
    A failure shows what the command said, not only its exit code."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        code = main(["--root", str(project), "site"])
    assert code == 0, f"`jinggang site` on the starter content ended with {code}:\n{said.getvalue()}"


def starter_once(shared: Path, with_site: bool = True) -> Path:
    """The real content in shared/starter/project and, with_site, built as `make site` builds
    it (site, share cards, packets, slides, routes, offline): once per run."""
    project = shared / "starter" / "project"
    once_per_run(shared, "starter-project", lambda: make_project(project, fixture=None))
    if with_site:
        once_per_run(shared, "starter-site", lambda: _build_starter(project))
    return project


@pytest.fixture(scope="session")
def shared_minimal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture built once per run, in shared/minimal/project/site, for tests that
    only read the build (a test that edits content builds its own `project`)."""
    project = shared_folder(tmp_path_factory) / "minimal" / "project"

    def make() -> None:
        make_project(project)
        build_site(project)

    once_per_run(shared_folder(tmp_path_factory), "minimal-site", make)
    return project / "site"


@pytest.fixture(scope="session")
def starter_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return starter_once(shared_folder(tmp_path_factory), with_site=False)


@pytest.fixture(scope="session")
def starter_site(starter_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter site of the run, shared by every test and worker: tests only read it (a test
    that changes it works on a copy). Usually made by the background build below already."""
    return starter_once(shared_folder(tmp_path_factory)) / "site"


# The starter site takes longest to make (~40 s of PDFs, share cards and zips) and most browser
# and judge tests read it. Its build starts in a process of its own when the first test starts,
# beside the tests that do not read it (see pytest_collection_modifyitems); a test
# that reads it takes the lock and waits. If the background build fails, that test builds it
# again in its own process and fails with the reason.
_BUILD_STARTER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.conftest import starter_once
starter_once(Path(sys.argv[2]))
"""


def _reads_starter_site(item: pytest.Item) -> bool:
    return "starter_site" in getattr(item, "fixturenames", ())


@pytest.fixture(scope="session", autouse=True)
def starter_site_in_background(request: pytest.FixtureRequest,
                               tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    shared = shared_folder(tmp_path_factory)
    if not any(_reads_starter_site(item) for item in request.session.items):
        yield
        return
    try:
        (shared / "starter-background.started").touch(exist_ok=False)  # one process per run
    except FileExistsError:
        yield
        return
    with (shared / "starter-background.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-c", _BUILD_STARTER, str(REPO), str(shared)],
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        # Another worker may still be waiting for it: let it finish.
        try:
            process.wait(timeout=900)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The outside judges first: they are among the longest tests (each axe run about 20 s), so
    they start early instead of running on one worker at the end while the other idles. Among
    judges and among the rest, tests that do not read the starter site first: they run while it
    builds in the background. Otherwise the order of the files."""
    items.sort(key=lambda item: (item.get_closest_marker("judge") is None, _reads_starter_site(item)))


@pytest.fixture(scope="session", autouse=True)
def one_browser_per_worker() -> Iterator[None]:
    """What a worker prints in its own process (packets, kits, cards: ~25 runs) prints on one
    Chromium, launched at the first print: each run launched its own, ~1.5 core-seconds each.
    Commands a test starts in other processes launch theirs, as `make site` does."""
    from jinggang.outputs.printer import one_browser

    with one_browser():
        yield


@pytest.fixture
def own_browser() -> Iterator[None]:
    """For a test of how a run launches and closes its Chromium: the worker's is set aside."""
    from jinggang.outputs import printer

    kept = printer._SESSION
    printer._SESSION = None
    try:
        yield
    finally:
        printer._SESSION = kept


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**launch_options())
        yield launched
        launched.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/check_cases/ expected reports and tests/golden/ from the current output")


@pytest.fixture
def file_context(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A browser context that records every request and fails any that is not a local file."""
    requests: list[str] = []
    context = browser.new_context(locale="zh-CN")

    def guard(route: Any) -> None:
        requests.append(route.request.url)
        if urlparse(route.request.url).scheme in ("file", "data", "blob", "about"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    try:
        yield context, requests
    finally:
        context.close()
