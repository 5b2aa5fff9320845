// The live canvas: run controls, the request loop and playback of the snapshots each frame carries.
//
// Protocol (see ui/live/harness.py): the view sends commands {do, id, have} as the trigger "cmd";
// Streamlit reruns the page's live fragment, which answers with a frame carrying `ack` = the id it
// acted on. While playing, the next "tick" goes out only after the last one was answered, when the
// answer says the next is due (`ask_in`, LEAD_MS sooner), so a slow server gets fewer requests, never
// a pile of them.
// A command sent again keeps its id, and says which answer the canvas had (`seen`): the server acts
// on a command once, and keeps the pace itself whatever a browser asks.
import { unpack } from './frame.js';
import { makePanel } from './panels/index.js';

const STYLE = new URL('./live.css', import.meta.url).href;
const RETRY_MS = 4000; // an unanswered command is sent again (a page rerun can swallow a trigger)
// The next tick goes out this much before it is due and waits at the server for its turn (the server
// keeps the pace). Sent `interval` after the last, it drifted past its turn now and then on a busy
// server, and a tick that comes after its turn waits for the next beat (ui/live/pacing.py).
const LEAD_MS = 200;
const RESTARTED = 'The server restarted and this run was lost. Press ▶ Play to train again from fresh weights.';
// the server process (frame.boot) that last answered each canvas; module state outlives a remount
const servers = new Map();
const views = new Set(); // the canvases on the page: the first one shown answers the keyboard
const EDITS = new Set(['weight', 'point', 'clear', 'layers']); // hands on the model: sent as they are
const STOPS = new Set(['info', 'error']); // a status that stops playing (a notice is said, training goes on)

// where a key is typed or means something of its own, the shortcuts stay out of its way
const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"], ' +
  '[role="combobox"], [role="slider"], [role="spinbutton"], [role="listbox"], [role="option"], [role="radio"], ' +
  '[role="checkbox"], [role="switch"], [role="tab"], [role="menuitem"]';
const OWN_KEYS = 'button, a[href], summary, [role="button"]';
const typing = (el) => !!(el && el.closest && (el.isContentEditable || el.closest(TYPING)));

export function mount(component) {
  const host = component.parentElement;
  let view = host.__backpropLive;
  if (!view) view = host.__backpropLive = new LiveView(host);
  view.canvasKey = component.key;
  view.send = component.setTriggerValue;
  const data = component.data;
  view.inbox = view.inbox
    .then(() => unpack(data))
    .then((frame) => frame && view.receive(frame))
    .catch(console.error); // one bad frame must not stop the ones after it
}

class LiveView {
  constructor(host) {
    this.host = host;
    this.playing = false;
    this.projector = false;
    this.zoom = 1;
    this.lastId = 0;
    this.seen = 0; // the ack of the last frame: a command sent before its answer came is a resend
    this.pending = 0; // id of the command awaiting its answer
    this.outbox = []; // edits waiting for it: a trigger sent before the last was taken would replace it
    this.sentAt = 0;
    this.series = null;
    this.layoutKey = '';
    this.panels = new Map();
    this.curves = {}; // panel id -> {x: [], y: {name: []}}
    this.queue = []; // snapshots waiting for their time
    this.shown = null; // id of the snapshot painted last: Pause and Step keep its model (the server trained past it)
    this.paints = 0;
    this.inbox = Promise.resolve(); // frames are unpacked in the order they came
    this.build();
    this.loop = this.loop.bind(this);
    requestAnimationFrame(this.loop);
    // the keyboard works from page load, wherever the focus is (a click on a plot leaves it on the
    // body): listened to on the window, ahead of Streamlit's own "r" (rerun), for as long as the canvas lives
    this.onKey = (e) => this.key(e);
    this.onTap = (e) => { // a tap off the panels (the canvases answer their own taps)
      const at = e.composedPath()[0];
      if (this.touched && !(at instanceof HTMLCanvasElement && this.root.contains(at))) this.untap();
    };
    window.addEventListener('keydown', this.onKey, true);
    document.addEventListener('pointerdown', this.onTap, true);
    views.add(this);
  }

