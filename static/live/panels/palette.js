// The live canvas's own colours and the colour tables that paint a 0..255 grid. ORANGE and BLUE are
// ui/charts/palette.py's (tests/app/test_protocol.py holds them equal); class, series and line
// colours come with the specs.
export const ORANGE = [245, 147, 34];
export const BLUE = [8, 119, 189];
export const NEUTRAL = [210, 210, 210]; // the middle of the points' orange-blue scale
export const DEEP_BLUE = [8, 81, 156]; // the far end of the white-blue scale (a loss surface's valley)

export function rgb(hex) {
  const h = hex.replace('#', '');
  const n = parseInt(h.length === 3 ? h.replace(/./g, '$&$&') : h.slice(0, 6), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
export const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
export const css = (c, alpha = 1) => `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;

// diverging orange - background - blue: the TensorFlow Playground palette. `strength` < 1 keeps the
// extremes lighter than the points drawn on top, so orange dots stay visible on an orange region.
export function divergingLut(bg, strength = 1) {
  const lut = new Uint8ClampedArray(256 * 4);
  const orange = mix(bg, ORANGE, strength);
  const blue = mix(bg, BLUE, strength);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    const c = t < 0.5 ? mix(orange, bg, t * 2) : mix(bg, blue, (t - 0.5) * 2);
    lut.set([...c, 255], i * 4);
  }
  return lut;
}

export function sequentialLut(bg, ink) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) lut.set([...mix(bg, ink, i / 255), 255], i * 4);
  return lut;
}
