"""Run every benchmark in one invocation and print one table: `make bench` (or python benchmarks/run_all.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [["mt_throughput.py", "50"], ["scale.py"], ["floor.py"], ["memory.py"], ["deck_parse.py"], ["serve.py"]]


def main() -> int:
    worst = 0
    for script, *args in BENCHMARKS:
        print(f"\n## {script} {' '.join(args)}")
        result = subprocess.run([sys.executable, str(HERE / script), *args], text=True, capture_output=True)
        sys.stdout.write(result.stdout)
        if result.returncode:
            sys.stderr.write(result.stderr)
        worst = max(worst, result.returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