  dispose() {
    window.removeEventListener('keydown', this.onKey, true);
    document.removeEventListener('pointerdown', this.onTap, true);
    views.delete(this);
  }

  // of several canvases on a page (a hidden tab's, a stale one), the first one shown takes the keys
  answersKeys() {
    const shown = [...views].filter((v) => v.host.isConnected && v.root.getClientRects().length);
    const top = (v) => v.root.getBoundingClientRect().top; // page order (each canvas is in its own shadow tree)
    shown.sort((a, b) => top(a) - top(b));
    return shown[0] === this;
  }

  build() {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLE;
    const root = (this.root = document.createElement('div'));
    root.className = 'bl-live';
    root.setAttribute('data-testid', 'live-view');
    root.innerHTML = `
      <div class="bl-bar" role="toolbar" aria-label="training controls">
        <button type="button" class="bl-play" aria-pressed="false"
          title="Play or pause training (keyboard: space or k)">▶ Play</button>
        <button type="button" class="bl-step" title="Train one step, then stop (keyboard: s or →)">⏭ Step</button>
        <button type="button" class="bl-reset" title="Start again from fresh weights, same seed (keyboard: r)">↺ Reset</button>
        <button type="button" class="bl-projector-toggle" aria-pressed="false"
          title="The live view full-window with large type, for a projector (keyboard: f; Esc leaves)">⛶ Projector</button>
        <span class="bl-status" role="status" aria-live="polite"></span>
      </div>
      <div class="bl-metrics"></div>
      <div class="bl-rows"></div>
      <div class="bl-tip" role="tooltip" hidden></div>`;
    this.host.append(link, root);
    this.playButton = root.querySelector('.bl-play');
    this.statusEl = root.querySelector('.bl-status');
    this.metricsBox = root.querySelector('.bl-metrics');
    this.rows = root.querySelector('.bl-rows');
    this.tip = root.querySelector('.bl-tip');
    this.playButton.onclick = () => this.setPlaying(!this.playing);
    root.querySelector('.bl-step').onclick = () => this.command('step');
    root.querySelector('.bl-reset').onclick = () => this.command('reset');
    this.projectorButton = root.querySelector('.bl-projector-toggle');
    this.projectorButton.onclick = () => this.askProjector(!this.projector);
  }

  // The projector view is a setting of the page (the URL's `projector=1`, ui/settings/view.py): the canvas
  // asks the page for it and follows the address, so a link opens in it and the sidebar's toggle agrees.
  askProjector(on) {
    if (this.send) this.send('view', { projector: on });
  }

  followAddress() {
    if (window.location.search === this.search) return;
    this.search = window.location.search;
    const on = new URLSearchParams(this.search).get('projector') === '1';
    if (on === this.projector) return;
    this.projector = on;
    this.root.classList.toggle('bl-projector', on);
    this.projectorButton.textContent = on ? '✕ Leave projector' : '⛶ Projector';
    this.projectorButton.setAttribute('aria-pressed', String(on));
    // type and pictures grow with the screen: a 1920-pixel projector shows the view as 1280 pixels would
    this.zoom = on ? Math.min(2, Math.max(1, window.innerWidth / 1280)) : 1;
    this.root.style.zoom = on ? String(this.zoom) : '';
    for (const panel of this.panels.values()) panel.resize();
  }

