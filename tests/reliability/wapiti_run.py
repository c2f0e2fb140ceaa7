#!/usr/bin/python3
"""wapiti_run.py: runs Debian's wapiti 3.0.4 (same arguments as `wapiti`) with
one fix. Its -x/--exclude pattern compiler appends the global flags "(?ms)"
at the end of the regular expression, which Python 3.11 refuses ("global
flags not at the start"), so any -x crashes the crawl. Here the flags go
first; nothing else changes. Used by tests/reliability/wapiti.sh.
"""
import re
import sys

import wapitiCore.net.crawler as crawler


def wildcard_translate(pattern):
    body = "".join(".*" if c == "*" else re.escape(c) for c in pattern)
    return re.compile(r"(?ms)" + body + r"\Z")


crawler.wildcard_translate = wildcard_translate

from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
