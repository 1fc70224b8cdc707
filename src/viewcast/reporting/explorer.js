// viewcast's explorers: gradient descent, sigmoids and batches, live, on the lecture's real
// training days (written by hand: they are the lesson). Computing is kept apart from drawing:
// `viewcast.descend` and `viewcast.fitPieces` are pure functions of plain objects, which the
// page and the tests both call. The data sit in the JSON element #viewcast-data (reporting/explorer.py).
"use strict";

const viewcast = (() => {
  // -- computing --------------------------------------------------------------------------

  function scaler(y) {
    let sum = 0;
    for (const v of y) sum += v;
    const mean = sum / y.length;
    let squares = 0;
    for (const v of y) squares += (v - mean) ** 2;
    const sd = Math.sqrt(squares / y.length);
    return { mean, scale: sd > 0 ? sd : 1 };
  }

  function mulberry32(seed) { // a small seeded generator: the batches' shuffles, the same on every visit
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffled(n, random) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  // Gradient descent on y = b + w x₁, as surface.descend: standardized views, the loss and its
  // gradient by hand (MSE: L' = mean(-2e·x), MAE: mean(-sign(e)·x)), the path in views.
  // state: {start: [w⁰, b⁰], lr, updates, loss: "mae"|"mse", momentum, batch (0: all), seed}
  function descend(data, state) {
    const sc = scaler(data.y), n = data.y.length;
    const X = data.x.map((v) => (v - sc.mean) / sc.scale), Y = data.y.map((v) => (v - sc.mean) / sc.scale);
    const [w0, b0] = state.start;
    let w = w0, b = (b0 - sc.mean * (1 - w0)) / sc.scale, mw = 0, mb = 0;
    const batch = state.batch > 0 && state.batch < n ? state.batch : n, random = mulberry32(state.seed || 0);
    const unit = state.loss === "mae" ? sc.scale : sc.scale ** 2;
    const wholeLoss = () => {
      let s = 0;
      for (let i = 0; i < n; i++) { const e = Y[i] - (b + w * X[i]); s += state.loss === "mae" ? Math.abs(e) : e * e; }
      return (s / n) * unit;
    };
    const path = { updates: [0], w: [w], b: [sc.mean * (1 - w) + sc.scale * b], loss: [wholeLoss()], diverged: null };
    const limit = path.loss[0] > 0 ? data.exploded * path.loss[0] : Infinity;
    let order = batch === n ? null : shuffled(n, random), position = 0;
    for (let update = 1; update <= state.updates; update++) {
      if (order !== null && position >= n) { order = shuffled(n, random); position = 0; }
      const m = order === null ? n : Math.min(batch, n - position), inv = 1 / m;
      let gw = 0, gb = 0;
      for (let k = 0; k < m; k++) {
        const i = order === null ? k : order[position + k];
        const e = Y[i] - (b + w * X[i]);
        const ge = state.loss === "mae" ? inv * Math.sign(e) : inv * (2 * e); // dL/de
        gb -= ge;
        gw -= ge * X[i];
      }
      position += batch;
      mw = state.momentum * mw - state.lr * gw;
      mb = state.momentum * mb - state.lr * gb;
      w += mw;
      b += mb;
      path.updates.push(update); path.w.push(w); path.b.push(sc.mean * (1 - w) + sc.scale * b); path.loss.push(wholeLoss());
      const last = path.loss[path.loss.length - 1];
      if (!Number.isFinite(last) || last > limit) { path.diverged = update; break; }
    }
    return path;
  }

  // The lecture's pieces: a sigmoid, a hard sigmoid (flat, a ramp, flat) or a ReLU of (t - center) / width.
  const PIECES = {
    sigmoid: (z) => 1 / (1 + Math.exp(-z)),
    hard: (z) => Math.min(1, Math.max(0, z + 0.5)),
    relu: (z) => Math.max(0, z),
  };

  function pieceValues(piece, t) {
    return t.map((v) => PIECES[piece.kind]((v - piece.center) / piece.width));
  }

  // y ≈ b + Σ cᵢ pieceᵢ(t): b and every cᵢ by least squares (Householder QR of the columns [1, piece₁, ...]).
  function fitPieces(t, y, pieces) {
    const columns = [t.map(() => 1), ...pieces.map((p) => pieceValues(p, t))];
    const coef = leastSquares(columns, y);
    return { b: coef[0], c: coef.slice(1), mse: mse(curve(t, pieces, coef[0], coef.slice(1)), y) };
  }

  function curve(t, pieces, b, c) {
    const out = t.map(() => b);
    pieces.forEach((p, j) => pieceValues(p, t).forEach((v, i) => { out[i] += c[j] * v; }));
    return out;
  }

  function mse(a, y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (y[i] - a[i]) ** 2;
    return s / y.length;
  }

  function leastSquares(columns, y) { // min ‖y - A c‖ for A given by its columns; a column of zeros gets c = 0
    const k = columns.length, n = y.length, A = columns.map((col) => col.slice()), r = y.slice();
    const used = [];
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < j; i++) A[j] = reflect(A[j], used[i]);
      let norm = 0;
      for (let i = j; i < n; i++) norm += A[j][i] ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) { used.push(null); continue; }
      const v = A[j].map((value, i) => (i < j ? 0 : value));
      v[j] += v[j] >= 0 ? norm : -norm;
      let vv = 0;
      for (let i = j; i < n; i++) vv += v[i] ** 2;
      used.push({ v, vv });
      A[j] = reflect(A[j], used[j]);
    }
    let z = r;
    for (let j = 0; j < k; j++) z = reflect(z, used[j]);
    const coef = new Array(k).fill(0);
    for (let j = k - 1; j >= 0; j--) {
      if (used[j] === null || Math.abs(A[j][j]) < 1e-12 * Math.abs(A[0][0] || 1)) continue;
      let s = z[j];
      for (let m = j + 1; m < k; m++) s -= A[m][j] * coef[m];
      coef[j] = s / A[j][j];
    }
    return coef;
  }

  function reflect(a, h) { // (I - 2 v vᵀ / vᵀv) a
    if (h === null) return a;
    let dot = 0;
    for (let i = 0; i < a.length; i++) dot += h.v[i] * a[i];
    const f = (2 * dot) / h.vv;
    return a.map((value, i) => value - f * h.v[i]);
  }

  function lossGrid(data, ws, bs, loss) { // L(w, b) on the grid: rows by b, columns by w
    const n = data.y.length;
    return bs.map((b) => ws.map((w) => {
      let s = 0;
      for (let i = 0; i < n; i++) { const e = data.y[i] - (b + w * data.x[i]); s += loss === "mae" ? Math.abs(e) : e * e; }
      return s / n;
    }));
  }

  // -- drawing ----------------------------------------------------------------------------

  function frame(canvas, xs, ys, pad = 36, top = 8) { // data → pixels over the canvas, margins for the ticks (and a title)
    const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, right = 18;
    const [x0, x1] = xs, [y0, y1] = ys, width = W - pad - right, height = H - pad - top;
    return {
      ctx, W, H, pad,
      px: (x) => pad + ((x - x0) / (x1 - x0)) * width,
      py: (y) => top + height - ((y - y0) / (y1 - y0)) * height,
      x: (px) => x0 + ((px - pad) / width) * (x1 - x0),
      y: (py) => y0 + ((top + height - py) / height) * (y1 - y0),
    };
  }

  function axes(f, xs, ys, xLabel, yLabel) {
    const { ctx } = f;
    ctx.fillStyle = "#333"; ctx.font = "11px system-ui, sans-serif"; ctx.strokeStyle = "#999";
    ctx.beginPath(); ctx.moveTo(f.px(xs[0]), f.py(ys[0])); ctx.lineTo(f.px(xs[1]), f.py(ys[0]));
    ctx.moveTo(f.px(xs[0]), f.py(ys[0])); ctx.lineTo(f.px(xs[0]), f.py(ys[1])); ctx.stroke();
    for (let k = 0; k <= 4; k++) {
      const x = xs[0] + (k / 4) * (xs[1] - xs[0]), y = ys[0] + (k / 4) * (ys[1] - ys[0]);
      ctx.textAlign = "center"; ctx.fillText(short(x), f.px(x), f.H - f.pad + 22);
      ctx.textAlign = "right"; ctx.fillText(short(y), f.pad - 3, f.py(y) + 4);
    }
    ctx.textAlign = "center"; ctx.fillText(xLabel, f.W / 2, f.H - 2);
    ctx.save(); ctx.translate(10, f.H / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(yLabel, 0, 0); ctx.restore();
  }

  function short(v) {
    const a = Math.abs(v);
    if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
    if (a >= 100 || Number.isInteger(v)) return v.toFixed(0);
    return a >= 1 ? v.toFixed(2) : v.toPrecision(2);
  }

  function line(f, xs, ys, color, width = 1.5) {
    const { ctx } = f;
    ctx.strokeStyle = color; ctx.lineWidth = width; ctx.beginPath();
    xs.forEach((x, i) => { if (Number.isFinite(ys[i])) (i ? ctx.lineTo(f.px(x), f.py(ys[i])) : ctx.moveTo(f.px(x), f.py(ys[i]))); });
    ctx.stroke(); ctx.lineWidth = 1;
  }

  function heat(f, grid, ws, bs) { // log-loss as shades of blue (dark: low)
    const flat = grid.flat().map(Math.log), lo = Math.min(...flat), hi = Math.max(...flat);
    const dw = (ws[1] - ws[0]) / 2, db = (bs[1] - bs[0]) / 2;
    grid.forEach((row, r) => row.forEach((value, c) => {
      const level = (Math.log(value) - lo) / (hi - lo || 1);
      f.ctx.fillStyle = `hsl(215, 60%, ${20 + 75 * level}%)`;
      const x = f.px(ws[c] - dw), y = f.py(bs[r] + db);
      f.ctx.fillRect(x, y, f.px(ws[c] + dw) - x + 1, f.py(bs[r] - db) - y + 1);
    }));
  }

  function say(data, key, fields) { // one of the page's sentences (explorer.words), its {fields} filled
    return data.words[key].replace(/\{(\w+)\}/g, (whole, name) => (name in fields ? String(fields[name]) : whole));
  }

  function every(values, most) { // at most `most` evenly spread values of a grid axis
    const step = Math.max(1, Math.ceil(values.length / most));
    return values.filter((_, i) => i % step === 0);
  }

  // -- the widgets ------------------------------------------------------------------------

  function descentExplorer(root, data) {
    const [surface, curveCanvas] = root.querySelectorAll("canvas");
    const control = (name) => root.querySelector(`[name=${name}]`);
    const ws = every(data.w, 90), bs = every(data.b, 90), grids = {};
    const state = { start: data.start.slice(), lr: 0.01, updates: 100, loss: "mse", momentum: 0, batch: 0, seed: 0 };
    let shown = 0, timer = null;
    function read() {
      state.loss = control("loss").value;
      state.lr = 10 ** Number(control("lr").value);
      state.updates = Number(control("updates").value);
      state.momentum = control("momentum").checked ? Number(control("lambda").value) : 0;
      root.querySelector(".lr").textContent = `η = ${state.lr.toPrecision(2)}`;
      root.querySelector(".lambda").textContent = `λ = ${Number(control("lambda").value).toFixed(2)}`;
      root.querySelector(".updates").textContent = say(data, "updates", { n: state.updates });
    }
    function draw(path) {
      grids[state.loss] = grids[state.loss] || lossGrid(data, ws, bs, state.loss);
      const f = frame(surface, [ws[0], ws[ws.length - 1]], [bs[0], bs[bs.length - 1]], 44);
      f.ctx.clearRect(0, 0, f.W, f.H);
      heat(f, grids[state.loss], ws, bs);
      axes(f, [ws[0], ws[ws.length - 1]], [bs[0], bs[bs.length - 1]], "w", "b");
      const upto = Math.min(shown, path.w.length);
      line(f, path.w.slice(0, upto), path.b.slice(0, upto), "#d33", 2);
      f.ctx.fillStyle = "#fff"; f.ctx.beginPath(); f.ctx.arc(f.px(state.start[0]), f.py(state.start[1]), 4, 0, 7); f.ctx.fill();
      const xs = [0, Math.max(1, path.updates[path.updates.length - 1])];
      const ys = [0, path.loss.filter(Number.isFinite).reduce((a, v) => Math.max(a, v), 1) * 1.05]; // a rising loss shows whole
      const g = frame(curveCanvas, xs, ys, 44);
      g.ctx.clearRect(0, 0, g.W, g.H);
      axes(g, xs, ys, data.words.update, data.words[state.loss]);
      line(g, path.updates.slice(0, upto), path.loss.slice(0, upto), "#d33");
      const last = path.loss[upto - 1];
      root.querySelector(".result").textContent = path.diverged && upto === path.w.length
        ? say(data, "exploded", { n: path.diverged })
        : say(data, "after", { n: path.updates[upto - 1], w: path.w[upto - 1].toFixed(3), b: path.b[upto - 1].toFixed(1), loss: short(last) });
    }
    function run() { // drawn as it is computed, a few updates a frame
      read();
      const path = descend(data, state);
      shown = 1;
      cancelAnimationFrame(timer);
      const step = () => { shown += Math.max(1, Math.ceil(path.w.length / 60)); draw(path); if (shown < path.w.length) timer = requestAnimationFrame(step); };
      step();
    }
    surface.addEventListener("click", (event) => {
      const box = surface.getBoundingClientRect(), f = frame(surface, [ws[0], ws[ws.length - 1]], [bs[0], bs[bs.length - 1]], 44);
      state.start = [f.x(((event.clientX - box.left) * surface.width) / box.width), f.y(((event.clientY - box.top) * surface.height) / box.height)];
      run();
    });
    root.querySelectorAll("input, select").forEach((input) => input.addEventListener("input", run));
    run();
    return { state, run };
  }

  function sigmoidBuilder(root, data) {
    const canvas = root.querySelector("canvas"), list = root.querySelector(".pieces");
    const t = data.day, y = data.y, t0 = t[0], t1 = t[t.length - 1], span = t1 - t0;
    const model = { b: y.reduce((a, v) => a + v, 0) / y.length, pieces: [], c: [] };
    function add(kind, center, width) { model.pieces.push({ kind, center, width }); model.c.push(0); }
    [0.25, 0.5, 0.75].forEach((q) => add("hard", t0 + q * span, span / 8));
    function fit() {
      const found = fitPieces(t, y, model.pieces);
      model.b = found.b; model.c = found.c;
      render();
    }
    function render() {
      const fitted = curve(t, model.pieces, model.b, model.c), lo = Math.min(...y, ...fitted), hi = Math.max(...y, ...fitted);
      const f = frame(canvas, [t0, t1], [lo, hi], 44);
      f.ctx.clearRect(0, 0, f.W, f.H);
      axes(f, [t0, t1], [lo, hi], data.words.day, data.words.views);
      line(f, t, y, "#999", 1);
      line(f, t, fitted, "#d33", 2);
      root.querySelector(".result").textContent = say(data, "fitted", { mse: short(mse(fitted, y)), b: short(model.b),
        c: model.c.map((c, j) => `c${j + 1} = ${short(c)}`).join(", ") });
      list.replaceChildren(...model.pieces.map((p, j) => pieceRow(p, j)));
    }
    function pieceRow(p, j) {
      const row = document.createElement("div");
      const w = data.words; // the page's own words (explorer.words), already escaped
      row.innerHTML = `<select>${w.pieces}</select>
        <label>${w.where} <input type="range" min="${t0}" max="${t1}" step="1" value="${p.center}"></label>
        <label>${w.wide} <input type="range" min="1" max="${span}" step="1" value="${p.width}"></label>
        <label>${w.height} <input type="range" min="${-2 * Math.max(...y)}" max="${2 * Math.max(...y)}" step="1" value="${model.c[j]}"></label>
        <button type="button">${w.remove}</button>`;
      const [kind, center, width, height] = row.querySelectorAll("select, input");
      kind.value = p.kind;
      kind.addEventListener("input", () => { p.kind = kind.value; render(); });
      center.addEventListener("input", () => { p.center = Number(center.value); render(); });
      width.addEventListener("input", () => { p.width = Number(width.value); render(); });
      height.addEventListener("input", () => { model.c[j] = Number(height.value); render(); });
      row.querySelector("button").addEventListener("click", () => { model.pieces.splice(j, 1); model.c.splice(j, 1); render(); });
      return row;
    }
    root.querySelector(".add").addEventListener("click", () => { add(root.querySelector(".kind").value, t0 + span / 2, span / 8); render(); });
    root.querySelector(".fit").addEventListener("click", fit);
    fit();
    return { model, fit };
  }

  function batchRace(root, data) {
    const canvases = root.querySelectorAll("canvas"), sizes = [1, 32, 0];
    const ws = every(data.w, 60), bs = every(data.b, 60), grid = lossGrid(data, ws, bs, "mse");
    let updates = 0;
    function draw() {
      const lr = 10 ** Number(root.querySelector("[name=lr]").value);
      root.querySelector(".lr").textContent = `η = ${lr.toPrecision(2)}`;
      sizes.forEach((batch, k) => {
        const path = descend(data, { start: data.start, lr, updates, loss: "mse", momentum: 0, batch, seed: 1 });
        const f = frame(canvases[k], [ws[0], ws[ws.length - 1]], [bs[0], bs[bs.length - 1]], 36, 24);
        f.ctx.clearRect(0, 0, f.W, f.H);
        heat(f, grid, ws, bs);
        axes(f, [ws[0], ws[ws.length - 1]], [bs[0], bs[bs.length - 1]], "w", "b");
        line(f, path.w, path.b, "#d33", 1.5);
        f.ctx.fillStyle = "#fff"; f.ctx.beginPath(); f.ctx.arc(f.px(data.start[0]), f.py(data.start[1]), 3, 0, 7); f.ctx.fill();
        f.ctx.fillStyle = "#222"; f.ctx.font = "12px system-ui, sans-serif"; f.ctx.textAlign = "left";
        const loss = short(path.loss[path.loss.length - 1]);
        f.ctx.fillText(batch ? say(data, "batch", { size: batch, n: updates, loss }) : say(data, "full", { n: updates, loss }), f.pad, 15);
      });
    }
    root.querySelector(".step").addEventListener("click", () => { updates += 1; draw(); });
    root.querySelector(".run").addEventListener("click", () => { updates += 100; draw(); });
    root.querySelector(".reset").addEventListener("click", () => { updates = 0; draw(); });
    root.querySelector("[name=lr]").addEventListener("input", draw);
    draw();
  }

  // -- hovering a picture: the numbers of the point nearest the pointer ---------------------

  // hover: {t: texts with {x} and {y}, p: [[x, y, text's index, x's text, y's text], ...]}, x and y as fractions of the image
  function nearest(hover, fx, fy, width, height, within = 24) {
    let best = null, distance = within;
    for (const point of hover.p) {
      const d = Math.hypot((point[0] - fx) * width, (point[1] - fy) * height);
      if (d < distance) { best = point; distance = d; }
    }
    return best === null ? null : hover.t[best[2]].replace("{x}", best[3]).replace("{y}", best[4]);
  }

  function hovering() {
    const tip = document.createElement("div");
    tip.className = "tip"; tip.hidden = true; document.body.append(tip);
    for (const img of document.querySelectorAll("img[data-hover]")) {
      let points = null;
      img.addEventListener("mousemove", (event) => {
        points = points || JSON.parse(img.dataset.hover);
        const box = img.getBoundingClientRect();
        const found = nearest(points, (event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height, box.width, box.height);
        tip.hidden = found === null;
        if (found !== null) {
          tip.textContent = found;
          tip.style.left = `${window.scrollX + event.clientX + 12}px`;
          tip.style.top = `${window.scrollY + event.clientY + 12}px`;
        }
      });
      img.addEventListener("mouseleave", () => { tip.hidden = true; });
    }
  }

  function start() {
    hovering();
    const source = document.getElementById("viewcast-data");
    if (source === null) return;
    const data = JSON.parse(source.textContent);
    const widgets = {};
    for (const [name, make] of [["descent", descentExplorer], ["sigmoids", sigmoidBuilder], ["batches", batchRace]]) {
      const root = document.getElementById(`explore-${name}`);
      if (root !== null) { root.hidden = false; widgets[name] = make(root, data); }
    }
    viewcast.data = data;
    viewcast.widgets = widgets;
  }

  return { descend, fitPieces, curve, lossGrid, nearest, start };
})();
window.viewcast = viewcast;
requestAnimationFrame(() => viewcast.start()); // after the first paint: the pictures show first
