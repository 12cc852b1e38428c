"""The Rasa server's entry point: ``python -m bot.rasa_ext.launcher <rasa arguments>``.

Exactly Rasa's command line (``run``, ``shell``, ``test`` ...), after one
explicit start-up step: `bot.rasa_ext.patches.install()`. Used by ``make run``,
``make shell``, the tests and the benchmarks; a plain ``rasa`` command works the
same without the speed-ups.
"""
from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    from bot.rasa_ext import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
