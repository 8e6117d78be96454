"""Does the pinned set install on every Python and platform the course supports? Checked before a workshop.

    python tools/wheels.py                       # every supported Python on Linux, macOS arm64 and Windows
    python tools/wheels.py --python 3.14 --platform macos-arm64

For each (Python, platform) it resolves ``requirements-lab.txt`` (the course, JupyterLab) with the pins of
``constraints.txt`` the way ``pip install --only-binary=:all:`` would: each requirement's markers evaluated for
that target, the pinned version (or, for a package only that platform needs, the newest allowed one), a wheel
whose tags the target accepts and whose Requires-Python admits it, then that wheel's own dependencies, read from
PyPI's metadata files. It reads PyPI's JSON index (PEP 691) and metadata files (PEP 658), so it needs the
network but downloads no wheel; pip would need about 20 CPU seconds per target for the same answer.
"""

from __future__ import annotations

import argparse
import email.parser
import functools
import io
import json
import sys
import threading
import http.client
import urllib.error
import urllib.parse
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging import tags
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13", "3.14")  # pyproject.toml's requires-python
# Requires-Python is checked against a recent patch release of each (a package may need e.g. 3.11.5 or newer).
LATEST_PATCH = 9
INDEX = "https://pypi.org/simple"
# glibc 2.35 is Ubuntu 22.04's (and Colab's): a wheel needing a newer one would not install there.
_LINUX = [f"manylinux_2_{minor}_x86_64" for minor in range(35, 4, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]
PLATFORMS = {
    "linux-x86_64": (_LINUX, {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
                              "os_name": "posix"}),
    "macos-arm64": (list(tags.mac_platforms((14, 0), "arm64")),  # macOS 14: the oldest torch 2.14 supports
                    {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64",
                     "os_name": "posix"}),
    "windows-amd64": (["win_amd64"], {"sys_platform": "win32", "platform_system": "Windows",
                                      "platform_machine": "AMD64", "os_name": "nt"}),
}


@dataclass
class Resolution:
    """What one target would install, and every problem found (a resolution with problems would fail)."""

    python: str
    platform: str
    installs: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)


def read_requirements(path: Path) -> list[Requirement]:
    """The requirements of a pip requirements file, following ``-r`` includes; options and ``-e .`` skipped."""
    found = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if line.startswith("-r "):
            found += read_requirements(path.parent / line[3:].strip())
        elif line and not line.startswith(("#", "-")):
            found.append(Requirement(line))
    return found


def read_pins(path: Path) -> list[Requirement]:
    """The ``name==version`` lines of a constraints file (a line may carry a marker, e.g. for Windows)."""
    return [Requirement(line) for line in (raw.split("#")[0].strip() for raw in path.read_text().splitlines())
            if "==" in line]


def _pins_for(pins: list[Requirement], environment: dict) -> dict[str, Version]:
    return {canonicalize_name(pin.name): Version(str(pin.specifier).removeprefix("=="))
            for pin in pins if pin.marker is None or pin.marker.evaluate(dict(environment, extra=""))}


def _once(function):
    """Memoise ``function``; threads asking for the same arguments wait for one call instead of repeating it."""
    results, locks, guard = {}, {}, threading.Lock()

    @functools.wraps(function)
    def memoised(*args):
        with guard:
            lock = locks.setdefault(args, threading.Lock())
        with lock:
            if args not in results:
                results[args] = function(*args)
        return results[args]
    return memoised


_connections = threading.local()  # one kept-alive HTTPS connection per thread and host: a TLS handshake per
                                  # request would cost more CPU than the whole resolution


def _request(method: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)`` of one request, over this thread's connection to the URL's host."""
    parts = urllib.parse.urlsplit(url)
    pool = _connections.__dict__.setdefault("pool", {})
    for attempt in (1, 2):  # a kept-alive connection the server has closed fails once: reconnect
        connection = pool.get(parts.netloc) or http.client.HTTPSConnection(parts.netloc, timeout=60)
        pool[parts.netloc] = connection
        try:
            connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                               headers={"User-Agent": "pytorch-onnx-course wheels", **headers})
            response = connection.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            connection.close()
            pool.pop(parts.netloc, None)
            if attempt == 2:
                raise
            continue
        if response.status in (301, 302, 303, 307, 308):
            return _request(method, urllib.parse.urljoin(url, response.getheader("Location")), headers)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    raise AssertionError("unreachable")


@_once
def _get(url: str, accept: str = "application/vnd.pypi.simple.v1+json") -> bytes:
    status, _, body = _request("GET", url, {"Accept": accept})
    if status != 200:
        raise urllib.error.HTTPError(url, status, f"HTTP {status}", None, None)
    return body


@_once
def _wheels(name: str) -> tuple[tuple[Version, frozenset, SpecifierSet | None, str], ...]:
    """(version, tags, Requires-Python, url) of every wheel of ``name`` on the index that is not yanked."""
    wheels = []
    for file in json.loads(_get(f"{INDEX}/{name}/"))["files"]:
        if file["filename"].endswith(".whl") and not file.get("yanked"):
            try:
                _, version, _, wheel_tags = parse_wheel_filename(file["filename"])
            except InvalidWheelFilename:  # an old upload named before the standard (pydantic-0.18-py36+-none-any)
                continue
            try:
                requires = SpecifierSet(file["requires-python"]) if file.get("requires-python") else None
            except InvalidSpecifier:  # an old upload with a malformed Requires-Python: pip skips it too
                continue
            wheels.append((version, frozenset(wheel_tags), requires, file["url"]))
    return tuple(wheels)


class _RemoteFile(io.RawIOBase):
    """A wheel on the index read through HTTP range requests: zipfile reads its directory and METADATA only."""

    def __init__(self, url: str):
        super().__init__()
        status, headers, _ = _request("HEAD", url, {})
        if status != 200:
            raise urllib.error.HTTPError(url, status, f"HTTP {status}", None, None)
        self.url, self.size, self.position = url, int(headers["content-length"]), 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = (offset, self.position + offset, self.size + offset)[whence]
        return self.position

    def readinto(self, buffer) -> int:
        end = min(self.position + len(buffer), self.size)
        if end <= self.position:
            return 0
        status, _, data = _request("GET", self.url, {"Range": f"bytes={self.position}-{end - 1}"})
        if status not in (200, 206):
            raise urllib.error.HTTPError(self.url, status, f"HTTP {status}", None, None)
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


@_once
def _requires_dist_of(name: str, version: str, url: str) -> tuple[str, ...]:
    """Requires-Dist of a wheel, from PEP 658 metadata where the index has it, else from the wheel's METADATA."""
    try:
        text = _get(url + ".metadata", "*/*")
    except urllib.error.HTTPError:
        with zipfile.ZipFile(io.BufferedReader(_RemoteFile(url), buffer_size=1 << 20)) as wheel:
            text = wheel.read(next(n for n in wheel.namelist() if n.count("/") == 1
                                   and n.endswith(".dist-info/METADATA")))
    return tuple(email.parser.BytesParser().parsebytes(text, headersonly=True).get_all("Requires-Dist") or [])


