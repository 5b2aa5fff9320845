// Drawing helpers shared by the panels: round tick values, number labels, and grids painted as images.
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return mag * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

// evenly spaced round values in [lo, hi], each with its label (as many decimals as the step needs; past
// 4 decimals an exponent, since toFixed takes at most 100 and a learner's data may span 1e-310)
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) return [[lo, fmt(lo)]];
  const step = niceStep(hi - lo, count);
  if (!(step > 0 && Number.isFinite(step))) return [[lo, fmt(lo)], [hi, fmt(hi)]]; // no round step this small
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    const x = Math.abs(v) < step * 1e-9 ? 0 : v;
    const exponent = Math.abs(x) >= 1e5 || decimals > 4;
    out.push([x, exponent ? (x === 0 ? '0' : x.toExponential(0)) : x.toFixed(decimals)]);
  }
  return out;
}

export function logTicks(lo, hi) {
  // less than a decade (a loss at its first points): round values between, as on a linear axis
  if (hi / lo < 4) return ticks(lo, hi, 3).map(([v]) => v).filter((v) => v > 0);
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out.length > 7 ? out.filter((v) => Math.abs(Math.log10(v) % 1) < 1e-9) : out;
}

export function fmt(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return Number(v.toPrecision(3)).toString();
}

// a grid of 0..255 values painted through a colour table; row 0 is the top row. The canvas it
// returns is reused by the next call of the same size: draw it (drawImage copies) before that.
const scratch = new Map();
export function gridImage(values, w, h, lut) {
  let s = scratch.get(`${w}x${h}`);
  if (!s) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    s = { canvas, ctx, img: ctx.createImageData(w, h) };
    scratch.set(`${w}x${h}`, s);
  }
  const px = new Uint32Array(s.img.data.buffer);
  const colors = new Uint32Array(lut.buffer, lut.byteOffset, 256);
  for (let i = 0; i < w * h; i++) px[i] = colors[values[i]];
  s.ctx.putImageData(s.img, 0, 0);
  return s.canvas;
}
