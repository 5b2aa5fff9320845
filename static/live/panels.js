// Panels of the live canvas. Each draws on its own <canvas>, redraws on resize, and answers hover
// with a tooltip text. Layouts come from LiveTask.layout() in Python; updates from its snapshots.
const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
export const CLASS_COLORS = ['#f59322', '#0877bd', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const SERIES_COLORS = ['#0877bd', '#2ca02c', '#f59322', '#d62728', '#9467bd', '#8c564b'];

export function makePanel(spec, view) {
  const Kind = { field: FieldPanel, curves: CurvesPanel, network: NetworkPanel,
    tiles: TilesPanel, matrix: MatrixPanel, bars: BarsPanel }[spec.type];
  if (!Kind) throw new Error(`unknown panel type ${spec.type}`);
  return new Kind(spec, view);
}

// ---------------------------------------------------------------- helpers
function rgb(hex) {
  const h = hex.replace('#', '');
  const n = parseInt(h.length === 3 ? h.replace(/./g, '$&$&') : h.slice(0, 6), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
const css = (c, alpha = 1) => `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return mag * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

// evenly spaced round values in [lo, hi], each with its label (as many decimals as the step needs)
function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) return [[lo, fmt(lo)]];
  const step = niceStep(hi - lo, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    const x = Math.abs(v) < step * 1e-9 ? 0 : v;
    out.push([x, Math.abs(x) >= 1e5 || (decimals > 4 && x !== 0) ? x.toExponential(0) : x.toFixed(decimals)]);
  }
  return out;
}

function logTicks(lo, hi) {
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

// diverging orange - background - blue: the TensorFlow Playground palette. `strength` < 1 keeps the
// extremes lighter than the points drawn on top, so orange dots stay visible on an orange region.
function divergingLut(bg, strength = 1) {
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

function sequentialLut(bg, ink) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) lut.set([...mix(bg, ink, i / 255), 255], i * 4);
  return lut;
}

// a grid of 0..255 values painted through a colour table; row 0 is the top row. The canvas it
// returns is reused by the next call of the same size: draw it (drawImage copies) before that.
const scratch = new Map();
function gridImage(values, w, h, lut) {
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

// ------------------------------------------------------------------- base
class Panel {
  constructor(spec, view) {
    this.spec = spec;
    this.view = view;
    this.el = document.createElement('figure');
    this.el.className = `bl-panel bl-${spec.type}`;
    this.el.style.flex = `${spec.w || 1} 1 ${spec.min || 260}px`;
    this.el.dataset.panel = spec.id;
    const head = document.createElement('figcaption');
    head.className = 'bl-title';
    head.textContent = spec.title || '';
    this.head = head;
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', spec.title || spec.type);
    this.el.append(head, this.canvas);
    if (spec.note) {
      const note = document.createElement('div');
      note.className = 'bl-note';
      note.textContent = spec.note;
      this.el.append(note);
    }
    this.ctx = this.canvas.getContext('2d');
    this.data = null;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(this.el);
    this.canvas.addEventListener('pointermove', (e) => this.pointer(e));
    this.canvas.addEventListener('pointerleave', () => this.leave());
  }

  destroy() {
    this.observer.disconnect();
    clearTimeout(this.pending);
  }

  colors() {
    const style = getComputedStyle(this.el);
    const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const bg = get('--st-background-color', '#ffffff');
    const text = get('--st-text-color', '#31333f');
    return { bg: rgb(bg.startsWith('#') ? bg : '#ffffff'), text, textRgb: rgb(text.startsWith('#') ? text : '#31333f'),
      grid: css(rgb(text.startsWith('#') ? text : '#31333f'), 0.12), font: get('--st-font', 'sans-serif') };
  }

  height(width) {
    return this.spec.aspect ? Math.min(width * this.spec.aspect, this.spec.maxh || 560) : this.spec.h || 240;
  }

  resize() {
    const width = this.canvas.parentElement ? this.el.clientWidth : 0;
    if (!width) return;
    const h = Math.round(this.height(width));
    const dpr = window.devicePixelRatio || 1;
    this.w = width;
    this.h = h;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${h}px`;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.theme = this.colors();
    this.render();
  }

  update(data, curve, n) {
    // a snapshot without news for this panel leaves it as it is: no redraw
    if (data === undefined && curve === this.curve && n === this.count) return;
    if (data !== undefined) this.data = data;
    this.curve = curve;
    this.count = n;
    this.render(this.minInterval);
  }

  // `wait` (ms): draw at most that often, the latest state last (charts need no 20 redraws a second)
  render(wait = 0) {
    if (!this.w) return;
    const now = performance.now();
    if (wait && now - (this.drawnAt || 0) < wait) {
      if (!this.pending) this.pending = setTimeout(() => this.render(), wait - (now - this.drawnAt));
      return;
    }
    clearTimeout(this.pending);
    this.pending = null;
    this.drawnAt = now;
    this.ctx.clearRect(0, 0, this.w, this.h);
    this.ctx.font = `12px ${this.theme.font}`;
    this.draw(this.ctx, this.theme);
  }

  pointer(e) {
    const r = this.canvas.getBoundingClientRect();
    const text = this.hover(e.clientX - r.left, e.clientY - r.top);
    if (text) this.view.showTip(text, e.clientX, e.clientY);
    else this.view.hideTip();
  }

  leave() {
    this.view.hideTip();
    this.hover(-1, -1);
  }

  hover() {
    return '';
  }

  // axes of a plot area; returns the mapping functions
  axes(ctx, t, box, xr, yr, opts = {}) {
    const { x, y, w, h } = box;
    const sx = (v) => x + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * w;
    const ly = opts.log ? (v) => Math.log10(v) : (v) => v;
    const sy = (v) => y + h - ((ly(v) - ly(yr[0])) / (ly(yr[1]) - ly(yr[0]) || 1)) * h;
    ctx.strokeStyle = t.grid;
    ctx.fillStyle = t.text;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const logLabel = (v) => (v < 1e-3 || v >= 1e5 ? v.toExponential(0).replace('e+', 'e') : fmt(v));
    const yTicks = opts.log ? logTicks(yr[0], yr[1]).map((v) => [v, logLabel(v)]) : ticks(yr[0], yr[1], Math.max(2, h / 45));
    for (const [v, label] of yTicks) {
      const py = sy(v);
      ctx.beginPath();
      ctx.moveTo(x, py);
      ctx.lineTo(x + w, py);
      ctx.stroke();
      ctx.fillText(opts.percent ? `${Math.round(v * 100)}%` : label, x - 4, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const [v, label] of ticks(xr[0], xr[1], Math.max(2, w / 80))) {
      const px = sx(v);
      ctx.beginPath();
      ctx.moveTo(px, y);
      ctx.lineTo(px, y + h);
      ctx.stroke();
      ctx.fillText(label, px, y + h + 3);
    }
    if (opts.xlabel) ctx.fillText(opts.xlabel, x + w / 2, y + h + 17);
    if (opts.ylabel) {
      ctx.save();
      ctx.translate(11, y + h / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = 'middle';
      ctx.fillText(opts.ylabel, 0, 0);
      ctx.restore();
    }
    return { sx, sy };
  }
}

// ----------------------------------------------------------------- field
// A plane: a painted grid (the model's output), points, straight lines and a path on top.
class FieldPanel extends Panel {
  constructor(spec, view) {
    super(spec, view);
    this.override = null;
    this.showTest = true;
    // the painted grid lives on its own small canvas (one pixel a cell) that the browser scales
    // up smoothly under the drawing: a new picture changes 80 x 80 pixels, not the whole panel
    const wrap = document.createElement('div');
    wrap.className = 'bl-stack';
    this.bg = document.createElement('canvas');
    this.bg.className = 'bl-grid';
    this.bgCtx = this.bg.getContext('2d');
    this.canvas.replaceWith(wrap);
    wrap.append(this.bg, this.canvas);
    const p = spec.points;
    if (p && p.test && p.test.some((v) => v)) {
      const label = document.createElement('label');
      label.className = 'bl-toggle';
      label.innerHTML = '<input type="checkbox" checked> test points';
      label.firstChild.onchange = (e) => {
        this.showTest = e.target.checked;
        this.render();
      };
      this.head.append(label);
    }
  }

  update(data, curve, n) {
    const onlyGrid = data && data.grid && !data.lines && curve === this.curve && n === this.count && this.box;
    if (!onlyGrid) return super.update(data, curve, n);
    this.data = data;
    this.paintGrid();
  }

  showOverride(map) {
    this.override = map;
    this.paintGrid();
  }

  paintGrid() {
    const s = this.spec;
    const values = (this.data && this.data.grid) || s.values; // this snapshot's, or a fixed picture
    const grid = this.override || (values ? { values, n: s.grid } : null);
    this.bg.hidden = !grid || !this.box;
    if (this.bg.hidden) return;
    const t = this.theme;
    if (!this.luts || this.luts.bg !== t.bg) {
      this.luts = { bg: t.bg, diverging: divergingLut(t.bg, 0.6), seq: sequentialLut(t.bg, [8, 81, 156]) };
    }
    const lut = this.override ? this.luts.diverging : s.mode === 'scalar' ? this.luts.seq : this.classLut(t);
    // ('value' mode, a regression's output, paints on the diverging scale like a probability)
    if (this.bg.width !== grid.n) this.bg.width = this.bg.height = grid.n;
    this.bgCtx.drawImage(gridImage(grid.values, grid.n, grid.n, lut), 0, 0);
  }

  plotBox() {
    const left = this.spec.ylabel ? 50 : 38;
    const room = { w: this.w - left - 10, h: this.h - 40 };
    if (!this.spec.aspect) return { x: left, y: 6, ...room };
    // one unit is as long across as up: a circle in the data stays a circle on screen
    const [x0, x1, y0, y1] = this.spec.extent;
    const ratio = (y1 - y0) / (x1 - x0 || 1);
    const w = Math.min(room.w, room.h / ratio);
    return { x: left, y: 6, w, h: w * ratio };
  }

  draw(ctx, t) {
    const s = this.spec;
    const [x0, x1, y0, y1] = s.extent;
    const box = (this.box = this.plotBox());
    Object.assign(this.bg.style, { left: `${box.x}px`, top: `${box.y}px`, width: `${box.w}px`, height: `${box.h}px` });
    this.paintGrid();
    const { sx, sy } = this.axes(ctx, t, box, [x0, x1], [y0, y1], { xlabel: s.xlabel, ylabel: s.ylabel });
    this.sx = sx;
    this.sy = sy;
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.x, box.y, box.w, box.h);
    ctx.clip();
    if (s.points) this.drawPoints(ctx, s.points, sx, sy);
    for (const line of (this.data && this.data.lines) || []) {
      ctx.strokeStyle = line.color || '#333';
      ctx.lineWidth = line.width || 2.5;
      ctx.setLineDash(line.dash ? [7, 5] : []);
      ctx.beginPath();
      line.x.forEach((v, i) => (i ? ctx.lineTo(sx(v), sy(line.y[i])) : ctx.moveTo(sx(v), sy(line.y[i]))));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    this.drawPath(ctx, sx, sy);
    for (const m of s.marks || []) {
      ctx.strokeStyle = t.text;
      ctx.lineWidth = 2.5;
      const px = sx(m.x);
      const py = sy(m.y);
      ctx.beginPath();
      ctx.moveTo(px - 6, py - 6);
      ctx.lineTo(px + 6, py + 6);
      ctx.moveTo(px + 6, py - 6);
      ctx.lineTo(px - 6, py + 6);
      ctx.stroke();
    }
    ctx.restore();
    this.drawLegend(ctx, t, box);
  }

  classLut(t) {
    if (this.spec.mode !== 'classes') return this.luts.diverging;
    if (!this.luts.classes) {
      // index = class * 32 + confidence (0..31): each class fades from the background with doubt
      const lut = new Uint8ClampedArray(256 * 4);
      const k = (this.spec.classes || []).length || 1;
      for (let c = 0; c < Math.min(k, 8); c++) {
        const col = rgb((this.spec.classes[c] || {}).color || CLASS_COLORS[c]);
        for (let q = 0; q < 32; q++) lut.set([...mix(t.bg, col, 0.12 + 0.5 * (q / 31)), 255], (c * 32 + q) * 4);
      }
      this.luts.classes = lut;
    }
    return this.luts.classes;
  }

  pointColor(p, i) {
    if (p.value) { // a regression target: its place on the orange-blue scale, full strength
      const [lo, hi] = this.spec.range || [-1, 1];
      const t = Math.min(1, Math.max(0, (p.value[i] - lo) / (hi - lo || 1)));
      return css(t < 0.5 ? mix(ORANGE, [210, 210, 210], t * 2) : mix([210, 210, 210], BLUE, (t - 0.5) * 2));
    }
    return ((this.spec.classes || [])[p.label[i]] || {}).color || CLASS_COLORS[p.label[i] % 10];
  }

  drawPoints(ctx, p, sx, sy) {
    for (let i = 0; i < p.x.length; i++) {
      const test = p.test && p.test[i];
      if (test && !this.showTest) continue;
      const color = this.pointColor(p, i);
      const px = sx(p.x[i]);
      const py = sy(p.y[i]);
      ctx.beginPath();
      if (test) {
        ctx.moveTo(px, py - 4.5);
        ctx.lineTo(px + 4.5, py);
        ctx.lineTo(px, py + 4.5);
        ctx.lineTo(px - 4.5, py);
        ctx.closePath();
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.6;
        ctx.stroke();
      } else {
        ctx.arc(px, py, 3.6, 0, 2 * Math.PI);
        ctx.fillStyle = color;
        ctx.fill();
        ctx.strokeStyle = 'rgba(255,255,255,0.9)';
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }
  }

  drawPath(ctx, sx, sy) {
    const c = this.curve;
    if (!c || !c.x.length) return;
    const ys = Object.values(c.y)[0];
    const n = Math.min(this.count == null ? c.x.length : this.count, c.x.length);
    if (!n) return;
    ctx.strokeStyle = '#f59322';
    ctx.fillStyle = '#f59322';
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    for (let i = 0; i < n; i++) (i ? ctx.lineTo : ctx.moveTo).call(ctx, sx(c.x[i]), sy(ys[i]));
    ctx.stroke();
    const step = Math.max(1, Math.floor(n / 60));
    for (let i = 0; i < n; i += step) {
      ctx.beginPath();
      ctx.arc(sx(c.x[i]), sy(ys[i]), 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.beginPath();
    ctx.arc(sx(c.x[n - 1]), sy(ys[n - 1]), 4.5, 0, 2 * Math.PI);
    ctx.fill();
  }

  drawLegend(ctx, t, box) {
    const items = [];
    for (const line of (this.data && this.data.lines) || []) if (line.name) items.push([line.color, line.name, line.dash]);
    if (this.spec.pathName && this.curve && this.curve.x.length) items.push(['#f59322', this.spec.pathName]);
    if (!items.length) return;
    ctx.font = `12px ${t.font}`;
    let y = box.y + 8;
    const x = box.x + 8;
    const width = Math.max(...items.map((it) => ctx.measureText(it[1]).width)) + 34;
    ctx.fillStyle = css(t.bg, 0.85);
    ctx.fillRect(x - 4, y - 6, width, items.length * 17 + 4);
    for (const [color, name, dash] of items) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(dash ? [5, 3] : []);
      ctx.beginPath();
      ctx.moveTo(x, y + 3);
      ctx.lineTo(x + 20, y + 3);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = t.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(name, x + 26, y + 3);
      y += 17;
    }
  }

  hover(px, py) {
    const b = this.box;
    if (!b || px < b.x || py < b.y || px > b.x + b.w || py > b.y + b.h) return '';
    const s = this.spec;
    const [x0, x1, y0, y1] = s.extent;
    const x = x0 + ((px - b.x) / b.w) * (x1 - x0);
    const y = y1 - ((py - b.y) / b.h) * (y1 - y0);
    const parts = [];
    const p = s.points;
    if (p) {
      let best = -1;
      let dist = 49;
      for (let i = 0; i < p.x.length; i++) {
        if (p.test && p.test[i] && !this.showTest) continue;
        const d = (this.sx(p.x[i]) - px) ** 2 + (this.sy(p.y[i]) - py) ** 2;
        if (d < dist) [best, dist] = [i, d];
      }
      if (best >= 0) {
        const name = p.value
          ? `${s.valueLabel || 'target'} ${fmt(p.value[best])}`
          : ((s.classes || [])[p.label[best]] || {}).name || `class ${p.label[best]}`;
        parts.push(`${p.test && p.test[best] ? 'test' : 'training'} point: ${name} at (${fmt(p.x[best])}, ${fmt(p.y[best])})`);
      }
    }
    parts.push(`${s.xlabel || 'x'} = ${fmt(x)}, ${s.ylabel || 'y'} = ${fmt(y)}`);
    const g = (this.data && this.data.grid) || s.values;
    if (g && !this.override) {
      const n = s.grid;
      const col = Math.min(n - 1, Math.floor(((px - b.x) / b.w) * n));
      const row = Math.min(n - 1, Math.floor(((py - b.y) / b.h) * n));
      const v = g[row * n + col];
      if (s.mode === 'classes') {
        const k = Math.floor(v / 32);
        const conf = (s.confLo || 0) + ((v % 32) / 31) * (1 - (s.confLo || 0));
        parts.push(`predicted: ${((s.classes || [])[k] || {}).name || k} (${Math.round(100 * conf)}%)`);
      } else if (s.mode === 'scalar' || s.mode === 'value') {
        const [lo, hi] = s.range || [0, 1];
        const level = lo + (v / 255) * (hi - lo);
        const what = s.mode === 'value' ? `predicted ${s.valueLabel || 'value'}` : s.valueLabel || 'value';
        parts.push(`${what} ≈ ${fmt(s.scale === 'log' ? 10 ** level : level)}`);
      } else {
        parts.push(`${s.valueLabel || 'P(class 1)'} = ${(v / 255).toFixed(2)}`);
      }
    }
    return parts.join('\n');
  }
}

// ---------------------------------------------------------------- curves
class CurvesPanel extends Panel {
  constructor(spec, view) {
    super(spec, view);
    this.minInterval = 250;
  }

  value(v) {
    return this.spec.percent && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : fmt(v);
  }

  draw(ctx, t) {
    const c = this.curve;
    const s = this.spec;
    const series = s.series || [];
    const n = c ? Math.min(this.count == null ? c.x.length : this.count, c.x.length) : 0;
    const box = (this.box = { x: 50, y: 22, w: this.w - 62, h: this.h - 58 });
    let lo = Infinity;
    let hi = -Infinity;
    if (n) {
      for (const sr of series) {
        const ys = c.y[sr.name] || [];
        for (let i = 0; i < n; i++) {
          const v = ys[i];
          if (v == null || !Number.isFinite(v) || (s.log && v <= 0)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (!(hi >= lo)) {
      [lo, hi] = s.log ? [0.01, 1] : [0, 1];
    } else if (s.ylim) {
      [lo, hi] = [Math.min(lo, s.ylim[0]), Math.max(hi, s.ylim[1])];
    } else if (s.log) {
      lo = lo === hi ? lo / 2 : lo / 1.15;
      hi = hi * 1.15;
    } else {
      const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
      lo -= pad;
      hi += pad;
    }
    const x0 = n ? c.x[0] : 0;
    let x1 = n ? c.x[n - 1] : 1;
    if (!(x1 > x0)) x1 = x0 + 1;
    const { sx, sy } = this.axes(ctx, t, box, [x0, x1], [lo, hi], {
      log: s.log, xlabel: s.xlabel, ylabel: s.ylabel, percent: s.percent,
    });
    this.sx = sx;
    this.range = [x0, x1];
    series.forEach((sr, k) => {
      const ys = n ? c.y[sr.name] || [] : [];
      ctx.strokeStyle = sr.color || SERIES_COLORS[k % SERIES_COLORS.length];
      ctx.lineWidth = 2;
      ctx.setLineDash(sr.dash ? [5, 3] : []);
      ctx.beginPath();
      let open = false;
      for (let i = 0; i < n; i++) {
        const v = ys[i];
        if (v == null || !Number.isFinite(v) || (s.log && v <= 0)) {
          open = false;
          continue;
        }
        const py = sy(Math.min(Math.max(v, lo), hi));
        if (open) ctx.lineTo(sx(c.x[i]), py);
        else ctx.moveTo(sx(c.x[i]), py);
        open = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (n === 1 && Number.isFinite(ys[0])) {
        ctx.fillStyle = ctx.strokeStyle;
        ctx.beginPath();
        ctx.arc(sx(c.x[0]), sy(ys[0]), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    });
    // legend on the top line
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let lx = box.x;
    series.forEach((sr, k) => {
      const ys = n ? c.y[sr.name] || [] : [];
      const last = n ? ys[n - 1] : null;
      const label = `${sr.name} ${this.value(last)}`;
      ctx.strokeStyle = sr.color || SERIES_COLORS[k % SERIES_COLORS.length];
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(lx, 9);
      ctx.lineTo(lx + 14, 9);
      ctx.stroke();
      ctx.fillStyle = t.text;
      ctx.fillText(label, lx + 18, 9);
      lx += ctx.measureText(label).width + 34;
    });
    if (this.cursor != null && n) {
      ctx.strokeStyle = css(t.textRgb, 0.4);
      ctx.beginPath();
      ctx.moveTo(sx(c.x[this.cursor]), box.y);
      ctx.lineTo(sx(c.x[this.cursor]), box.y + box.h);
      ctx.stroke();
    }
  }

  hover(px, py) {
    const c = this.curve;
    const b = this.box;
    const n = c ? Math.min(this.count == null ? c.x.length : this.count, c.x.length) : 0;
    if (!n || !b || px < b.x || px > b.x + b.w || py < 0) {
      if (this.cursor != null) {
        this.cursor = null;
        this.render();
      }
      return '';
    }
    const x = this.range[0] + ((px - b.x) / b.w) * (this.range[1] - this.range[0]);
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(c.x[i] - x) < Math.abs(c.x[best] - x)) best = i;
    this.cursor = best;
    this.render();
    const rows = [`${this.spec.xlabel || 'x'} ${fmt(c.x[best])}`];
    for (const sr of this.spec.series || []) rows.push(`${sr.name}: ${this.value((c.y[sr.name] || [])[best])}`);
    return rows.join('\n');
  }
}

// --------------------------------------------------------------- network
// Neurons as small maps of their output over the plane, edges coloured by the weight's sign.
class NetworkPanel extends Panel {
  constructor(spec, view) {
    super(spec, view);
    const acts = (spec.acts || []).slice(0, -1);
    this.canvas.setAttribute('aria-label', `network with layer sizes ${spec.layers.join('-')}` +
      (acts.length ? `, hidden activations ${acts.join(', ')}` : ''));
  }

  draw(ctx, t) {
    const s = this.spec;
    const shown = s.shown;
    const cols = shown.length;
    const gapX = (this.w - 20) / Math.max(1, cols);
    const maxRows = Math.max(...shown);
    const size = Math.max(14, Math.min(40, (this.h - 44) / maxRows - 6, gapX * 0.45));
    const pos = shown.map((n, l) => {
      const x = 10 + gapX * (l + 0.5) - size / 2;
      const total = n * size + (n - 1) * 6;
      const y0 = 30 + (this.h - 44 - total) / 2;
      return Array.from({ length: n }, (_, i) => ({ x, y: y0 + i * (size + 6) }));
    });
    this.pos = pos;
    this.size = size;
    const weights = (this.data && this.data.weights) || [];
    let wmax = 1e-9;
    for (const W of weights) for (const v of W) wmax = Math.max(wmax, Math.abs(v));
    this.edges = [];
    weights.forEach((W, l) => {
      const nIn = shown[l];
      const nOut = shown[l + 1];
      for (let i = 0; i < nIn; i++) {
        for (let j = 0; j < nOut; j++) {
          const w = W[i * nOut + j];
          const a = pos[l][i];
          const b = pos[l + 1][j];
          const x0 = a.x + size;
          const y0 = a.y + size / 2;
          const x1 = b.x;
          const y1 = b.y + size / 2;
          ctx.strokeStyle = css(w >= 0 ? BLUE : ORANGE, 0.25 + 0.65 * Math.min(1, Math.abs(w) / wmax));
          ctx.lineWidth = 0.4 + 4 * Math.min(1, Math.abs(w) / wmax);
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
          ctx.stroke();
          this.edges.push({ x0, y0, x1, y1, w, l, i, j });
        }
      }
    });
    const maps = (this.data && this.data.maps) || null;
    const m = s.map;
    if (!this.lut || this.lutBg !== t.bg) {
      this.lut = divergingLut(t.bg);
      this.lutBg = t.bg;
    }
    let k = 0;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    shown.forEach((n, l) => {
      ctx.fillStyle = t.text;
      const head = l === 0 ? 'inputs' : l === cols - 1 ? 'output' : `layer ${l}`;
      ctx.fillText(head, pos[l][0].x + size / 2, 12);
      ctx.font = `11px ${t.font}`;
      const sub = l === 0 ? '' : `${s.layers[l]}${s.acts && s.acts[l - 1] ? ' ' + s.acts[l - 1] : ''}`;
      if (sub) ctx.fillText(sub + (s.layers[l] > n ? ` (${n} shown)` : ''), pos[l][0].x + size / 2, 24);
      ctx.font = `12px ${t.font}`;
      for (let i = 0; i < n; i++) {
        const p = pos[l][i];
        const source = l === 0 ? s.inputMaps : maps;
        const index = l === 0 ? i : k++;
        if (source && m) {
          const values = source.subarray(index * m * m, (index + 1) * m * m);
          ctx.imageSmoothingEnabled = true;
          ctx.drawImage(gridImage(values, m, m, this.lut), p.x, p.y, size, size);
        }
        ctx.strokeStyle = this.focusId === `${l}:${i}` ? t.text : css(t.textRgb, 0.35);
        ctx.lineWidth = this.focusId === `${l}:${i}` ? 2 : 1;
        ctx.strokeRect(p.x, p.y, size, size);
        if (l === 0 && s.inputs) {
          ctx.textAlign = 'right';
          ctx.textBaseline = 'middle';
          ctx.fillStyle = t.text;
          ctx.fillText(s.inputs[i], p.x - 4, p.y + size / 2);
          ctx.textAlign = 'center';
          ctx.textBaseline = 'alphabetic';
        }
      }
    });
  }

  hover(px, py) {
    if (!this.pos) return '';
    const s = this.spec;
    const size = this.size;
    for (let l = 0; l < this.pos.length; l++) {
      for (let i = 0; i < this.pos[l].length; i++) {
        const p = this.pos[l][i];
        if (px >= p.x && px <= p.x + size && py >= p.y && py <= p.y + size) {
          this.setFocus(l, i);
          if (l === 0) return `input ${s.inputs ? s.inputs[i] : i}`;
          const what = l === this.pos.length - 1 ? `output ${(s.outputs || [])[i] || i}` : `layer ${l}, neuron ${i + 1}`;
          return `${what}${s.acts && s.acts[l - 1] ? ' (' + s.acts[l - 1] + ')' : ''}\nits output over the plane is shown on the left`;
        }
      }
    }
    this.setFocus(null);
    let best = null;
    let dist = 16;
    for (const e of this.edges || []) {
      // distance to the chord is close enough for thin S-curves
      const dx = e.x1 - e.x0;
      const dy = e.y1 - e.y0;
      const tt = Math.max(0, Math.min(1, ((px - e.x0) * dx + (py - e.y0) * dy) / (dx * dx + dy * dy)));
      const ex = e.x0 + tt * dx;
      const ey = e.y0 + (3 * tt * tt - 2 * tt * tt * tt) * dy; // the bezier's y along x
      const d = (px - ex) ** 2 + (py - ey) ** 2;
      if (d < dist) [best, dist] = [e, d];
    }
    if (!best) return '';
    const from = best.l === 0 ? (s.inputs || [])[best.i] || `input ${best.i}` : `layer ${best.l} neuron ${best.i + 1}`;
    const to = best.l + 1 === this.pos.length - 1 ? `output ${(s.outputs || [])[best.j] || best.j}` : `layer ${best.l + 1} neuron ${best.j + 1}`;
    return `weight ${fmt(best.w)}\n${from} → ${to}`;
  }

  setFocus(l, i) {
    const id = l == null ? null : `${l}:${i}`;
    if (id === this.focusId) return;
    this.focusId = id;
    const s = this.spec;
    let map = null;
    if (id && s.map) {
      const m = s.map;
      let source = null;
      let index = i;
      if (l === 0) source = s.inputMaps;
      else {
        source = this.data && this.data.maps;
        index = this.pos.slice(1, l).reduce((a, col) => a + col.length, 0) + i;
      }
      if (source) map = { values: source.subarray(index * m * m, (index + 1) * m * m), n: m };
    }
    this.view.focus(map);
    this.render();
  }
}

// ----------------------------------------------------------------- tiles
// Small images in a grid: first-layer weights seen as pictures, misclassified digits.
class TilesPanel extends Panel {
  height(width) {
    const s = this.spec;
    const cols = s.cols || 8;
    const tile = (width - (cols - 1) * 4) / cols;
    const rows = Math.ceil((s.count || cols) / cols);
    return rows * (tile * (s.tile[0] / s.tile[1]) + (s.captions ? 30 : 4));
  }

  draw(ctx, t) {
    const s = this.spec;
    const images = this.data && this.data.images;
    if (!images) return;
    const [h, w] = s.tile;
    const cols = s.cols || 8;
    const tw = (this.w - (cols - 1) * 4) / cols;
    const th = tw * (h / w);
    const n = images.length / (h * w);
    if (!this.lut || this.lutBg !== t.bg) {
      this.lut = s.diverging ? divergingLut(t.bg) : sequentialLut([255, 255, 255], [0, 0, 0]);
      this.lutBg = t.bg;
    }
    this.cells = [];
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.font = `11px ${t.font}`;
    for (let k = 0; k < n; k++) {
      const x = (k % cols) * (tw + 4);
      const y = Math.floor(k / cols) * (th + (s.captions ? 30 : 4));
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(gridImage(images.subarray(k * h * w, (k + 1) * h * w), w, h, this.lut), x, y, tw, th);
      ctx.strokeStyle = css(t.textRgb, 0.25);
      ctx.strokeRect(x + 0.5, y + 0.5, tw - 1, th - 1);
      const caption = (this.data.captions || [])[k];
      if (s.captions && caption) {
        ctx.fillStyle = t.text;
        ctx.fillText(caption.split('\n')[0], x + tw / 2, y + th + 3, tw);
      }
      this.cells.push({ x, y, w: tw, h: th, text: caption || `${s.itemName || 'tile'} ${k + 1}` });
    }
    if (!n && s.empty) {
      ctx.fillStyle = t.text;
      ctx.fillText(s.empty, this.w / 2, 10);
    }
  }

  hover(px, py) {
    for (const c of this.cells || []) if (px >= c.x && px <= c.x + c.w && py >= c.y && py <= c.y + c.h) return c.text;
    return '';
  }
}

// ---------------------------------------------------------------- matrix
// A confusion matrix: true class on rows, predicted on columns, counts written in the cells.
class MatrixPanel extends Panel {
  height(width) {
    return Math.min(width, this.spec.maxh || 420);
  }

  draw(ctx, t) {
    const s = this.spec;
    const counts = this.data && this.data.counts;
    const k = s.labels.length;
    const left = Math.max(24, ...s.labels.map((l) => ctx.measureText(l).width)) + 26;
    const size = Math.min(this.w - left - (s.recall ? 70 : 0), this.h - 40);
    const cell = size / k;
    const box = (this.box = { x: left, y: 4, cell, k });
    if (!counts) return;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < k; r++) {
      let rowSum = 0;
      for (let c = 0; c < k; c++) rowSum += counts[r * k + c];
      for (let c = 0; c < k; c++) {
        const v = counts[r * k + c];
        const share = rowSum ? v / rowSum : 0;
        const color = r === c ? BLUE : ORANGE;
        ctx.fillStyle = css(mix(t.bg, color, Math.min(1, share * (r === c ? 1 : 3))), 1);
        ctx.fillRect(box.x + c * cell, box.y + r * cell, cell - 1, cell - 1);
        if (v) {
          ctx.fillStyle = share > 0.55 ? '#fff' : t.text;
          ctx.fillText(String(v), box.x + (c + 0.5) * cell, box.y + (r + 0.5) * cell);
        }
      }
      ctx.fillStyle = t.text;
      ctx.textAlign = 'right';
      ctx.fillText(s.labels[r], box.x - 6, box.y + (r + 0.5) * cell);
      ctx.textAlign = 'center';
      ctx.fillText(s.labels[r], box.x + (r + 0.5) * cell, box.y + k * cell + 10, cell);
      if (s.recall) { // per-class accuracy: the share of this row on the diagonal
        ctx.textAlign = 'left';
        ctx.fillText(rowSum ? `${Math.round((100 * counts[r * k + r]) / rowSum)}%` : '–', box.x + k * cell + 8,
          box.y + (r + 0.5) * cell);
        ctx.textAlign = 'center';
      }
    }
    if (s.recall) {
      ctx.textAlign = 'left';
      ctx.fillText('correct', box.x + k * cell + 8, box.y + k * cell + 10);
      ctx.textAlign = 'center';
    }
    ctx.fillText(s.xlabel || 'predicted', box.x + (k * cell) / 2, box.y + k * cell + 26);
    ctx.save();
    ctx.translate(10, box.y + (k * cell) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(s.ylabel || 'true', 0, 0);
    ctx.restore();
  }

  hover(px, py) {
    const b = this.box;
    const counts = this.data && this.data.counts;
    if (!b || !counts) return '';
    const c = Math.floor((px - b.x) / b.cell);
    const r = Math.floor((py - b.y) / b.cell);
    if (r < 0 || c < 0 || r >= b.k || c >= b.k) return '';
    const L = this.spec.labels;
    let row = 0;
    for (let j = 0; j < b.k; j++) row += counts[r * b.k + j];
    return `true ${L[r]}, predicted ${L[c]}: ${counts[r * b.k + c]} of ${row}`;
  }
}

// ------------------------------------------------------------------ bars
// One bar per class (a network's output for one example); the largest is drawn in blue.
class BarsPanel extends Panel {
  draw(ctx, t) {
    const values = this.data && this.data.values;
    const labels = this.spec.labels || [];
    if (!values) return;
    const box = (this.box = { x: 36, y: 8, w: this.w - 44, h: this.h - 30 });
    const top = Math.max(1e-9, ...values);
    const best = values.indexOf(Math.max(...values));
    const bw = box.w / values.length;
    const { sy } = this.axes(ctx, t, box, [0, 1], [0, Math.max(1, top)], {});
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    values.forEach((v, i) => {
      ctx.fillStyle = i === best ? css(BLUE) : css(t.textRgb, 0.3);
      ctx.fillRect(box.x + i * bw + bw * 0.15, sy(v), bw * 0.7, box.y + box.h - sy(v));
      ctx.fillStyle = t.text;
      ctx.fillText(labels[i] ?? String(i), box.x + (i + 0.5) * bw, box.y + box.h + 3);
    });
    this.bw = bw;
  }

  axes(ctx, t, box, xr, yr) {
    // y ticks only: the class labels replace the x axis
    const sy = (v) => box.y + box.h - ((v - yr[0]) / (yr[1] - yr[0])) * box.h;
    ctx.strokeStyle = t.grid;
    ctx.fillStyle = t.text;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const [v, label] of ticks(yr[0], yr[1], 4)) {
      ctx.beginPath();
      ctx.moveTo(box.x, sy(v));
      ctx.lineTo(box.x + box.w, sy(v));
      ctx.stroke();
      ctx.fillText(label, box.x - 4, sy(v));
    }
    return { sy };
  }

  hover(px) {
    const values = this.data && this.data.values;
    if (!values || !this.box) return '';
    const i = Math.floor((px - this.box.x) / this.bw);
    if (i < 0 || i >= values.length) return '';
    return `${(this.spec.labels || [])[i] ?? i}: ${values[i].toFixed(3)}`;
  }
}