def _requires_dist(name: str, version: Version, url: str) -> tuple[str, ...]:
    # One wheel per version is read: a release's wheels declare the same dependencies (markers do the rest).
    return _requires_dist_of(name, str(version), _first_url.setdefault((name, str(version)), url))


_first_url: dict[tuple[str, str], str] = {}


def resolve(python: str, platform: str, requirements: list[Requirement], pins: list[Requirement]) -> Resolution:
    """Resolve ``requirements`` for one target as pip --only-binary would, with ``pins`` as constraints."""
    platforms, environment = PLATFORMS[platform]
    major, minor = map(int, python.split("."))
    interpreter = f"cp{major}{minor}"
    accepted = set(tags.cpython_tags((major, minor), [interpreter], platforms)) | set(
        tags.compatible_tags((major, minor), interpreter, platforms))
    full = f"{python}.{LATEST_PATCH}"
    environment = dict(environment, python_version=python, python_full_version=full, implementation_name="cpython",
                       platform_python_implementation="CPython", implementation_version=full, platform_release="",
                       platform_version="")
    pins = _pins_for(pins, environment)
    result = Resolution(python, platform)
    wanted = [(r, "") for r in requirements]
    chosen: dict[str, tuple[Version, dict]] = {}
    while wanted:
        requirement, extra = wanted.pop(0)
        if requirement.marker and not requirement.marker.evaluate(dict(environment, extra=extra)):
            continue
        name = canonicalize_name(requirement.name)
        if name in chosen:
            version, wheel = chosen[name]
            if version not in requirement.specifier:
                result.problem(f"{name} {version} does not satisfy {requirement}")
        else:
            url, version = _pick(name, requirement.specifier, pins.get(name), full, accepted, result)
            if url is None:
                continue
            chosen[name] = (version, url)
            result.installs[name] = str(version)
        for line in _requires_dist(name, chosen[name][0], chosen[name][1]):
            dependency = Requirement(line)
            for requested in sorted(requirement.extras) or [""]:
                if dependency.marker is None or dependency.marker.evaluate(dict(environment, extra=requested)):
                    wanted.append((dependency, requested))
                    break
    return result


def _pick(name: str, specifier: SpecifierSet, pin: Version | None, python: str, accepted: set,
          result: Resolution) -> tuple[str | None, Version | None]:
    """The wheel pip would take: the pinned version's, or the newest allowed one with a fitting wheel."""
    fitting: dict[Version, str] = {}
    for version, wheel_tags, requires, url in _wheels(name):
        if wheel_tags & accepted and (requires is None or requires.contains(python)):
            fitting.setdefault(version, url)
    where = f"Python {result.python} on {result.platform}"
    if pin is not None:
        if pin not in specifier:
            result.problem(f"constraints pin {name}=={pin}, but {specifier} is required")
        elif pin not in fitting:
            result.problem(f"{name}=={pin} has no wheel for {where}")
        else:
            return fitting[pin], pin
        return None, None
    allowed = sorted((v for v in fitting if v in specifier and not v.is_prerelease), reverse=True)
    if not allowed:
        result.problem(f"{name}{specifier or ''} has no wheel for {where}")
        return None, None
    return fitting[allowed[0]], allowed[0]


def resolve_all(pythons=PYTHONS, platforms=tuple(PLATFORMS), requirements_file: Path = ROOT / "requirements-lab.txt",
                constraints_file: Path = ROOT / "constraints.txt") -> list[Resolution]:
    """Every (Python, platform) pair, resolved in parallel threads (the work is waiting on PyPI)."""
    requirements, pins = read_requirements(requirements_file), read_pins(constraints_file)
    targets = [(python, platform) for python in pythons for platform in platforms]
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        return list(pool.map(lambda target: resolve(*target, requirements, pins), targets))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/wheels.py", description=__doc__.splitlines()[0])
    parser.add_argument("--python", nargs="+", default=PYTHONS, choices=PYTHONS)
    parser.add_argument("--platform", nargs="+", default=tuple(PLATFORMS), choices=tuple(PLATFORMS))
    parser.add_argument("--constraints", type=Path, default=ROOT / "constraints.txt")
    args = parser.parse_args(argv)
    results = resolve_all(args.python, args.platform, constraints_file=args.constraints)
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} Python {r.python} {r.platform:<14} {len(r.installs)} wheels"
              + "".join(f"\n       {problem}" for problem in r.problems))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
