/**
 * Checks a gradient model against central finite differences of the function it differentiates:
 * (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε for every element i of every differentiated input, the function
 * being the sum of the target's elements. Used by the tests; a host can run it as a self-check too.
 */

import { gradName } from '../../shared/onnx/autodiff/gradient-model.js';
import type { Feeds, OrtTensor, Session } from '../../shared/runtime/session.js';

export interface FdReport {
  /** max |analytic − numeric| over all checked elements */
  maxAbsError: number;
  /** maxAbsError ÷ max |numeric| (the scale of the gradient) */
  relError: number;
  /** ‖analytic − numeric‖₂ ÷ ‖numeric‖₂ */
  relL2Error: number;
  checked: number;
}

type Data = Float32Array | Float64Array;

async function total(session: Session, feeds: Feeds, target: string): Promise<number> {
  const out = await session.run(feeds, [target]);
  let s = 0;
  for (const v of out[target].data as Data) s += v;
  return s;
}

export interface FdOptions {
  eps: number;
  /** check at most this many elements per input (evenly spread); default all */
  maxElements?: number;
}

/**
 * `forward` computes `target`; `gradient` (from gradientModel) outputs `grad.<input>` for each of
 * `wrt`. Both take `feeds`; the inputs named in `wrt` must be float32 or float64 tensors.
 */
export async function finiteDifferenceCheck(
  forward: Session,
  gradient: Session,
  feeds: Feeds,
  wrt: string[],
  target: string,
  opts: FdOptions,
): Promise<FdReport & { analytic: Record<string, Data>; numeric: Record<string, Data> }> {
  const gradFeeds = Object.fromEntries(
    Object.entries(feeds).filter(([k]) => gradient.inputNames.includes(k)),
  );
  const fwdFeeds = (f: Feeds) =>
    Object.fromEntries(Object.entries(f).filter(([k]) => forward.inputNames.includes(k)));
  const out = await gradient.run(gradFeeds);
  const analytic: Record<string, Data> = {};
  const numeric: Record<string, Data> = {};
  let maxAbs = 0;
  let scale = 0;
  let diff2 = 0;
  let norm2 = 0;
  let checked = 0;
  for (const name of wrt) {
    const base = feeds[name] as OrtTensor;
    const data = base.data as Data;
    const g = out[gradName(name)].data as Data;
    analytic[name] = g;
    const num = new (data.constructor as { new (n: number): Data })(data.length).fill(Number.NaN);
    numeric[name] = num;
    const stride = opts.maxElements && data.length > opts.maxElements ? data.length / opts.maxElements : 1;
    for (let k = 0; k < data.length / stride; k++) {
      const i = Math.floor(k * stride);
      const probe = async (delta: number) => {
        const copy = data.slice() as Data;
        copy[i] += delta;
        const t = new (
          base.constructor as unknown as new (
            type: string,
            d: Data,
            dims: readonly number[],
          ) => OrtTensor
        )(base.type, copy, base.dims);
        return total(forward, fwdFeeds({ ...feeds, [name]: t }), target);
      };
      // The step actually taken, after rounding x ± ε to the tensor's precision.
      const xp = data.slice(i, i + 1) as Data;
      xp[0] += opts.eps;
      const xm = data.slice(i, i + 1) as Data;
      xm[0] -= opts.eps;
      const d = ((await probe(opts.eps)) - (await probe(-opts.eps))) / (xp[0] - xm[0]);
      num[i] = d;
      const err = Math.abs(d - g[i]);
      maxAbs = Math.max(maxAbs, err);
      scale = Math.max(scale, Math.abs(d));
      diff2 += err * err;
      norm2 += d * d;
      checked++;
    }
  }
  return {
    maxAbsError: maxAbs,
    relError: scale > 0 ? maxAbs / scale : maxAbs,
    relL2Error: norm2 > 0 ? Math.sqrt(diff2 / norm2) : Math.sqrt(diff2),
    checked,
    analytic,
    numeric,
  };
}
