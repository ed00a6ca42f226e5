"""Settings for the native core's allocator (mimalloc), made before it loads.

mimalloc reads its options from the environment when the core library is
loaded. By default it commits a whole arena at once, and with transparent
huge pages every worker's first small allocation then makes a 2 MiB page
resident: about 12 MiB more peak RSS on a 2-core machine. Committing on
demand keeps the huge pages for large blocks (which matrix products and
big kernels benefit from) without that cost. A value the user has set is
kept.
"""

from __future__ import annotations

import os

os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")
