"""What ragbox accepts back from a reader child: data, never code.

The child's replies (pages, chunks, progress, OCR'd pages) come as pickles, and a plain
``pickle.loads`` would run whatever a pickle names: a reader a crafted file has taken over could
send one that calls ``os.system`` in ragbox, which is not sealed, and undo every protection the
child has. ``loads`` here builds only plain values (str, bytes, numbers, lists, dicts, tuples,
sets) and ragbox's own data classes and enums: a pickle naming anything else, a function above
all, is refused before anything is called.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import pickle

# Built-in types a reply may hold beyond what pickle's own opcodes build.
SAFE_BUILTINS = {("builtins", name) for name in ("set", "frozenset", "complex", "bytearray", "slice", "range")}


class UnsafeReply(pickle.UnpicklingError):
    """A reply named something ragbox does not take back from a reader."""


class _ReplyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in SAFE_BUILTINS:
            return super().find_class(module, name)
        if module == "ragbox" or module.startswith("ragbox."):
            found = super().find_class(module, name)
            # A class that holds data: building one runs no code of its own choosing.
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise UnsafeReply(f"a reader's reply named {module}.{name}, which is not data")


def loads(data: bytes):
    try:
        return _ReplyUnpickler(io.BytesIO(data)).load()
    except UnsafeReply:
        raise
    except Exception as exc:  # a malformed pickle: no reply either
        raise UnsafeReply(f"a reader's reply is no pickle ({type(exc).__name__})") from None
