"""Multinomial draws that reproduce R's ``set.seed(seed); rmultinom(1, n, prob)``.

SparseMSE draws its bootstrap samples with R's default generator, so with the same seed and
the same row order this module gives exactly the same replicates, and therefore the same
interval as the R package. The pieces follow R's published algorithms: the seed scrambling of
``set.seed`` (a linear congruential generator), the Mersenne Twister (numpy's MT19937 is the
same generator, so its state is set and its raw 32-bit output used), ``unif_rand``'s mapping
to (0, 1), ``rbinom`` (Kachitvichyanukul and Schmeiser's BTPE, with inversion below a mean
of 30) and ``rmultinom`` as a chain of conditional binomials.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

MT_N = 624
TWO_POW_MINUS_32 = 2.3283064365386963e-10
FIXUP_EPS = 2.328306437080797e-10
UINT32 = 0xFFFFFFFF
INVERSION_MEAN = 30.0
INVERSION_MAX_X = 110


class RCompatibleGenerator:
    """R's Mersenne Twister after ``set.seed(seed)``, with rbinom and rmultinom.

    Holds state: draws continue the stream as R would within one session.
    """

    def __init__(self, seed: int) -> None:
        state = seed & UINT32
        for _ in range(50):
            state = (69069 * state + 1) & UINT32
        key = np.empty(MT_N, dtype=np.uint32)
        state = (69069 * state + 1) & UINT32  # R's first seed word is the position, reset below
        for j in range(MT_N):
            state = (69069 * state + 1) & UINT32
            key[j] = state
        self._bits = np.random.MT19937()
        self._bits.state = {
            "bit_generator": "MT19937",
            "state": {"key": key, "pos": MT_N},
        }
        self._buffer: list[int] = []

    def unif_rand(self) -> float:
        """One uniform on (0, 1), bit for bit as R's ``unif_rand()``."""
        if not self._buffer:
            self._buffer = self._bits.random_raw(MT_N).tolist()[::-1]
        value = self._buffer.pop() * TWO_POW_MINUS_32
        if value <= 0.0:
            return 0.5 * FIXUP_EPS
        if 1.0 - value <= 0.0:
            return 1.0 - 0.5 * FIXUP_EPS
        return value

    def rbinom(self, n: int, pp: float) -> int:
        """One binomial(n, pp) draw, as R's ``rbinom``."""
        if n == 0 or pp == 0.0:
            return 0
        if pp == 1.0:
            return n
        p = min(pp, 1.0 - pp)
        q = 1.0 - p
        np_ = n * p
        r = p / q
        g = r * (n + 1)
        ix = (
            self._binom_inversion(n, q, g, r) if np_ < INVERSION_MEAN else self._btpe(n, p, q, g, r)
        )
        return n - ix if pp > 0.5 else ix

    def rmultinom(self, size: int, prob: Sequence[float]) -> list[int]:
        """One multinomial draw, as R's ``rmultinom(1, size, prob)`` (prob is normalised)."""
        return self.rmultinom_steps(size, multinomial_steps(prob))

    def rmultinom_steps(self, size: int, steps: Sequence[float]) -> list[int]:
        """`rmultinom` with the conditional probabilities precomputed by `multinomial_steps`."""
        out = [0] * (len(steps) + 1)
        n = size
        if n == 0:
            return out
        for k, pp in enumerate(steps):
            if pp > 0.0:
                out[k] = self.rbinom(n, pp) if pp < 1.0 else n
                n -= out[k]
            if n <= 0:
                return out
        out[-1] = n
        return out

    def _binom_inversion(self, n: int, q: float, g: float, r: float) -> int:
        qn = _pow_di(q, n)
        while True:
            ix = 0
            f = qn
            u = self.unif_rand()
            while True:
                if u < f:
                    return ix
                if ix > INVERSION_MAX_X:
                    break
                u -= f
                ix += 1
                f *= g / ix - r

    def _btpe(self, n: int, p: float, q: float, g: float, r: float) -> int:
        setup = _BtpeSetup.of(n, p, q)
        while True:
            u = self.unif_rand() * setup.p4
            v = self.unif_rand()
            if u <= setup.p1:
                return int(setup.xm - setup.p1 * v + u)
            if u <= setup.p2:
                x = setup.xl + (u - setup.p1) / setup.c
                v = v * setup.c + 1.0 - abs(setup.xm - x) / setup.p1
                if v > 1.0 or v <= 0.0:
                    continue
                ix = int(x)
            elif u > setup.p3:
                ix = int(setup.xr - math.log(v) / setup.xlr)
                if ix > n:
                    continue
                v = v * (u - setup.p3) * setup.xlr
            else:
                ix = int(setup.xl + math.log(v) / setup.xll)
                if ix < 0:
                    continue
                v = v * (u - setup.p2) * setup.xll
            if setup.accepts(ix, v, g=g, r=r):
                return ix


