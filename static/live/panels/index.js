// Panels of the live canvas, one module per type. Each draws on its own <canvas>, redraws on resize,
// and answers hover with a tooltip text. Layouts come from LiveTask.layout() in Python (the spec of
// each panel); updates from its snapshots.
import { BarsPanel } from './bars.js';
import { CurvesPanel } from './curves.js';
import { FieldPanel } from './field.js';
import { MatrixPanel } from './matrix.js';
import { NetworkPanel } from './network.js';
import { TilesPanel } from './tiles.js';

const PANELS = {
  field: FieldPanel, curves: CurvesPanel, network: NetworkPanel, tiles: TilesPanel, matrix: MatrixPanel, bars: BarsPanel,
};

export function makePanel(spec, view) {
  const Kind = PANELS[spec.type];
  if (!Kind) throw new Error(`unknown panel type ${spec.type}`);
  return new Kind(spec, view);
}
