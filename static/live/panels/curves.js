// Named series over epochs or steps, with the values at the cursor on hover. A sparse series (measured at
// some points only, null between) is drawn through the points it has.
import { Panel } from './panel.js';
import { css } from './palette.js';
import { fmt } from './draw.js';

export class CurvesPanel extends Panel {
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
    series.forEach((sr) => {
      const ys = n ? c.y[sr.name] || [] : [];
      ctx.strokeStyle = sr.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(sr.dash ? [5, 3] : []);
      ctx.beginPath();
      let open = false;
      for (let i = 0; i < n; i++) {
        const v = ys[i];
        if (v == null || !Number.isFinite(v) || (s.log && v <= 0)) {
          if (!sr.sparse) open = false;
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
    series.forEach((sr) => {
      const ys = n ? c.y[sr.name] || [] : [];
      const last = n ? ys[sr.sparse ? this.measured(ys, n - 1, n) : n - 1] : null;
      const label = `${sr.name} ${this.value(last)}`;
      ctx.strokeStyle = sr.color;
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
    for (const sr of this.spec.series || []) {
      const ys = c.y[sr.name] || [];
      rows.push(`${sr.name}: ${this.value(ys[sr.sparse ? this.measured(ys, best, n) : best])}`);
    }
    return rows.join('\n');
  }

  // the index nearest `i` (of the first `n`) where a sparse series has a value
  measured(ys, i, n) {
    for (let d = 0; d < n; d++) {
      if (i - d >= 0 && Number.isFinite(ys[i - d])) return i - d;
      if (i + d < n && Number.isFinite(ys[i + d])) return i + d;
    }
    return i;
  }
}
