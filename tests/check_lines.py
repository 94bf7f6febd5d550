"""The line protocol of the driver check programs in other languages (tests/java, tests/node).

Each program prints one ``CHECK <name> OK <detail>`` or ``CHECK <name> FAIL <reason>`` line per
check and ``DONE failures=<n>`` at the end; the Python tests run the program once and turn each
line into its own test, so a report names every check that failed and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHECK_LINE = re.compile(r"^CHECK (?P<name>\S+) (?P<status>OK|FAIL) ?(?P<detail>.*)$")


@dataclass(frozen=True)
class CheckRun:
    """What one run of a check program printed."""

    results: dict[str, tuple[str, str]]  # name -> (OK | FAIL, detail)
    finished: bool
    output: str

    def assert_ok(self, name: str) -> str:
        """The check's detail when it passed; a readable assertion error when it did not."""
        if name not in self.results:
            raise AssertionError(
                f"the check program printed no line for {name!r}; its output was:\n{self.output}")
        status, detail = self.results[name]
        assert status == "OK", f"{name}: {detail}"
        return detail


def parse_check_output(stdout: str, stderr: str = "") -> CheckRun:
    results: dict[str, tuple[str, str]] = {}
    finished = False
    for line in stdout.splitlines():
        match = _CHECK_LINE.match(line)
        if match:
            results[match["name"]] = (match["status"], match["detail"])
        elif line.startswith("DONE "):
            finished = True
    output = stdout + (f"\n--- stderr ---\n{stderr}" if stderr.strip() else "")
    return CheckRun(results, finished, output)
