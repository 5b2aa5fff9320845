// A confusion matrix: true class on rows, predicted on columns, counts written in the cells: grey
// where the model is right, red where it is wrong.
import { Panel } from './panel.js';
import { RIGHT, WRONG, css, mix } from './palette.js';

export class MatrixPanel extends Panel {
  constructor(spec, view) {
    super(spec, view);
    this.legend([['right', css(RIGHT)], ['wrong', css(WRONG)], 'deeper: a larger share of the row']);
  }

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
        const color = r === c ? RIGHT : WRONG;
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
