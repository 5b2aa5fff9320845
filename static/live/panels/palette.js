// The live canvas's own colours and the colour tables that paint a 0..255 grid: ui/charts/palette.py's
// (tests/app/test_protocol.py holds them equal), one meaning per family: ORANGE and BLUE the classes
// (and a regression's low and high), NEGATIVE and POSITIVE a weight's or an output's sign, RIGHT and
// WRONG a confusion matrix's cells. Class, series and line colours come with the specs.
export const ORANGE = [245, 147, 34];
export const BLUE = [8, 119, 189];
export const NEGATIVE = [142, 36, 170];
export const POSITIVE = [0, 137, 123];
export const RIGHT = [127, 127, 127];
export const WRONG = [214, 39, 40];
export const NEUTRAL = [210, 210, 210]; // the middle of the points' orange-blue scale
export const DEEP_BLUE = [8, 81, 156]; // the far end of the white-blue scale (a loss surface's valley)

export function rgb(hex) {
  const h = hex.replace('#', '');
  const n = parseInt(h.length === 3 ? h.replace(/./g, '$&$&') : h.slice(0, 6), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
export const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
export const css = (c, alpha = 1) => `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;

// diverging low - background - high: orange to blue for two classes or a regression's value (the
// TensorFlow Playground palette), NEGATIVE to POSITIVE for a sign. `strength` < 1 keeps the extremes
// lighter than the points drawn on top, so orange dots stay visible on an orange region.
export function divergingLut(bg, strength = 1, low = ORANGE, high = BLUE) {
  const lut = new Uint8ClampedArray(256 * 4);
  const lo = mix(bg, low, strength);
  const hi = mix(bg, high, strength);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    const c = t < 0.5 ? mix(lo, bg, t * 2) : mix(bg, hi, (t - 0.5) * 2);
    lut.set([...c, 255], i * 4);
  }
  return lut;
}

export const signLut = (bg, strength = 1) => divergingLut(bg, strength, NEGATIVE, POSITIVE);

export function sequentialLut(bg, ink) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) lut.set([...mix(bg, ink, i / 255), 255], i * 4);
  return lut;
}
