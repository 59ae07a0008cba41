"""The statistics of the incident analysis: exact Poisson rate ratios (conditional binomial
method), Poisson trend regression of monthly counts, and the sentences the log and the map print.

Pure numpy/scipy: no QGIS here, so that every formula can be tested on its own.
"""

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class RateRatio:
    """The ratio of two Poisson rates, (n1 / e1) / (n0 / e0), with its exact interval.

    ``ratio`` is None when n0 = 0 (infinite); ``high`` is None when the upper bound is
    infinite (n0 = 0); ``low`` is 0 when n1 = 0. ``p_value`` is the two-sided exact
    (conditional binomial) p-value of "the two rates are equal".
    """

    n1: int
    e1: float
    n0: int
    e0: float
    ratio: Optional[float]
    low: float
    high: Optional[float]
    p_value: float
    confidence: float = CONFIDENCE


def rate_ratio(n1: int, e1: float, n0: int, e0: float, confidence: float = CONFIDENCE) -> RateRatio:
    """Exact confidence interval of the rate ratio θ = (n1/e1)/(n0/e0) by the conditional
    binomial method.

    Given n = n1 + n0 events, n1 ~ Binomial(n, π) with π = θ·e1 / (θ·e1 + e0). The
    Clopper–Pearson interval of π, π_L = B⁻¹(α/2; n1, n0 + 1) and π_U = B⁻¹(1 − α/2; n1 + 1, n0)
    (B⁻¹ the beta quantile), maps to θ = π / (1 − π) · e0 / e1. The p-value is twice the
    smaller binomial tail of n1 under π0 = e1 / (e1 + e0) (θ = 1), capped at 1: the same
    inversion as the interval, so p < 1 − confidence exactly when the interval leaves out 1.
    """
    if e1 <= 0 or e0 <= 0:
        raise ValueError(f"exposures must be positive (got {e1!r} and {e0!r})")
    if n1 < 0 or n0 < 0:
        raise ValueError(f"counts must be 0 or more (got {n1!r} and {n0!r})")
    alpha = 1.0 - confidence
    n = n1 + n0
    scale = e0 / e1
    if n == 0:
        return RateRatio(n1, e1, n0, e0, None, 0.0, None, 1.0, confidence)
    pi_low = 0.0 if n1 == 0 else float(stats.beta.ppf(alpha / 2, n1, n0 + 1))
    pi_high = 1.0 if n0 == 0 else float(stats.beta.ppf(1 - alpha / 2, n1 + 1, n0))
    low = pi_low / (1 - pi_low) * scale
    high = None if pi_high >= 1.0 else pi_high / (1 - pi_high) * scale
    ratio = None if n0 == 0 else (n1 / e1) / (n0 / e0)
    pi0 = e1 / (e1 + e0)
    lower_tail = float(stats.binom.cdf(n1, n, pi0))
    upper_tail = float(stats.binom.sf(n1 - 1, n, pi0))
    p_value = min(1.0, 2.0 * min(lower_tail, upper_tail))
    return RateRatio(n1, e1, n0, e0, ratio, low, high, p_value, confidence)


def format_number(value: float) -> str:
    """3.4, 12, 0.42: two significant figures below 10, whole numbers above."""
    if value >= 9.95:
        return f"{value:,.0f}"
    if value >= 0.995:
        return f"{value:.1f}"
    return f"{value:.2g}" if value >= 0.01 else f"{value:.1g}"


def format_p(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.2g}"  # two significant figures: 0.0045, 0.012, 0.37


def ratio_sentence(rr: RateRatio, where: str = "in the gaps", reference: str = "elsewhere") -> str:
    """The comparison for a commander, e.g. "Incidents per km² are 3.4 times higher in the gaps
    than elsewhere (95 % CI 2.1–5.3, p < 0.001)." """
    level = f"{rr.confidence * 100:.0f} %"
    if rr.n1 + rr.n0 == 0:
        return f"No incident lies {where} or {reference}: the rates cannot be compared."
    significant = rr.p_value < 1.0 - rr.confidence
    doubt = "" if significant else ": the data do not show a real difference"
    if rr.n0 == 0:
        return (
            f"All {rr.n1} incidents lie {where}, none {reference}: incidents per km² {where} are at least "
            f"{format_number(rr.low)} times those {reference} ({level} lower bound, {format_p(rr.p_value)}){doubt}."
        )
    if rr.n1 == 0:
        return (
            f"No incident lies {where} ({rr.n0} {reference}): incidents per km² {where} are at most "
            f"{format_number(rr.high)} times those {reference} ({level} upper bound, {format_p(rr.p_value)}){doubt}."
        )
    if rr.ratio >= 1.0:
        text = (
            f"Incidents per km² are {format_number(rr.ratio)} times higher {where} than {reference} "
            f"({level} CI {format_number(rr.low)}–{format_number(rr.high)}, {format_p(rr.p_value)})"
        )
    elif significant:
        text = (
            f"Incidents per km² are {format_number(1 / rr.ratio)} times lower {where} than {reference} "
            f"({level} CI {format_number(1 / rr.high)}–{format_number(1 / rr.low)} times lower, "
            f"{format_p(rr.p_value)})"
        )
    else:
        text = (
            f"Incidents per km² {where} are {format_number(rr.ratio)} times those {reference} "
            f"({level} CI {format_number(rr.low)}–{format_number(rr.high)}, {format_p(rr.p_value)})"
        )
    return text + doubt + "."


