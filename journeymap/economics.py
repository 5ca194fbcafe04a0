"""Over-promise to acquire, over-deliver to retain: what a promise is worth per 1,000 prospects.

A bolder promise converts more prospects but is missed more often; a missed promise loses the
customer (89 % leave after poor service), a kept one keeps them and a beaten one keeps more.
Every assumption is a visible, defaulted field of `Economics` so a workshop can argue about it.
Values are in units of one first purchase's margin unless the team enters its own currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from journeymap.model import Lever


def _parameter(default: Any, doc: str) -> Any:
    # The explanation travels with the field, so the CLI's --help and the app's tooltips
    # show the same words as this file.
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True, kw_only=True)
class Economics:
    """The acquisition / retention value model behind the recommended promise.

    Conversion of prospects at promised level p, relative to a reference promise r:

    - time and cost (lower is better): ``base_conversion * (r / p) ** e`` with ``e`` the
      lever's elasticity: a 1 % shorter (cheaper) promise converts about ``e`` % more prospects;
    - service (higher is better): ``base_conversion * (1 + service_uplift_per_level) ** (p - r)``
      (service levels may be 0, so a ratio would not do);

    both capped at ``max_conversion_gain`` times the base (and at 1): customers stop believing
    a promise that is far better than the market's, so conversion cannot grow without bound.
    Retention mixes ``retention_delight`` / ``retention_met`` / ``retention_miss`` by how often
    the promise is beaten by the delight threshold, merely kept, or missed.
    """

    base_conversion: float = _parameter(
        0.10,
        "Share of prospects who buy at the reference promise. Our choice (one in ten); "
        "replace it with your funnel's figure.",
    )
    time_elasticity: float = _parameter(
        0.5,
        "Conversion elasticity of a time promise. Our choice, deliberately moderate: "
        "halving the promised time converts 41 % more prospects.",
    )
    cost_elasticity: float = _parameter(
        2.0,
        "Conversion elasticity of a quoted price. Meta-analyses put price elasticities of "
        "demand at about -1.8 (Tellis 1988) to -2.6 (Bijmolt, van Heerde & Pieters 2005).",
    )
    service_uplift_per_level: float = _parameter(
        0.10,
        "Conversion uplift per service level promised above the reference. Our choice.",
    )
    max_conversion_gain: float = _parameter(
        1.5,
        "Ceiling on conversion relative to the reference promise. Our choice: customers stop "
        "believing promises far better than the market's; without a ceiling a 1-minute "
        "pizza promise would win every prospect.",
    )
    reference_promise: float | None = _parameter(
        None,
        "Promise that converts at the base rate; empty means the median delivered level "
        "(promising what you typically deliver).",
    )
    retention_delight: float = _parameter(
        0.65,
        "Retention after the promise was beaten by the delight threshold. Our choice: 15 "
        "points above a kept promise ('delight raises customer lifetime value', DOMAIN.md).",
    )
    retention_met: float = _parameter(
        0.50,
        "Retention after a kept promise. Our choice (half); replace it with your retention audit.",
    )
    retention_miss: float = _parameter(
        0.11,
        "Retention after a missed promise: '89 % of customers leave a company after poor "
        "service' (DOMAIN.md).",
    )
    value_first_purchase: float = _parameter(
        1.0, "Margin of a first purchase; the unit of value unless you enter money."
    )
    value_retained: float = _parameter(
        3.0,
        "Further margin from a retained customer. Our choice (three more purchases), a "
        "cautious reading of 'most profit comes from repeat purchases' (RJMetrics 2015).",
    )
    cost_per_upgrade: float = _parameter(
        0.25,
        "Cost of delivering one service level above the promised one (service lever only). "
        "Our choice: a quarter of a first purchase's margin.",
    )

    def __post_init__(self) -> None:
        shares = {
            "base_conversion": self.base_conversion,
            "retention_delight": self.retention_delight,
            "retention_met": self.retention_met,
            "retention_miss": self.retention_miss,
        }
        for name, share in shares.items():
            if not 0 <= share <= 1:
                raise ValueError(f"{name} must lie between 0 and 1, got {share:g}")
        non_negative = {
            "time_elasticity": self.time_elasticity,
            "cost_elasticity": self.cost_elasticity,
            "service_uplift_per_level": self.service_uplift_per_level,
            "value_first_purchase": self.value_first_purchase,
            "value_retained": self.value_retained,
            "cost_per_upgrade": self.cost_per_upgrade,
        }
        for name, number in non_negative.items():
            if not number >= 0:  # also rejects NaN
                raise ValueError(f"{name} must be 0 or more, got {number:g}")
        if self.reference_promise is not None and not np.isfinite(self.reference_promise):
            raise ValueError(
                f"reference_promise must be a finite number, got {self.reference_promise}"
            )
        if not self.max_conversion_gain >= 1:
            raise ValueError(
                f"max_conversion_gain must be 1 or more, got {self.max_conversion_gain:g}"
            )

    def conversion(self, lever: Lever, promised: npt.ArrayLike, *, reference: float) -> np.ndarray:
        """Share of prospects who buy, per promised value."""
        p = np.asarray(promised, dtype=float)
        if lever.lower_is_better:
            if reference <= 0:
                raise ValueError(
                    f"the reference {lever.value} promise must be positive, got {reference:g}; "
                    "set Economics.reference_promise"
                )
            elasticity = self.time_elasticity if lever is Lever.TIME else self.cost_elasticity
            with np.errstate(divide="ignore"):
                gain = (reference / np.maximum(p, 0.0)) ** elasticity
        else:
            gain = (1 + self.service_uplift_per_level) ** (p - reference)
        gain = np.minimum(gain, self.max_conversion_gain)
        return np.minimum(self.base_conversion * gain, 1.0)

    def retention(self, p_met: npt.ArrayLike, p_delight: npt.ArrayLike) -> np.ndarray:
        """Share of converted customers kept, mixing delighted, merely met and missed."""
        met, delight = np.asarray(p_met, dtype=float), np.asarray(p_delight, dtype=float)
        return (
            delight * self.retention_delight
            + (met - delight) * self.retention_met
            + (1 - met) * self.retention_miss
        )

    def value_per_1000(
        self,
        conversion: npt.ArrayLike,
        retention: npt.ArrayLike,
        *,
        upgrades: npt.ArrayLike = 0.0,
    ) -> np.ndarray:
        """Expected value from 1,000 prospects; `upgrades` = mean levels delivered above promise."""
        per_customer = (
            self.value_first_purchase
            + np.asarray(retention, dtype=float) * self.value_retained
            - np.asarray(upgrades, dtype=float) * self.cost_per_upgrade
        )
        return 1000 * np.asarray(conversion, dtype=float) * per_customer


def parameter_docs() -> dict[str, str]:
    """Each `Economics` field with the sentence that explains its default."""
    return {f.name: f.metadata["doc"] for f in fields(Economics)}
