// Neurons as small maps of their output over the plane, edges coloured by the weight's sign. With
// the spec's leave: a click on an edge types its weight (`editable`), +/- buttons add or remove
// neurons and hidden layers (`resize`).
import { Panel } from './panel.js';
import { NEGATIVE, POSITIVE, css, signLut } from './palette.js';
import { fmt, gridImage } from './draw.js';

const BUTTONS = 26; // px over the diagram for the +/- buttons

export class NetworkPanel extends Panel {
  constructor(spec, view) {
    super(spec, view);
    const acts = (spec.acts || []).slice(0, -1);
    this.canvas.setAttribute('aria-label', `network with layer sizes ${spec.layers.join('-')}` +
      (acts.length ? `, hidden activations ${acts.join(', ')}` : ''));
    this.top = spec.resize ? BUTTONS : 0;
    this.el.style.position = 'relative'; // the buttons and the weight box sit over the diagram
    if (spec.resize) this.addButtons(spec.resize);
    if (spec.editable) this.canvas.addEventListener('click', (e) => this.clicked(e));
    // where the plane is out of sight (a phone's narrow column), a hovered neuron's output shows here
    this.inset = document.createElement('div');
    this.inset.className = 'bl-inset';
    this.inset.hidden = true;
    this.inset.innerHTML = '<canvas></canvas><div class="bl-inset-text"></div>';
    this.canvas.after(this.inset);
    this.legend([['negative', css(NEGATIVE)], ['positive', css(POSITIVE)], 'weights on the edges, outputs in the squares']);
  }

  // the hidden layers' sizes, and the sizes with one change
  hidden() {
    return this.spec.layers.slice(1, -1);
  }

