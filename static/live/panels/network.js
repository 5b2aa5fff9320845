// Neurons as small maps of their output over the plane, edges coloured by the weight's sign.
import { Panel } from './panel.js';
import { BLUE, ORANGE, css, divergingLut } from './palette.js';
import { fmt, gridImage } from './draw.js';

export class NetworkPanel extends Panel {
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
