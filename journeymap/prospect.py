"""The value a customer feels from a gap: losses loom larger than gains (Tversky & Kahneman 1992).

One function shared by the gap analytics and the promise simulations, so that "loss-adjusted"
means the same number everywhere in the product.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: λ from Tversky & Kahneman (1992). The articles' "12 good experiences make up for one bad one"
#: is a far stronger asymmetry; users may choose it.
DEFAULT_LOSS_AVERSION = 2.25
#: α from Tversky & Kahneman (1992); diminishing sensitivity, used only when asked for.
TK_CURVATURE = 0.88


def value(
    gap: npt.ArrayLike,
    *,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    curvature: float | None = None,
) -> np.ndarray:
    """v(g) = g^α for g ≥ 0 and −λ·(−g)^α for g < 0 (α = 1 unless `curvature` is given).

    >>> value([2.0, -2.0]).tolist()
    [2.0, -4.5]
    """
    if loss_aversion <= 0:
        raise ValueError(f"loss_aversion must be positive, got {loss_aversion:g}")
    if curvature is not None and not 0 < curvature <= 1:
        raise ValueError(f"curvature must lie in (0, 1], got {curvature:g}")
    g = np.asarray(gap, dtype=float)
    magnitude = np.abs(g) if curvature is None else np.abs(g) ** curvature
    return np.where(g < 0, -loss_aversion * magnitude, magnitude)
