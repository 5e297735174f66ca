"""What a long run shows while it works, on a terminal only.

A bar of the templates linted (tqdm), shown once a run has taken more than `DELAY` seconds, on
standard error; and, while one template takes long (a template of several megabytes), what is being
done to it: decoding it, building cfn-lint's template object, running the rules (which one). Nothing
at all when standard error is not a terminal (a pipe, a file, an editor), under CI (`CI` set), with
`TERM=dumb`, or with `--no-progress`.

tqdm, not rich: it does this one thing, has no dependencies of its own, imports in a few
milliseconds, and writes to standard error only; rich would bring a whole console layer (markup,
themes, its own pretty printer) for one line.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

DELAY = 1.5  # seconds before anything is shown
REDRAW = 0.1  # seconds between two redraws for the steps of one template


def wanted(stream: Any = None) -> bool:
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return bool(tty) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Progress:
    """The run's indicator; every method is cheap when nothing is shown."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled and total > 0
        self.total = total
        self._bar: Any = None
        self._timer: Any = None
        self._file = ""
        self._start = time.monotonic()
        self._drawn = 0.0
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:  # installed without it: no indicator, the run is the same
                self.enabled = False
                return
            self._bar = tqdm(total=total, unit="template", delay=DELAY, file=sys.stderr, leave=False,
                             dynamic_ncols=True, desc="cfn-lint-bestpractices")
            # a single long step (decoding a large template) would draw nothing until the next one:
            # draw once when the delay is over, whatever the run is doing then
            self._timer = threading.Timer(DELAY, self._draw)
            self._timer.daemon = True
            self._timer.start()

    def file(self, name: str) -> None:
        """A template is started (in this process)."""
        if self._bar is not None:
            self._file = os.path.basename(name)
            size = _size(name)
            self._file += f" ({size})" if size else ""

    def step(self, text: str) -> None:
        """What is being done to the current template now."""
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self._file}: {text}" if self._file else text, refresh=False)
            now = time.monotonic()
            # tqdm's refresh draws at once: keep to its delay, and to ten redraws a second
            if now - self._start >= DELAY and now - self._drawn >= REDRAW:
                self._drawn = now
                self._bar.refresh()

    def _draw(self) -> None:
        bar = self._bar
        if bar is not None:
            try:
                bar.refresh()
            except Exception:  # pylint: disable=broad-except
                pass  # closed meanwhile: nothing to show

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str("", refresh=False)
            self._bar.update(count)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _size(name: str) -> str:
    try:
        size = os.path.getsize(name)
    except OSError:
        return ""
    if size < 512 * 1024:
        return ""  # the name says enough for a small template
    return f"{size / (1024 * 1024):.1f} MB"


# The indicator of the run in this process, for the steps of one template (packonly reports them).
current = Progress(0, False)


def step(text: str) -> None:
    current.step(text)
