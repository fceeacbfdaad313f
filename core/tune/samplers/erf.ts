/**
 * The error function and its complement, after fdlibm's s_erf.c (Sun Microsystems, 1993; freely redistributable),
 * which is what C libraries (and so Python's `math.erf`, used by Optuna) compute: accurate to about 1 ulp, including
 * erfc's far tail, where `1 - erf(x)` would lose every digit.
 * @module
 */

const ERX = 8.45062911510467529297e-01;
const EFX = 1.28379167095512586316e-01;

// erf on [0, 0.84375]: x + x P(x^2) / Q(x^2)
const pp = (z: number) =>
  1.28379167095512558561e-01 +
  z * (-3.25042107247001499370e-01 + z * (-2.84817495755985104766e-02 + z * (-5.77027029648944159157e-03 + z * -2.37630166566501626084e-05)));
const qq = (z: number) =>
  1 +
  z *
    (3.97917223959155352819e-01 +
      z * (6.50222499887672944485e-02 + z * (5.08130628187576562776e-03 + z * (1.32494738004321644526e-04 + z * -3.96022827877536812320e-06))));
// erf on [0.84375, 1.25]: erx + P(s) / Q(s), s = |x| - 1
const pa = (s: number) =>
  -2.36211856075265944077e-03 +
  s *
    (4.14856118683748331666e-01 +
      s *
        (-3.72207876035701323847e-01 +
          s * (3.18346619901161753674e-01 + s * (-1.10894694282396677476e-01 + s * (3.54783043256182359371e-02 + s * -2.16637559486879084300e-03)))));
const qa = (s: number) =>
  1 +
  s *
    (1.06420880400844228286e-01 +
      s *
        (5.40397917702171048937e-01 +
          s * (7.18286544141962662868e-02 + s * (1.26171219808761642112e-01 + s * (1.36370839120290507362e-02 + s * 1.19844998467991074170e-02)))));
// erfc on [1.25, 1/0.35]
const ra = (s: number) =>
  -9.86494403484714822705e-03 +
  s * (-6.93858572707181764372e-01 +
      s *
        (-1.05586262253232909814e01 +
          s *
            (-6.23753324503260060396e01 +
              s * (-1.62396669462573470355e02 + s * (-1.84605092906711035994e02 + s * (-8.12874355063065934246e01 + s * -9.81432934416914548592e00))))));
const sa = (s: number) =>
  1 +
  s * (1.96512716674392571292e01 +
      s * (1.37657754143519042600e02 +
          s *
            (4.34565877475229228821e02 +
              s *
                (6.45387271733267880336e02 +
                  s * (4.29008140027567833386e02 + s * (1.08635005541779435134e02 + s * (6.57024977031928170135e00 + s * -6.04244152148580987438e-02)))))));
// erfc on [1/0.35, 28]
const rb = (s: number) =>
  -9.86494292470009928597e-03 +
  s *
    (-7.99283237680523006574e-01 +
      s *
        (-1.77579549177547519889e01 +
          s * (-1.60636384855821916062e02 + s * (-6.37566443368389627722e02 + s * (-1.02509513161107724954e03 + s * -4.83519191608651397019e02)))));
const sb = (s: number) =>
  1 +
  s * (3.03380607434824582924e01 +
      s *
        (3.25792512996573918826e02 +
          s *
            (1.53672958608443695994e03 +
              s * (3.19985821950859553908e03 + s * (2.55305040643316442583e03 + s * (4.74528541206955367215e02 + s * -2.24409524465858183362e01))))));

const scratch = new DataView(new ArrayBuffer(8));

/** `x` with the low 32 bits of its mantissa cleared, so z*z below is exact (fdlibm's SET_LOW_WORD(z, 0)). */
function highWordOnly(x: number): number {
  scratch.setFloat64(0, x);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/** exp(-x^2 - 0.5625 + R/S) / x for x >= 1.25, the tail both functions share, split so the square is exact. */
function tail(ax: number): number {
  const s = 1 / (ax * ax);
  const ratio = ax < 1 / 0.35 ? ra(s) / sa(s) : rb(s) / sb(s);
  const z = highWordOnly(ax);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + ratio)) / ax;
}

/** The error function erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + EFX * x;
    const z = x * x;
    return x + x * (pp(z) / qq(z));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const r = pa(s) / qa(s);
    return x >= 0 ? ERX + r : -ERX - r;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const r = tail(ax);
  return x >= 0 ? 1 - r : r - 1;
}

/** The complementary error function 1 - erf(x), accurate in the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = pp(z) / qq(z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const r = pa(s) / qa(s);
    return x >= 0 ? 1 - ERX - r : 1 + ERX + r;
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const r = tail(ax);
    return x > 0 ? r : 2 - r;
  }
  return x > 0 ? 0 : 2;
}