class _BtpeSetup(NamedTuple):
    """The constants of R's BTPE sampler for one (n, p), as rbinom computes them."""

    n: int
    p: float
    q: float
    npq: float
    fm: float
    m: int
    xm: float
    xl: float
    xr: float
    c: float
    xll: float
    xlr: float
    p1: float
    p2: float
    p3: float
    p4: float

    @classmethod
    def of(cls, n: int, p: float, q: float) -> _BtpeSetup:
        np_ = n * p
        fm = np_ + p
        m = int(fm)
        npq = np_ * q
        p1 = int(2.195 * math.sqrt(npq) - 4.6 * q) + 0.5
        xm = m + 0.5
        xl = xm - p1
        xr = xm + p1
        c = 0.134 + 20.5 / (15.3 + m)
        al = (fm - xl) / (fm - xl * p)
        xll = al * (1.0 + 0.5 * al)
        al = (xr - fm) / (xr * q)
        xlr = al * (1.0 + 0.5 * al)
        p2 = p1 * (1.0 + c + c)
        p3 = p2 + c / xll
        p4 = p3 + c / xlr
        return cls(n, p, q, npq, fm, m, xm, xl, xr, c, xll, xlr, p1, p2, p3, p4)

    def accepts(self, ix: int, v: float, *, g: float, r: float) -> bool:
        """BTPE's accept/reject test for ``ix`` given the uniform ``v``."""
        m, npq = self.m, self.npq
        k = abs(ix - m)
        if k <= 20 or k >= npq / 2 - 1:
            f = 1.0
            if m < ix:
                for i in range(m + 1, ix + 1):
                    f *= g / i - r
            elif m > ix:
                for i in range(ix + 1, m + 1):
                    f /= g / i - r
            return v <= f
        amaxp = (k / npq) * ((k * (k / 3.0 + 0.625) + 0.1666666666666) / npq + 0.5)
        ynorm = -k * k / (2.0 * npq)
        alv = math.log(v)
        if alv < ynorm - amaxp:
            return True
        if alv > ynorm + amaxp:
            return False
        x1 = ix + 1
        f1 = self.fm + 1.0
        z = self.n + 1 - self.fm
        w = self.n - ix + 1.0
        bound = (
            self.xm * math.log(f1 / x1)
            + (self.n - m + 0.5) * math.log(z / w)
            + (ix - m) * math.log(w * self.p / (x1 * self.q))
            + _stirling(f1)
            + _stirling(z)
            + _stirling(x1)
            + _stirling(w)
        )
        return alv <= bound


def multinomial_steps(prob: Sequence[float]) -> list[float]:
    """R's conditional binomial probabilities for ``rmultinom``: one per category but the last.

    R normalises the probabilities in double precision and then divides each by the
    remaining total kept in long double; numpy's longdouble is the same x87 extended type on
    the platforms R is built for, so the probabilities agree to the last bit.
    """
    probs = [float(x) for x in prob]
    total = 0.0
    for x in probs:
        if x > 0:
            total += x
    probs = [x / total for x in probs]
    remaining = np.longdouble(0.0)
    for x in probs:
        remaining += np.longdouble(x)
    steps: list[float] = []
    for x in probs[:-1]:
        steps.append(float(np.longdouble(x) / remaining) if x else 0.0)
        remaining -= np.longdouble(x)
    return steps


def _stirling(x: float) -> float:
    x2 = x * x
    return (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x / 166320.0


def _pow_di(x: float, n: int) -> float:
    # R_pow_di: powers by repeated squaring, so the last bit matches R's.
    result = 1.0
    while True:
        if n & 1:
            result *= x
        n >>= 1
        if not n:
            return result
        x *= x


def r_multinomial_rows(
    counts: npt.NDArray[np.int64], *, nboot: int, seed: int
) -> npt.NDArray[np.int64]:
    """``nboot`` draws as SparseMSE's bootstrap: ``set.seed(seed)`` then, for each replicate,
    ``rmultinom(1, sum(counts), counts)``; one row per replicate, columns as ``counts``.
    """
    gen = RCompatibleGenerator(seed)
    total = int(counts.sum())
    steps = multinomial_steps([float(c) for c in counts])
    out = np.empty((nboot, counts.size), dtype=np.int64)
    for b in range(nboot):
        out[b] = gen.rmultinom_steps(total, steps)
    return out
