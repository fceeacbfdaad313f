/**
 * The transcendental functions `prepare` uses, from exactly rounded arithmetic only, so a feature computed by the CLI
 * (Deno) and by the page (Chromium) has the same bits: their V8 builds disagree in the last bit of Math.log, log1p, exp,
 * sin and cos, which would make the page's prepared splits and prepare.json differ from `mf prepare`'s.
 * @module
 */
import { portableExp } from "../data/synth.ts";
import { portableLog } from "../random.ts";

/** Natural logarithm of a positive finite number (about 1 ulp). */
export const log = portableLog;

/** e^x (relative error ~1e-13 for |x| < 20). */
export const exp = portableExp;

/** ln(1 + x) for x >= 0 (volumes): as ln of the rounded sum, which loses nothing that matters for x >= 1e-8. */
export function log1p(x: number): number {
  return portableLog(1 + x);
}

const TWO_PI = 2 * Math.PI;

/**
 * sin and cos of a fraction of a turn (angle = 2 pi `turn`, `turn` in [0, 1)): reduced to the nearest quarter turn, then
 * Taylor series on |x| <= pi/4, where the terms kept reach below 1e-17.
 * @example sinCosTurn(0.25) // [1, 0]
 */
export function sinCosTurn(turn: number): [number, number] {
  const quarter = Math.round(turn * 4);
  const x = TWO_PI * (turn - quarter / 4);
  const x2 = x * x;
  let sinTerm = x, sin = x, cosTerm = 1, cos = 1;
  for (let k = 1; k <= 10; k++) {
    sinTerm = (-sinTerm * x2) / ((2 * k) * (2 * k + 1));
    cosTerm = (-cosTerm * x2) / ((2 * k - 1) * (2 * k));
    sin += sinTerm;
    cos += cosTerm;
  }
  switch (((quarter % 4) + 4) % 4) {
    case 0:
      return [sin, cos];
    case 1:
      return [cos, -sin];
    case 2:
      return [-sin, -cos];
    default:
      return [-cos, sin];
  }
}