  addButtons([maxLayers, maxUnits]) {
    const bar = (this.buttons = document.createElement('div'));
    bar.className = 'bl-resize';
    const button = (text, label, sizes) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.title = label;
      b.setAttribute('aria-label', label);
      b.disabled = !sizes;
      b.onclick = () => {
        for (const other of bar.querySelectorAll('button')) other.disabled = true; // until the new network comes
        this.view.command('layers', { sizes });
      };
      return b;
    };
    const h = this.hidden();
    const layers = document.createElement('span');
    layers.className = 'bl-resize-layers';
    layers.append(
      button('−', 'remove the last hidden layer', h.length ? h.slice(0, -1) : null),
      button('+', 'add a hidden layer', h.length < maxLayers ? [...h, h.length ? h[h.length - 1] : 4] : null),
      `${h.length} hidden layer${h.length === 1 ? '' : 's'}`,
    );
    bar.append(layers);
    this.columnButtons = h.map((n, k) => {
      const col = document.createElement('span');
      col.className = 'bl-resize-col';
      const sized = (m) => h.map((v, i) => (i === k ? m : v));
      col.append(
        button('−', `one neuron fewer in layer ${k + 1}`, n > 1 ? sized(n - 1) : null),
        button('+', `one neuron more in layer ${k + 1}`, n < maxUnits ? sized(n + 1) : null),
      );
      bar.append(col);
      return col;
    });
    this.el.insertBefore(bar, this.canvas);
  }

  draw(ctx, t) {
    const s = this.spec;
    const shown = s.shown;
    const cols = shown.length;
    const gapX = (this.w - 20) / Math.max(1, cols);
    const maxRows = Math.max(...shown);
    const top = this.top;
    const room = this.h - 44 - top;
    const size = Math.max(14, Math.min(40, room / maxRows - 6, gapX * 0.45));
    const pos = shown.map((n, l) => {
      const x = 10 + gapX * (l + 0.5) - size / 2;
      const total = n * size + (n - 1) * 6;
      const y0 = top + 30 + (room - total) / 2;
      return Array.from({ length: n }, (_, i) => ({ x, y: y0 + i * (size + 6) }));
    });
    this.pos = pos;
    this.size = size;
    if (this.columnButtons) { // each hidden layer's +/- over its column (the canvas starts at the panel's top + title)
      const at = this.canvas.offsetTop;
      this.columnButtons.forEach((col, k) => {
        col.style.left = `${pos[k + 1][0].x + size / 2}px`;
        col.style.top = `${at + 1}px`;
      });
    }
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
          const chosen = this.editing && this.editing.l === l && this.editing.i === i && this.editing.j === j;
          ctx.strokeStyle = chosen ? t.text : css(w >= 0 ? POSITIVE : NEGATIVE, 0.25 + 0.65 * Math.min(1, Math.abs(w) / wmax));
          ctx.lineWidth = (chosen ? 2 : 0.4) + 4 * Math.min(1, Math.abs(w) / wmax);
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
      this.lut = signLut(t.bg);
      this.lutBg = t.bg;
    }
    let k = 0;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    shown.forEach((n, l) => {
      ctx.fillStyle = t.text;
      const head = l === 0 ? 'inputs' : l === cols - 1 ? 'output' : `layer ${l}`;
      ctx.fillText(head, pos[l][0].x + size / 2, top + 12);
      ctx.font = `11px ${t.font}`;
      const sub = l === 0 ? '' : `${s.layers[l]}${s.acts && s.acts[l - 1] ? ' ' + s.acts[l - 1] : ''}`;
      if (sub) ctx.fillText(sub + (s.layers[l] > n ? ` (${n} shown)` : ''), pos[l][0].x + size / 2, top + 24);
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

  neuronAt(px, py) {
    for (let l = 0; l < (this.pos || []).length; l++) {
      for (let i = 0; i < this.pos[l].length; i++) {
        const p = this.pos[l][i];
        if (px >= p.x && px <= p.x + this.size && py >= p.y && py <= p.y + this.size) return { l, i };
      }
    }
    return null;
  }

  edgeAt(px, py) {
    let best = null;
    let dist = 36; // within 6 px
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
    return best;
  }

  edgeName(e) {
    const s = this.spec;
    const from = e.l === 0 ? (s.inputs || [])[e.i] || `input ${e.i}` : `layer ${e.l} neuron ${e.i + 1}`;
    const to = e.l + 1 === this.pos.length - 1 ? `output ${(s.outputs || [])[e.j] || e.j}` : `layer ${e.l + 1} neuron ${e.j + 1}`;
    return `${from} → ${to}`;
  }

  hover(px, py) {
    if (!this.pos) return '';
    const s = this.spec;
    const neuron = this.neuronAt(px, py);
    if (neuron) {
      const { l, i } = neuron;
      const where = this.setFocus(l, i) ? 'shown below' : 'painted on the plane';
      if (l === 0) return `input ${s.inputs ? s.inputs[i] : i}\nits value over the plane is ${where}`;
      const what = l === this.pos.length - 1 ? `output ${(s.outputs || [])[i] || i}` : `layer ${l}, neuron ${i + 1}`;
      return `${what}${s.acts && s.acts[l - 1] ? ' (' + s.acts[l - 1] + ')' : ''}\nits output over the plane is ${where}`;
    }
    this.setFocus(null);
    const edge = this.edgeAt(px, py);
    if (!edge) return '';
    return `weight ${fmt(edge.w)}\n${this.edgeName(edge)}${s.editable ? '\nclick to type a new one' : ''}`;
  }

  // a click (or tap) on an edge opens a box to type its weight; Enter sends it, Escape or a click away drops it
  clicked(e) {
    const r = this.canvas.getBoundingClientRect();
    const edge = this.neuronAt(e.clientX - r.left, e.clientY - r.top) ? null : this.edgeAt(e.clientX - r.left, e.clientY - r.top);
    if (!edge) return;
    this.closeEditor();
    const box = (this.editor = document.createElement('label'));
    box.className = 'bl-edit';
    const input = document.createElement('input');
    input.type = 'number';
    input.step = 'any';
    input.value = String(Number(edge.w.toPrecision(4)));
    input.setAttribute('aria-label', `weight ${this.edgeName(edge)}`);
    box.append(`${this.edgeName(edge)}: w =`, input);
    box.style.left = `${Math.max(0, Math.min(this.w - 230, e.clientX - r.left - 60))}px`;
    box.style.top = `${this.canvas.offsetTop + e.clientY - r.top + 10}px`;
    this.el.append(box);
    this.view.hideTip(); // the box says which edge
    this.editing = edge;
    this.render();
    input.focus();
    input.select();
    input.onkeydown = (k) => {
      if (k.key === 'Enter' && Number.isFinite(input.valueAsNumber)) {
        this.view.command('weight', { layer: edge.l, i: edge.i, j: edge.j, value: input.valueAsNumber });
        this.closeEditor();
      } else if (k.key === 'Escape') this.closeEditor();
    };
    input.onblur = () => this.closeEditor();
  }

  closeEditor() {
    const box = this.editor;
    if (!box) return;
    this.editor = this.editing = null;
    box.remove();
    this.render();
  }

  destroy() {
    this.closeEditor();
    super.destroy();
  }

  // true where the neuron's output shows below the diagram (the plane is out of sight), not on the plane
  setFocus(l, i) {
    const id = l == null ? null : `${l}:${i}`;
    if (id === this.focusId) return !this.inset.hidden;
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
    this.showInset(map, l, i);
    this.render();
    return !this.inset.hidden;
  }

  showInset(map, l, i) {
    const plane = this.view.plane;
    const r = plane && plane.el.getBoundingClientRect();
    const inSight = r && r.top >= -r.height * 0.25 && r.bottom <= innerHeight + r.height * 0.25;
    this.inset.hidden = !map || !plane || inSight;
    if (this.inset.hidden) return;
    const c = this.inset.firstChild;
    const side = Math.round(Math.min(220, this.w * 0.6));
    const dpr = window.devicePixelRatio || 1;
    c.style.width = c.style.height = `${side}px`;
    c.width = c.height = Math.round(side * dpr);
    plane.drawInto(c.getContext('2d'), c.width, c.height);
    const name = l === 0 ? `input ${(this.spec.inputs || [])[i] || i}` :
      l === this.pos.length - 1 ? `output ${(this.spec.outputs || [])[i] || i}` : `layer ${l}, neuron ${i + 1}`;
    this.inset.lastChild.textContent = `${name}: its output over the plane (purple negative, teal positive), ` +
      "with the data's points";
  }

  leave() {
    super.leave();
    this.inset.hidden = true;
  }
}
