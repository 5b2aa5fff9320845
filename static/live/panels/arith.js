// The arithmetic behind one pixel of a feature map (a tiles panel with an `arith` spec), from the exact
// values the snapshots carry: a convolution's window on the maps before it times its kernel, plus its
// bias, then ReLU; or a pooling window and which value won. The sums are the engine's, re-added here only
// to show them: the panel's own value (the engine's) is shown beside.
const num = (v) => (v < 0 ? '−' : '\u2007') + Math.abs(v).toFixed(3); // a figure space: columns line up

function at(maps, ch, r, c) {
  const [, h, w] = maps.shape;
  return r < 0 || c < 0 || r >= h || c >= w ? 0 : maps[(ch * h + r) * w + c]; // outside: the zero padding
}

function grid(n, cell) {
  const rows = [];
  for (let u = 0; u < n; u++) rows.push(Array.from({ length: n }, (_, v) => num(cell(u, v))).join(' '));
  return rows.join('\n');
}

// a: the panel's Arith spec; own: its snapshot's values, weights and bias; panels: the view's, by id;
// map k, row r, column c: the pixel pointed at. '' while a snapshot lacks what it needs.
export function explain(a, own, panels, k, r, c) {
  const { values, weights, bias } = own;
  const source = panels.get(a.source);
  const src = source && source.data && source.data.values;
  if (!values || !src || (a.op === 'conv' && !(weights && bias))) return '';
  const [, h, w] = values.shape;
  const value = values[(k * h + r) * w + c];
  const r0 = r * a.stride - a.pad;
  const c0 = c * a.stride - a.pad;
  const n = a.size;
  const where = `rows ${r0} to ${r0 + n - 1}, columns ${c0} to ${c0 + n - 1}`;
  const head = `map ${k + 1}, row ${r}, column ${c}: ${num(value).trim()}`;
  if (a.op === 'pool') {
    const cell = (u, v) => at(src, k, r0 + u, c0 + v);
    let best = [0, 0];
    for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) if (cell(u, v) > cell(...best)) best = [u, v];
    let total = 0;
    for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) total += cell(u, v);
    const how = a.mode === 'max'
      ? `the largest, at row ${r0 + best[0]}, column ${c0 + best[1]}, won: ${num(cell(...best)).trim()}`
      : `their mean: ${num(total).trim()} / ${n * n} = ${num(total / (n * n)).trim()}`;
    return `${head}\n${a.mode} of its ${n} x ${n} window on map ${k + 1} before (${where}):\n${grid(n, cell)}\n${how}`;
  }
  const depth = src.shape[0];
  const kernel = (ch, u, v) => weights[((k * depth + ch) * n + u) * n + v];
  const window = (ch, u, v) => at(src, ch, r0 + u, c0 + v);
  const sums = [];
  for (let ch = 0; ch < depth; ch++) {
    let s = 0;
    for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) s += window(ch, u, v) * kernel(ch, u, v);
    sums.push(s);
  }
  const total = sums.reduce((x, y) => x + y, 0);
  const lines = [head, `its ${n} x ${n} window (${where}) on ${depth === 1 ? 'the digit' : `each of the ${depth} maps before`}`];
  if (depth === 1) {
    lines.push(grid(n, (u, v) => window(0, u, v)), `× kernel ${k + 1}:`, grid(n, (u, v) => kernel(0, u, v)),
      '= products:', grid(n, (u, v) => window(0, u, v) * kernel(0, u, v)));
    lines.push(`sum of the ${n * n} products: ${num(total).trim()}`);
  } else {
    lines.push(`times kernel ${k + 1}'s slice for it, the ${n * n} products summed:`);
    sums.forEach((s, ch) => lines.push(`  map ${ch + 1}: ${num(s)}`));
    lines.push(`sum of the ${depth * n * n} products: ${num(total).trim()}`);
  }
  const z = total + bias[k];
  lines.push(`+ bias ${num(bias[k]).trim()} = ${num(z).trim()}`, `ReLU: ${num(Math.max(0, z)).trim()}`);
  lines.push(`the network computed ${num(value).trim()}`);
  return lines.join('\n');
}
