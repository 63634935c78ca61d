"""
The French search's query time at a benchmark tier (docs/performance.md): for a few
searches on the first trajectory, the time of what the trajectory page asks the database
(the count, the page's ids, its rows), 60 times each; then the plan of one.
Run: manage.py shell < benchmarks/scripts/search_timing.py (DATABASE_URL set).
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser

from proposals.selectors import proposal_page, proposal_trajectory_list
from trajectories.models import Trajectory

t = (
    Trajectory.objects.filter(consultation__slug__startswith="banc-d-essai")
    .order_by("number")
    .first()
)
if t is None:
    raise SystemExit("No benchmark consultation here: run `make seed-bench` first.")
terms = [
    "coopération territoires", "cooperation", "financements", "circuits courts",
    "santé numérique", "gouvernance",
]  # fmt: skip
for term in terms:
    qs = proposal_trajectory_list(trajectory=t, search=term)
    times = []
    for _i in range(60):
        start = time.perf_counter()
        page = proposal_page(qs, number=1, per_page=20, voter=AnonymousUser())
        n = page.paginator.count
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
    print(f"{term!r}: {n} found, p50 {p50:.1f} ms, p95 {p95:.1f} ms")  # noqa: T201
qs = proposal_trajectory_list(trajectory=t, search="coopération territoires")
if isinstance(qs, list):  # a search is ordered by the database, never in Python
    raise SystemExit("A search gave ids in Python's order.")
print(qs.values_list("pk", flat=True)[:20].explain(analyze=True))  # noqa: T201
