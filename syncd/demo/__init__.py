"""The bundled demo: Alex Morgan's mailbox and calendar, generated relative to "today".

    from syncd.demo import build_demo
    paths = build_demo(Path("demo-data"), now)   # paths.maildir, paths.calendar

``story`` holds the people and what they say (and ``EXPECTED``, the facts the demo states on
purpose); ``build`` renders it with every date relative to ``now``.
"""

from syncd.demo.build import DemoPaths, anchor_dates, build_demo, expected_date
from syncd.demo.story import EXPECTED, TRAPS

__all__ = ["EXPECTED", "TRAPS", "DemoPaths", "anchor_dates", "build_demo", "expected_date"]
