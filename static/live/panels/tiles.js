// Small images in a grid: first-layer weights seen as pictures (by sign), misclassified digits.
import { Panel } from './panel.js';
import { NEGATIVE, POSITIVE, css, sequentialLut, signLut } from './palette.js';
import { gridImage } from './draw.js';
import { explain } from './arith.js';

export class TilesPanel extends Panel {
  constructor(spec, view) {
    super(spec, view);
    if (spec.diverging) this.legend([['negative', css(NEGATIVE)], ['positive', css(POSITIVE)], 'weight']);
  }

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
      this.lut = s.diverging ? signLut(t.bg) : sequentialLut([255, 255, 255], [0, 0, 0]);
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
    const cells = this.cells || [];
    const k = cells.findIndex((c) => px >= c.x && px <= c.x + c.w && py >= c.y && py <= c.y + c.h);
    if (k < 0) return '';
    return this.arithmetic(k, px - cells[k].x, py - cells[k].y) || cells[k].text;
  }

  // a feature map's pixel under the pointer: how the network computed it (panels/arith.js)
  arithmetic(k, dx, dy) {
    if (!this.spec.arith || !this.data) return '';
    const [h, w] = this.spec.tile;
    const cell = this.cells[k];
    const r = Math.min(h - 1, Math.floor((dy / cell.h) * h));
    const c = Math.min(w - 1, Math.floor((dx / cell.w) * w));
    const own = { values: this.data.values, weights: this.data.weights, bias: this.data.bias };
    return explain(this.spec.arith, own, this.view.panels, k, r, c);
  }
}
