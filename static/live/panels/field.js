// A plane: a painted grid (the model's output), points, straight lines and a path on top, with a
// legend of its colours. With `addable`, a click adds a training point of the class the learner picks.
import { Panel } from './panel.js';
import {
  BLUE, DEEP_BLUE, NEGATIVE, NEUTRAL, ORANGE, POSITIVE, css, divergingLut, mix, rgb, sequentialLut, signLut,
} from './palette.js';
import { fmt, gridImage } from './draw.js';

export class FieldPanel extends Panel {
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
    if (spec.addable && spec.classes) this.addTools();
    this.showLegend();
  }

  // "Add points of: (orange) (blue) [Clear]": a class chosen, a click on the plane adds a training point of it
  addTools() {
    const tools = document.createElement('div');
    tools.className = 'bl-tools';
    tools.append('Add points of:');
    this.adding = null;
    this.classButtons = this.spec.classes.map((c, k) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', 'false');
      b.title = `a click on the plane adds a training point of ${c.name}`;
      const swatch = document.createElement('i');
      swatch.className = 'bl-swatch bl-dot';
      swatch.style.setProperty('--c', c.color);
      b.append(swatch, c.name);
      b.onclick = () => {
        this.adding = this.adding === k ? null : k;
        this.classButtons.forEach((other, j) => other.setAttribute('aria-pressed', String(this.adding === j)));
        this.canvas.style.cursor = this.adding == null ? '' : 'crosshair';
      };
      tools.append(b);
      return b;
    });
    this.clearButton = document.createElement('button');
    this.clearButton.type = 'button';
    this.clearButton.hidden = true;
    this.clearButton.onclick = () => this.view.command('clear');
    tools.append(this.clearButton);
    this.el.insertBefore(tools, this.head.nextSibling);
    this.canvas.addEventListener('click', (e) => this.add(e));
  }

  add(e) {
    const b = this.box;
    if (this.adding == null || !b) return;
    const r = this.canvas.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    if (px < b.x || py < b.y || px > b.x + b.w || py > b.y + b.h) return;
    const [x0, x1, y0, y1] = this.spec.extent;
    this.view.command('point', {
      x: x0 + ((px - b.x) / b.w) * (x1 - x0), y: y1 - ((py - b.y) / b.h) * (y1 - y0), label: this.adding,
    });
  }

  update(data, curve, n) {
    if (data && data.added) {
      this.added = data.added;
      const k = this.added.x.length;
      if (this.clearButton) {
        this.clearButton.hidden = !k;
        this.clearButton.textContent = `Clear the ${k} added`;
      }
    }
    const onlyGrid = data && data.grid && !data.lines && !data.added && curve === this.curve && n === this.count && this.box;
    if (!onlyGrid) return super.update(data, curve, n);
    this.data = data;
    this.paintGrid();
  }

  showOverride(map) {
    this.override = map;
    this.paintGrid();
    this.showLegend();
  }

  // what the colours mean: the classes (or the value's scale), or a neuron's sign while it is shown
  showLegend() {
    const s = this.spec;
    const bg = this.theme ? css(this.theme.bg) : 'transparent'; // (known once the panel is on the page)
    if (this.override) {
      this.legend(["a neuron's output:", ['negative', css(NEGATIVE)], ['positive', css(POSITIVE)]]);
      return;
    }
    if (s.mode === 'scalar') {
      const [lo, hi] = s.range || [0, 1];
      const at = (v) => fmt(s.scale === 'log' ? 10 ** v : v);
      this.legend([[s.valueLabel || 'value', at(lo), [bg, css(DEEP_BLUE)], at(hi)]]);
      return;
    }
    const items = [];
    if (s.mode === 'value') {
      const [lo, hi] = s.range || [0, 1];
      items.push([`predicted ${s.valueLabel || 'value'}`, fmt(lo), [css(ORANGE), bg, css(BLUE)], fmt(hi)]);
    } else for (const c of s.classes || []) items.push([c.name, c.color, 'dot']);
    const p = s.points;
    if (p && p.test && p.test.some((v) => v)) items.push(['test point', 'currentColor', 'diamond']);
    if (s.addable) items.push(['added by you', 'currentColor', 'ring']);
    this.legend(items.length ? items : null);
  }

  paintGrid() {
    const s = this.spec;
    const values = (this.data && this.data.grid) || s.values; // this snapshot's, or a fixed picture
    const grid = this.override || (values ? { values, n: s.grid } : null);
    this.bg.hidden = !grid || !this.box;
    if (this.bg.hidden) return;
    const t = this.theme;
    if (!this.luts || this.luts.bg !== t.bg) {
      this.luts = { bg: t.bg, diverging: divergingLut(t.bg, 0.6), sign: signLut(t.bg, 0.6), seq: sequentialLut(t.bg, DEEP_BLUE) };
    }
    const lut = this.override ? this.luts.sign : s.mode === 'scalar' ? this.luts.seq : this.classLut(t);
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
    if (this.legendBg !== t.bg) { // the ramps fade through the page's background
      this.legendBg = t.bg;
      this.showLegend();
    }
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
    if (this.added) this.drawPoints(ctx, this.added, sx, sy, t.text);
    for (const line of (this.data && this.data.lines) || []) {
      ctx.strokeStyle = line.color;
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
        const col = rgb(this.classStyle(c).color);
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
      return css(t < 0.5 ? mix(ORANGE, NEUTRAL, t * 2) : mix(NEUTRAL, BLUE, (t - 0.5) * 2));
    }
    return this.classStyle(p.label[i]).color;
  }

  // the name and colour the spec gives class `k` (each class has both: ui/live/protocol.py)
  classStyle(k) {
    return (this.spec.classes || [])[k] || {};
  }

  // `ring`: the outline of points the learner added (the data set's have a white one)
  drawPoints(ctx, p, sx, sy, ring = 'rgba(255,255,255,0.9)') {
    const r = ring === 'rgba(255,255,255,0.9)' ? 3.6 : 4.6;
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
        ctx.arc(px, py, r, 0, 2 * Math.PI);
        ctx.fillStyle = color;
        ctx.fill();
        ctx.strokeStyle = ring;
        ctx.lineWidth = r > 4 ? 2 : 1;
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
    ctx.strokeStyle = css(ORANGE);
    ctx.fillStyle = css(ORANGE);
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
    if (this.spec.pathName && this.curve && this.curve.x.length) items.push([css(ORANGE), this.spec.pathName]);
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

  // the plane as it is painted now (grid and points, no axes) into a `w` x `h` picture elsewhere: the
  // network panel shows a hovered neuron's output with it where the plane is out of sight
  drawInto(ctx, w, h) {
    const b = this.box;
    if (!b) return;
    const dpr = this.canvas.width / this.w;
    ctx.fillStyle = css(this.theme.bg);
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = true;
    if (!this.bg.hidden) ctx.drawImage(this.bg, 0, 0, w, h);
    ctx.drawImage(this.canvas, b.x * dpr, b.y * dpr, b.w * dpr, b.h * dpr, 0, 0, w, h);
  }

  hover(px, py) {
    const b = this.box;
    if (!b || px < b.x || py < b.y || px > b.x + b.w || py > b.y + b.h) return '';
    const s = this.spec;
    const [x0, x1, y0, y1] = s.extent;
    const x = x0 + ((px - b.x) / b.w) * (x1 - x0);
    const y = y1 - ((py - b.y) / b.h) * (y1 - y0);
    const parts = [];
    let near = null; // the nearest point within 7 px: [points, index, kind]
    let dist = 49;
    for (const [p, kind] of [[s.points, 'training'], [this.added, 'added']]) {
      for (let i = 0; p && i < p.x.length; i++) {
        if (p.test && p.test[i] && !this.showTest) continue;
        const d = (this.sx(p.x[i]) - px) ** 2 + (this.sy(p.y[i]) - py) ** 2;
        if (d < dist) [near, dist] = [[p, i, p.test && p.test[i] ? 'test' : kind], d];
      }
    }
    if (near) {
      const [p, i, kind] = near;
      const name = p.value ? `${s.valueLabel || 'target'} ${fmt(p.value[i])}` : this.classStyle(p.label[i]).name || `class ${p.label[i]}`;
      parts.push(`${kind} point: ${name} at (${fmt(p.x[i])}, ${fmt(p.y[i])})`);
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
        parts.push(`predicted: ${this.classStyle(k).name || k} (${Math.round(100 * conf)}%)`);
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

