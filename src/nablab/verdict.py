"""Our result against the course's: a verdict no stronger than the data behind it.

Three things make two accuracies differ without any real difference between the runs, and the
verdict allows for the largest of them (σ):

* our seeds' spread — the sample standard deviation of the per-seed test accuracies;
* the test set's own sampling error — a net with true accuracy p scores k/n on n test images,
  a binomial count with standard error √(p(1 − p)/n) (for p = 0.96, n = 1,000: 0.0062, i.e. six
  images);
* the course's spread, where it publishes a range from several runs: half its width.

"inside": our mean lies in the course's range. "within noise": outside it by at most 2σ.
"above" / "below": further than 2σ — said only with at least two seeds; a single seed further
than 2σ away is "one seed" (it cannot be judged: run more seeds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SLACK = 1e-9                         # accuracies are k/N: no verdict from float rounding


@dataclass(frozen=True)
class Verdict:
    verdict: str                     # inside / within noise / above / below / one seed
    noise: float                     # 2σ, the distance allowed for chance
    noise_from: str                  # which of "seeds", "test set", "course" gave σ
    distance: float                  # how far our mean lies outside the course's range (0 inside)


def binomial_se(p: float, n: int) -> float:
    """√(p(1 − p)/n): the standard error of an accuracy measured on n test images."""
    return math.sqrt(max(p * (1 - p), 0.0) / n) if n else 0.0


def sample_std(values: list[float]) -> float:
    """The standard deviation with n − 1 in the denominator (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def versus_course(seeds: list[float | None], course, n_test: int | None) -> Verdict | None:
    """The verdict for per-seed final test accuracies (None: a diverged seed) against the
    course's value or (low, high) range, measured on ``n_test`` test images. None where the
    course publishes nothing or no seed has a result."""
    values = [v for v in seeds if v is not None]
    if course is None or not values:
        return None
    lo, hi = (course, course) if isinstance(course, (int, float)) else course
    mean = sum(values) / len(values)
    sigmas = {"seeds": sample_std(values), "test set": binomial_se(mean, n_test or 0),
              "course": (hi - lo) / 2}
    source = max(sigmas, key=sigmas.get)
    noise = 2 * sigmas[source]
    distance = max(lo - mean, mean - hi, 0.0)
    if distance <= SLACK:
        verdict = "inside"
    elif distance <= noise + SLACK:
        verdict = "within noise"
    elif len(values) < 2:
        verdict = "one seed"
    else:
        verdict = "below" if mean < lo else "above"
    return Verdict(verdict, noise, source, distance)