@dataclass(frozen=True)
class Trend:
    """A Poisson regression log μ_t = a + b·t + log(days_t) of monthly counts (t in years).

    ``change`` = e^b − 1 is the rate change per year (0.35 = +35 % a year), ``low``/``high`` its
    interval; ``dispersion`` is the Pearson χ² / (m − 2); above 1 the interval is widened by
    √dispersion (quasi-Poisson), as monthly incident counts are usually overdispersed.
    """

    slope: float  # b, per year
    se: float  # standard error of b, after the dispersion widening
    change: float
    low: float
    high: float
    p_value: float
    dispersion: float
    months: int
    iterations: int
    fitted: np.ndarray  # μ_t, expected count of each month
    confidence: float = CONFIDENCE


def poisson_trend(
    counts: Sequence[float],
    exposure_days: Sequence[float],
    t_years: Sequence[float],
    confidence: float = CONFIDENCE,
    max_iterations: int = 50,
    tolerance: float = 1e-10,
) -> Optional[Trend]:
    """Fits log μ = a + b·t + log(exposure) by iteratively reweighted least squares.

    None when it cannot be estimated: fewer than two months, no count at all, or every count
    in one month only at an end (b → ±∞). IRLS for the Poisson log link: with η = Xβ + offset,
    μ = e^η, the working response z = η − offset + (y − μ)/μ and weights W = μ give
    β ← (XᵀWX)⁻¹ XᵀWz; cov(β) = (XᵀWX)⁻¹ at convergence.
    """
    y = np.asarray(counts, dtype=float)
    offset = np.log(np.asarray(exposure_days, dtype=float))
    t = np.asarray(t_years, dtype=float)
    m = len(y)
    if m < 2 or y.sum() <= 0 or np.ptp(t) <= 0:
        return None
    centre = float(np.average(t, weights=np.exp(offset)))
    x = np.column_stack([np.ones(m), t - centre])
    rate = y.sum() / np.exp(offset).sum()
    beta = np.array([math.log(rate), 0.0])
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        eta = x @ beta + offset
        mu = np.exp(eta)
        z = eta - offset + (y - mu) / mu
        xtw = x.T * mu
        information = xtw @ x
        try:
            new = np.linalg.solve(information, xtw @ z)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(new)):
            return None
        step = np.max(np.abs(new - beta))
        beta = new
        if step < tolerance:
            break
    else:
        return None  # no convergence: the slope runs away (all counts at one end)
    if abs(beta[1]) > 50:  # a rate that changes e^50-fold in a year is a separation, not a trend
        return None
    mu = np.exp(x @ beta + offset)
    covariance = np.linalg.inv((x.T * mu) @ x)
    dof = m - 2
    dispersion = float(np.sum((y - mu) ** 2 / mu) / dof) if dof > 0 else 1.0
    se = math.sqrt(covariance[1, 1]) * math.sqrt(max(1.0, dispersion))
    zq = float(stats.norm.ppf(0.5 + confidence / 2))
    slope = float(beta[1])
    p_value = float(2 * stats.norm.sf(abs(slope) / se))
    return Trend(
        slope=slope,
        se=se,
        change=math.expm1(slope),
        low=math.expm1(slope - zq * se),
        high=math.expm1(slope + zq * se),
        p_value=p_value,
        dispersion=dispersion,
        months=m,
        iterations=iterations,
        fitted=mu,
        confidence=confidence,
    )


def _percent(value: float) -> str:
    pct = value * 100
    text = f"{pct:+.0f} %" if abs(pct) >= 9.5 else f"{pct:+.1f} %"
    return text.replace("-", "−")


def trend_sentence(trend: Optional[Trend], where: str) -> str:
    """e.g. "In the gaps incidents rose by 35 % a year (95 % CI +12 % to +62 %, p = 0.002)." """
    if trend is None:
        return f"{where[:1].upper()}{where[1:]} no trend can be estimated (too few months or incidents)."
    level = f"{trend.confidence * 100:.0f} %"
    verb = "rose" if trend.change >= 0 else "fell"
    amount = abs(trend.change) * 100
    amount_text = f"{amount:.0f} %" if amount >= 9.5 else f"{amount:.1f} %"
    text = (
        f"{where[:1].upper()}{where[1:]} incidents {verb} by {amount_text} a year "
        f"({level} CI {_percent(trend.low)} to {_percent(trend.high)}, {format_p(trend.p_value)})"
    )
    if trend.p_value >= 1.0 - trend.confidence:
        text += ": no clear trend"
    return text + "."
