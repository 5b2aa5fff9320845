// The base of every panel: its own <canvas> in a <figure>, redrawn on resize at most as often as it
// asks, with hover (or a tap) answered by a tooltip text, a legend of its colours, and axes drawn
// for those that plot.
import { css, rgb } from './palette.js';
import { fmt, logTicks, ticks } from './draw.js';

export class Panel {
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
      this.noteEl = document.createElement('div');
      this.noteEl.className = 'bl-note';
      this.noteEl.textContent = spec.note;
      this.el.append(this.noteEl);
    }
    this.ctx = this.canvas.getContext('2d');
    this.data = null;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(this.el);
    this.canvas.addEventListener('pointermove', (e) => this.pointer(e));
    // a finger has no hover: a tap shows what hovering shows, until the next tap elsewhere
    this.canvas.addEventListener('pointerdown', (e) => e.pointerType !== 'mouse' && this.view.tapped(this, e));
    this.canvas.addEventListener('pointerleave', (e) => e.pointerType === 'mouse' && this.leave());
  }

  // what each colour means here: [label, colour (css), shape ('dot', 'box', 'diamond', 'ring')], a ramp
  // [label, low text, [css colours low to high], high text], or a plain text; null hides the legend
  legend(items) {
    if (!this.legendEl) {
      this.legendEl = document.createElement('div');
      this.legendEl.className = 'bl-legend';
      this.el.insertBefore(this.legendEl, this.noteEl || null);
    }
    this.legendEl.textContent = '';
    this.legendEl.hidden = !items;
    for (const item of items || []) {
      const key = document.createElement('span');
      key.className = 'bl-key';
      if (typeof item === 'string') key.textContent = item;
      else if (Array.isArray(item[2])) { // a ramp
        const [label, low, colors, high] = item;
        const ramp = document.createElement('i');
        ramp.className = 'bl-ramp';
        ramp.style.background = `linear-gradient(to right, ${colors.join(', ')})`;
        key.append(`${label} ${low}`, ramp, high);
      } else {
        const [label, color, shape = 'box'] = item;
        const swatch = document.createElement('i');
        swatch.className = `bl-swatch bl-${shape}`;
        swatch.style.setProperty('--c', color);
        key.append(swatch, label);
      }
      this.legendEl.append(key);
    }
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
    const dpr = (window.devicePixelRatio || 1) * (this.view.zoom || 1); // sharp under the projector's zoom
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
