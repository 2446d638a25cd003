"""axe-core in the browser journeys: WCAG 2.1 level A and AA rules, no serious or critical
violation on the pages a citizen or an official goes through.

axe-core is a test-only tool (MPL-2.0) from the npm registry: the one file `axe.min.js` is taken
from its package with `npm pack` into a cache folder, once (`.ci/run` does it before the tests:
`python3 e2e/accessibility.py`; a local run without it fetches it at the first check). Nothing of
it is served by tinhso: the journeys hand it to the page under a same-origin address that the
browser context answers itself, so the page's Content-Security-Policy stays as it is.

This module imports only the standard library at the top: `.ci/run` runs it before any
environment exists.
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
import weakref
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_DIR = Path(os.environ.get("TINHSO_AXE_DIR")
               or Path.home() / ".cache" / "tinhso" / f"axe-core-{AXE_VERSION}")
AXE_FILE = AXE_DIR / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what Vietnamese and international guidance ask of a portal.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
ROUTE = "**/__axe__/axe.min.js"

_routed: "weakref.WeakSet" = weakref.WeakSet()


def fetch() -> Path:
    """axe.min.js (and its licence) from the npm package, into AXE_DIR, unless already there."""
    if AXE_FILE.is_file():
        return AXE_FILE
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("npm is needed once to fetch axe-core (apt install npm)")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent",  # noqa: S603
                        "--pack-destination", folder], check=True, capture_output=True,
                       timeout=300)
        (archive,) = Path(folder).glob("axe-core-*.tgz")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for name in ("LICENSE", "axe.min.js"):  # the script last: its presence means done
                member = tar.extractfile(f"package/{name}")
                target = AXE_DIR / name
                partial = target.with_suffix(".partial")
                partial.write_bytes(member.read())
                partial.replace(target)
    return AXE_FILE


def _script() -> Path | None:
    try:
        return fetch()
    except (OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI"):
            raise
        warnings.warn(f"axe-core unavailable, accessibility not checked: {exc}", stacklevel=3)
        return None


RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map(n => n.target.join(" ") + " : "
                                        + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }));
}"""


def violations(page) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe finds on the page as it is now."""
    script = _script()
    if script is None:
        return []
    if page.context not in _routed:
        page.context.route(ROUTE, lambda route: route.fulfill(
            path=str(script), content_type="text/javascript; charset=utf-8"))
        _routed.add(page.context)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(url=page.evaluate("location.origin") + "/__axe__/axe.min.js")
    return page.evaluate(RUN, TAGS)


def assert_accessible(page, where: str = ""):
    """No serious or critical WCAG 2.1 A/AA violation on the page as it is now."""
    found = [v for v in violations(page) if v["impact"] in BLOCKING]
    assert not found, f"axe, {where or page.url}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in found)


if __name__ == "__main__":  # .ci/run: fetch it once, before the tests
    print(fetch())
    sys.exit(0)