  key(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !this.answersKeys()) return;
    const target = e.composedPath()[0] || e.target; // inside the canvas's shadow root, too
    if (typing(target)) return;
    // a focused button (ours or Streamlit's) takes space itself; Streamlit's take the other keys too
    const own = target.closest && target.closest(OWN_KEYS);
    if (own && (e.key === ' ' || !this.root.contains(own))) return;
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (k === ' ' || k === 'k') {
      if (!e.repeat) this.setPlaying(!this.playing);
    } else if (k === 's' || k === 'ArrowRight') this.command('step');
    else if (k === 'r') this.command('reset');
    else if (k === 'f' || (k === 'Escape' && this.projector)) this.askProjector(!this.projector);
    else return;
    e.preventDefault(); // no page scroll on space
    e.stopPropagation(); // and no Streamlit rerun on r
  }

  // `tell`: the learner clicked, so the server is told, and a pause is still at once (pictures not
  // shown yet are dropped); when the server stops (budget, divergence) its last pictures play out
  setPlaying(on, tell = true) {
    this.playing = on;
    this.playButton.textContent = on ? '⏸ Pause' : '▶ Play';
    this.playButton.setAttribute('aria-pressed', String(on));
    this.root.classList.toggle('bl-is-playing', on);
    clearTimeout(this.next);
    if (!on && tell) this.queue = [];
    if (tell) this.command(on ? 'play' : 'pause');
  }

  // `arg`: an edit's details (ui/live/protocol.py: Weight, Point, Hidden); a command sent again keeps
  // its id, so the server, which acts on an id once, never adds a point twice nor trains an epoch twice
  command(what, arg, again = 0) {
    if (what === 'step' || what === 'reset') this.setPlaying(false, false);
    if (!this.send || !this.host.isConnected) return;
    if (EDITS.has(what) && this.pending && !again) return this.outbox.push([what, arg]); // (clicks come fast)
    this.restarted = false;
    this.pending = again || ++this.lastId;
    this.sentAt = performance.now();
    const have = { series: this.series, curves: {} };
    for (const [id, c] of Object.entries(this.curves)) have.curves[id] = c.x.length;
    this.send('cmd', { do: what, id: this.pending, seen: this.seen, have, arg, shown: this.shown });
    clearTimeout(this.retry);
    const id = this.pending;
    this.retry = setTimeout(() => {
      if (this.pending !== id) return;
      const again = EDITS.has(what) ? what : this.playing ? 'tick' : what === 'tick' ? 'pause' : what;
      this.command(again, arg, id);
    }, RETRY_MS);
  }

  receive(frame) {
    this.frames = (this.frames || 0) + 1;
    this.root.dataset.frames = String(this.frames); // for tests and bench/live.py
    const before = servers.get(this.canvasKey);
    servers.set(this.canvasKey, frame.boot);
    if (before && frame.boot !== before) this.serverRestarted();
    if (frame.layout) this.setLayout(frame.layout);
    if (frame.series !== this.series) {
      this.series = frame.series;
      this.curves = {};
      this.queue = [];
    }
    // the answer to a command sent before the learner paused or stepped (a tick that trained on past
    // the picture on screen) changes nothing on screen: the answer to the Pause brings the server back
    // to that picture, and the picture stays as it was meanwhile
    const overtaken = !this.playing && this.pending && (frame.ack || 0) < this.pending;
    if (!overtaken) this.mergeCurves(frame.curves || {});
    const status = frame.status || {};
    this.seen = Math.max(this.seen, frame.ack || 0);
    const answered = this.pending && frame.ack >= this.pending;
    if (answered) {
      this.pending = 0;
      clearTimeout(this.retry);
    }
    const snaps = frame.snaps || [];
    if (!this.playing) {
      if (snaps.length && !overtaken) this.queue = [{ due: 0, snap: snaps[snaps.length - 1] }];
    } else {
      const spacing = (1000 * (frame.interval || 0.2)) / Math.max(1, snaps.length);
      const now = performance.now();
      const last = this.queue.length ? this.queue[this.queue.length - 1].due : now - spacing;
      let due = Math.max(now, last + spacing);
      if (due - now > 1000 * (frame.interval || 0.2)) { // fell behind: skip to the new pictures
        this.queue = [];
        due = now;
      }
      for (const snap of snaps) {
        this.queue.push({ due, snap });
        due += spacing;
      }
    }
    // A stop (budget reached, divergence) is said with the last picture, the one it speaks of: said at
    // once, it stood beside the pictures still playing out (epoch 9.81 and "reached the budget (10)").
    const stops = this.playing && STOPS.has(status.kind) && this.queue.length && !this.restarted;
    if (stops) this.queue[this.queue.length - 1].status = status;
    else if (!overtaken || this.restarted) this.showStatus(this.restarted ? { kind: 'info', text: RESTARTED } : status);
    if (answered && this.playing) {
      if (STOPS.has(status.kind)) this.setPlaying(false, false);
      else {
        // when the server says the next is due (the answer to an edit made while playing says
        // nothing: `interval` after the last request went out): the answer arrives as these
        // pictures run out
        const wait = frame.ask_in != null ? Math.max(0, 1000 * frame.ask_in - LEAD_MS)
          : Math.max(0, this.sentAt + 1000 * (frame.interval || 0.2) - performance.now());
        clearTimeout(this.next);
        this.next = setTimeout(() => this.playing && !this.pending && this.command('tick'), wait);
      }
    } else if (answered && !frame.playing && this.playing) this.setPlaying(false, false);
    if (answered && this.outbox.length && !this.pending) {
      clearTimeout(this.next); // the next tick follows the edits
      this.command(...this.outbox.shift());
    }
  }

  // Frames from another server process: this one restarted, or died and the load balancer moved
  // the learner.  The run it held is gone: stop and say so, rather than play a fresh model as if
  // nothing happened (the new process would take the next tick for a first Play).
  serverRestarted() {
    this.setPlaying(false, false);
    this.queue = [];
    this.pending = 0;
    this.outbox = []; // edits of a model that is gone
    clearTimeout(this.retry);
    this.series = null; // the curves start afresh
    this.restarted = true;
    this.root.dataset.restarts = String(Number(this.root.dataset.restarts || 0) + 1);
  }

  mergeCurves(updates) {
    for (const [id, update] of Object.entries(updates)) {
      const c = this.curves[id] && update.start > 0 ? this.curves[id] : (this.curves[id] = { x: [], y: {} });
      c.x.length = Math.min(c.x.length, update.start);
      c.x.push(...update.x);
      for (const [name, ys] of Object.entries(update.y)) {
        const arr = c.y[name] || (c.y[name] = []);
        arr.length = Math.min(arr.length, update.start);
        arr.push(...ys);
      }
    }
  }

  setLayout(layout) {
    const key = JSON.stringify(layout, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v.slice(0, 64)) : v));
    if (key === this.layoutKey) return;
    this.layoutKey = key;
    for (const panel of this.panels.values()) panel.destroy();
    this.panels.clear();
    this.touched = null;
    this.rows.textContent = '';
    const metrics = layout.metrics || [];
    this.metricsBox.textContent = '';
    this.metricEls = {};
    for (const label of metrics) {
      const box = document.createElement('div');
      box.className = 'bl-metric';
      box.innerHTML = '<div class="bl-metric-label"></div><div class="bl-metric-value">–</div>';
      box.firstChild.textContent = label;
      this.metricsBox.append(box);
      this.metricEls[label] = box.lastChild;
    }
    this.progress = null;
    if (layout.progress) {
      const bar = document.createElement('div');
      bar.className = 'bl-progress';
      bar.innerHTML = '<div></div>';
      this.metricsBox.append(bar);
      this.progress = bar.firstChild;
    }
    const specs = Object.fromEntries((layout.panels || []).map((spec) => [spec.id, spec]));
    // a row holds panels side by side; an inner list is a column of panels stacked
    const place = (id, parent) => {
      if (!specs[id]) return;
      const panel = makePanel(specs[id], this);
      parent.append(panel.el);
      this.panels.set(id, panel);
    };
    for (const row of layout.rows || [(layout.panels || []).map((spec) => spec.id)]) {
      const rowEl = document.createElement('div');
      rowEl.className = 'bl-row';
      this.rows.append(rowEl);
      for (const item of row) {
        if (!Array.isArray(item)) {
          place(item, rowEl);
          continue;
        }
        if (!item.length) continue;
        const col = document.createElement('div');
        const spec = specs[item[0]] || {}; // the first panel's width is the column's
        col.className = 'bl-col';
        col.style.flex = `${spec.w || 1} 1 ${spec.min || 260}px`;
        rowEl.append(col);
        for (const id of item) place(id, col);
      }
    }
  }

  showStatus(status) {
    this.statusEl.textContent = status.text || '';
    this.statusEl.className = `bl-status bl-${status.kind || 'ok'}`;
  }

  loop(now) {
    if (!this.host.isConnected) return this.dispose(); // the page went away: stop painting and listening
    this.followAddress();
    let shown = null;
    while (this.queue.length && this.queue[0].due <= now) shown = this.queue.shift();
    if (shown) this.paint(shown.snap);
    if (shown && shown.status) this.showStatus(shown.status);
    requestAnimationFrame(this.loop);
  }

  paint(snap) {
    // numbers that change 20 times a second cannot be read: text (and the layout it costs) 8 times
    clearTimeout(this.metricsLater);
    if (performance.now() - (this.metricsAt || 0) >= 125 || !this.playing) this.showMetrics(snap);
    else this.metricsLater = setTimeout(() => this.showMetrics(snap), 130); // a burst's last still shows
    for (const [id, panel] of this.panels) {
      const data = (snap.panels || {})[id];
      const curve = this.curves[id];
      const n = (snap.n || {})[id];
      panel.update(data, curve, n);
    }
    if (snap.id != null) this.shown = snap.id;
    this.paints += 1;
    this.root.dataset.paints = String(this.paints);
    this.root.dataset.shown = String(this.shown); // for tests
  }

  showMetrics(snap) {
    this.metricsAt = performance.now();
    for (const [label, value] of Object.entries(snap.metrics || {})) {
      const el = this.metricEls && this.metricEls[label];
      if (el && el.textContent !== value) el.textContent = value;
    }
    if (this.progress && snap.progress != null) {
      this.progress.style.width = `${Math.round(100 * Math.min(1, Math.max(0, snap.progress)))}%`;
    }
  }

  // tooltips shared by the panels
  showTip(text, clientX, clientY) {
    if (!text) return this.hideTip();
    const box = this.root.getBoundingClientRect();
    this.tip.textContent = text;
    this.tip.hidden = false;
    const w = this.tip.offsetWidth;
    const x = Math.min(clientX - box.left + 14, box.width - w - 4);
    this.tip.style.left = `${Math.max(0, x)}px`;
    // below the pointer, or above it when a tall tip (a convolution's arithmetic) would leave the window
    const below = clientY + 14 + this.tip.offsetHeight <= window.innerHeight;
    this.tip.style.top = `${below ? clientY - box.top + 14 : Math.max(-box.top, clientY - box.top - this.tip.offsetHeight - 14)}px`;
  }

  hideTip() {
    this.tip.hidden = true;
  }

  // a finger on a panel: what hovering there shows stays until a tap elsewhere
  tapped(panel, e) {
    if (this.touched && this.touched !== panel) this.touched.leave();
    this.touched = panel;
    panel.pointer(e);
  }

  untap() {
    this.touched.leave();
    this.touched = null;
  }

  // the panel that shows another's picture for a moment (hover a neuron: the plane shows its output)
  get plane() {
    for (const panel of this.panels.values()) if (panel.showOverride) return panel;
    return null;
  }

  focus(grid) {
    if (this.plane) this.plane.showOverride(grid);
  }
}

