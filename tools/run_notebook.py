"""Execute a notebook top to bottom, as a student's Run All does, into a copy; exit 1 on an unexpected error.

Usage: python tools/run_notebook.py notebooks/05_benchmark_cpu_gpu.ipynb OUTPUT.ipynb
The notebook itself is never changed (its committed outputs stay the CPU reference for nbval).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(source: str, target: str) -> int:
    path = Path(source).resolve()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    errors = [(index, output.get("ename"), output.get("evalue", "")[:300])
              for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
              and "raises-exception" not in cell.metadata.get("tags", [])
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    nbformat.write(notebook, target)
    print(f"{path.name}: {time.perf_counter() - started:.0f} s, unexpected errors: {errors or 'none'}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
