"""Running the repository's command-line tools from tests."""
import os
import os.path as osp
import subprocess
import sys
from typing import Mapping, Optional

#: The repository root (tools/, configs/).
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(*args: str, env: Optional[Mapping[str, str]] = None) -> str:
    """Run ``python <args>`` from the repository root and return its output.

    The repository root is put first on ``PYTHONPATH`` so that the tools
    import this checkout's mmext.  A failing run fails the test with the
    end of its output.
    """
    env = dict(os.environ if env is None else env)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    proc = subprocess.run([sys.executable, *args],
                          cwd=ROOT,
                          env=env,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr
