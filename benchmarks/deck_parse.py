"""How long a 1 MB copy deck takes to parse, against the 1 s budget (a deck pasted twice, an export
gone wrong: content ops must get an answer, not a hang). Usage: python benchmarks/deck_parse.py [runs]"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_hardening import big_deck  # noqa: E402  (the deck the test reads whole)

from pipeline.copydeck.parse import parse_page  # noqa: E402

BUDGET = 1.0


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    data = big_deck()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_page(data, "source/big.txt", "big")
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"| 1 MB copy deck ({len(data):,} bytes), parse | min {min(times):.3f} s | median {median:.3f} s"
          f" | max {max(times):.3f} s | budget {BUDGET:.1f} s | {'met' if median <= BUDGET else 'MISSED'} |")
    return 0 if median <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
