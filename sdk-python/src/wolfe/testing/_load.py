from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from wolfe import _registry


def load_runbook(path: str | os.PathLike[str]) -> ModuleType:
    """Import a runbook's entry module from its file, e.g.
    `load_runbook(Path(__file__).parents[1] / "main.py")`.

    Every runbook's entry module tends to be called `main`, and each registers
    a handler, so a plain `import main` breaks as soon as one pytest session
    covers two runbooks. This imports the file under a name unique to its
    path, with its own registration, and raises if it registers no handler.
    The runbook's directory is on sys.path only while its module body runs.
    """
    file = Path(path).resolve()
    name = "wolfe_runbook_" + "".join(ch if ch.isalnum() else "_" for ch in str(file.with_suffix("")))
    if name in sys.modules:
        return sys.modules[name]

    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import a runbook from {file}")
    module = importlib.util.module_from_spec(spec)
    # Registered before running, as a normal import would, so dataclasses and
    # pickling inside the runbook can find their module.
    sys.modules[name] = module
    sys.path.insert(0, str(file.parent))
    try:
        with _registry.isolated():
            spec.loader.exec_module(module)
            if _registry.registered() is None:
                raise LookupError(f"{file}: no function is marked with @wolfe.runbook")
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        sys.path.remove(str(file.parent))
    return module
