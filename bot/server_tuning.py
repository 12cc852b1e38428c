"""Process-level tuning of both servers, applied once they have loaded.

Python's full garbage collection walks every object the process holds. With
the model, TensorFlow, the domain and jieba loaded that is over half a million
objects and takes about 240 ms, all of it on the event loop while customers
wait; under load it ran every few hundred turns and made most of the p99 tail.
Everything alive once the server has started lives as long as the process, so
it is moved out of the collector's reach (`gc.freeze`); later garbage is still
collected as before. The Rasa server calls this from its channels'
``after_server_start`` listener, the action server after its warm-up.
"""
from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger(__name__)

_frozen = False


def freeze_loaded_objects() -> None:
    """Collect once, then exempt every surviving object from future collections."""
    global _frozen
    if _frozen:
        return
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    _frozen = True
    logger.info("Froze %d objects loaded at start out of garbage collection (%.0f ms)",
                gc.get_freeze_count(), (time.perf_counter() - started) * 1000)
