"""Types of the native module ``ferrox._core`` (built from ``src/python/``)."""

from collections.abc import Callable
from typing import Any

__version__: str

Progress = Callable[[int, int], None] | None

class TaskCore:
    """A lazily built task: key, operation, dependencies (``src/python/task.rs``)."""

    @staticmethod
    def literal(key: Any, value: Any) -> TaskCore: ...
    @staticmethod
    def call(
        key: Any,
        func: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: dict[str, Any] | None = None,
        traverse: bool = True,
    ) -> TaskCore: ...
    @property
    def key(self) -> Any: ...
    def dependencies(self) -> list[TaskCore]: ...
    def num_tasks(self) -> int: ...
    def to_dict(self) -> dict[Any, Any]: ...

class NativeOp:
    """A native operation, also callable from Python (``src/python/native.rs``)."""

    __name__: str
    def __call__(self, *args: Any) -> Any: ...

def native_op(name: str) -> NativeOp: ...
def compute(
    cores: list[TaskCore], scheduler: str, num_workers: int, progress: Progress = None
) -> list[Any]: ...
def get(
    dsk: dict[Any, Any],
    keys: list[Any],
    scheduler: str,
    num_workers: int,
    progress: Progress = None,
) -> list[Any]: ...
