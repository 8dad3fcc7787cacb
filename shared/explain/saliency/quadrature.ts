/** Points and weights on [0, 1] for the path integral of integrated gradients. */

export type Quadrature = 'riemann_trapezoid' | 'gauss_legendre';

export interface Rule {
  alphas: number[];
  weights: number[];
}

/** Trapezoid rule on `steps` points 0, 1/(m−1), …, 1 (both ends included). */
export function trapezoid(steps: number): Rule {
  if (steps < 2) throw new Error('the trapezoid rule needs at least 2 steps');
  const h = 1 / (steps - 1);
  const alphas = Array.from({ length: steps }, (_, i) => i * h);
  const weights = alphas.map((_, i) => (i === 0 || i === steps - 1 ? h / 2 : h));
  return { alphas, weights };
}

/** Gauss-Legendre on `steps` points, mapped from [−1, 1] to [0, 1]; exact for polynomials of degree 2m−1. */
export function gaussLegendre(steps: number): Rule {
  const alphas: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= steps; i++) {
    // Newton's method on P_m from the Chebyshev-like initial guess.
    let x = Math.cos((Math.PI * (i - 0.25)) / (steps + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= steps; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const p = steps === 1 ? x : p1;
      const prev = steps === 1 ? 1 : p0;
      dp = (steps * (x * p - prev)) / (x * x - 1);
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    alphas.push((1 - x) / 2);
    weights.push(1 / ((1 - x * x) * dp * dp));
  }
  return { alphas, weights };
}

export function quadrature(kind: Quadrature, steps: number): Rule {
  return kind === 'gauss_legendre' ? gaussLegendre(steps) : trapezoid(steps);
}
