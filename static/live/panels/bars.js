// One bar per class (a network's output for one example); the largest is drawn in blue.
import { Panel } from './panel.js';
import { BLUE, css } from './palette.js';
import { ticks } from './draw.js';

export class BarsPanel extends Panel {
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
