// vrcheck timeline: a space-time diagram of one trace, drawn into a canvas one screenful at a
// time. Field indices match package timeline (F* for events, M* for messages).
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("data").textContent);
  const EV = D.events, MS = D.msgs, LANES = D.lanes, ACT = D.actions, TYP = D.types;
  const F_LINE = 0, F_TICK = 1, F_LANE = 2, F_ACT = 3, F_ST = 4, F_VIEW = 5, F_OP = 6, F_COMMIT = 7, F_MSG = 8, F_FLAGS = 9, F_EPOCH = 10;
  const M_ID = 0, M_TYPE = 1, M_FROM = 2, M_TO = 3, M_SEND = 4, M_VIEW = 5, M_OP = 6, M_COMMIT = 7;
  const FLAG_COMMIT = 1, FLAG_PRIMARY = 2;
  const N = EV.length, NL = LANES.length;
  const GUTTER = 96, HEAD = 26, LONG = 4000;

  const STATUS = [
    { name: "normal", fill: "#dcf2dc", strip: "#4caf50" },
    { name: "view-change", fill: "#ffe7b0", strip: "#f0a020" },
    { name: "recovering", fill: "#d6e6ff", strip: "#4a7fd8" },
    { name: "crashed", fill: "#d4d4d4", strip: "#555555" },
    { name: "idle client", fill: "#f6f6f6", strip: "#bbbbbb" },
    { name: "request pending", fill: "#fff6cc", strip: "#d9b400" },
    { name: "idle (not yet in a configuration)", fill: "#f7f7f7", strip: "#e2e2e2", replica: true },
    { name: "transitioning (new epoch)", fill: "#eadcf8", strip: "#8e44ad" },
    { name: "shut down (replaced)", fill: "#bdbdbd", strip: "#bdbdbd" },
  ];
  const ST_REPLICA_IDLE = 6, ST_SHUT_DOWN = 8;
  // Where each epoch begins (reconfiguration, §7): a purple line across the lanes.
  const EPOCHS = D.epochs || [];
  const EPOCH_COLOUR = "#7b1fa2";
  const TYPE_COLOURS = {
    REQUEST: "#2e7d32", REPLY: "#1b5e20", PREPARE: "#1565c0", PREPAREOK: "#5c8fd6", COMMIT: "#8aa4c0",
    STARTVIEWCHANGE: "#e65100", DOVIEWCHANGE: "#ef8a00", STARTVIEW: "#c62828", RECOVERY: "#6a1b9a",
    RECOVERYRESPONSE: "#9c4dcc", GETSTATE: "#00838f", NEWSTATE: "#26a69a",
    RECONFIGURATION: "#4a148c", STARTEPOCH: "#7b1fa2", EPOCHSTARTED: "#ab47bc", NEWEPOCH: "#ce93d8",
  };
  // Which of view (v), op-number (n), request-number (s) and commit-number (k) each type has.
  const MSG_FIELDS = {
    REQUEST: "s", REPLY: "vs", PREPARE: "vnk", PREPAREOK: "vn", COMMIT: "vk", STARTVIEWCHANGE: "v",
    DOVIEWCHANGE: "vnk", STARTVIEW: "vnk", RECOVERY: "", RECOVERYRESPONSE: "vnk", GETSTATE: "vn", NEWSTATE: "vnk",
    RECONFIGURATION: "s", STARTEPOCH: "n", EPOCHSTARTED: "", NEWEPOCH: "v",
  };
  const typeColour = TYP.map((t) => TYPE_COLOURS[t] || "#666");
  const typeShown = TYP.map(() => true);
  const DROP = ACT.indexOf("DropMessage"), DUP = ACT.indexOf("DuplicateMessage");
  const isNet = (a) => a === DROP || a === DUP;

  // --- Indexes ---------------------------------------------------------------------------
  // Lane status segments: per lane, rows where the status changes, and the status from there.
  const nClients = LANES.filter((n) => n[0] === "c").length;
  const segRow = [], segSt = [];
  for (let l = 0; l < NL; l++) {
    segRow.push([-1]);
    segSt.push([D.start ? D.start[l] : l < NL - nClients ? 0 : 4]);
  }
  for (let i = 0; i < N; i++) {
    const e = EV[i];
    if (e[F_ST] < 0) continue;
    const l = e[F_LANE], st = segSt[l];
    if (st[st.length - 1] !== e[F_ST]) {
      segRow[l].push(i);
      st.push(e[F_ST]);
    }
  }
  // Arrows: from the sending event's row to the row of the event that received, dropped or
  // duplicated the message. kind: 0 delivered, 1 dropped, 2 duplicated, 3 never received.
  const aFrom = [], aTo = [], aMsg = [], aKind = [];
  const handled = new Uint8Array(MS.length);
  for (let i = 0; i < N; i++) {
    const m = EV[i][F_MSG];
    if (m < 0) continue;
    handled[m] = 1;
    const s = MS[m][M_SEND];
    if (s < 0) continue;
    aFrom.push(s); aTo.push(i); aMsg.push(m);
    aKind.push(EV[i][F_ACT] === DROP ? 1 : EV[i][F_ACT] === DUP ? 2 : 0);
  }
  for (let m = 0; m < MS.length; m++) {
    if (!handled[m] && MS[m][M_SEND] >= 0) {
      aFrom.push(MS[m][M_SEND]); aTo.push(MS[m][M_SEND]); aMsg.push(m); aKind.push(3);
    }
  }
  // Short arrows sorted by their first row; long ones (rare) are checked on every frame.
  const shortIdx = [], longIdx = [];
  for (let k = 0; k < aFrom.length; k++) (aTo[k] - aFrom[k] > LONG ? longIdx : shortIdx).push(k);
  shortIdx.sort((a, b) => aFrom[a] - aFrom[b]);
  const shortFrom = Int32Array.from(shortIdx, (k) => aFrom[k]);
  // Arrows touching each event, for the highlight of a selected event.
  const sentFirst = new Int32Array(N + 1).fill(-1);
  for (let m = MS.length - 1; m >= 0; m--) if (MS[m][M_SEND] >= 0) sentFirst[MS[m][M_SEND]] = m;
  const lineToRow = (line) => {
    let lo = 0, hi = N - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (EV[mid][F_LINE] < line) lo = mid + 1; else if (EV[mid][F_LINE] > line) hi = mid - 1; else return mid;
    }
    return Math.min(Math.max(lo, 0), N - 1);
  };

  // --- Page ------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const canvas = $("view"), ctx = canvas.getContext("2d");
  const scroller = $("scroller"), spacer = $("spacer"), tip = $("tip"), note = $("note");
  $("title").textContent = D.title;
  let rowH = 18, laneW = 80, viewW = 0, viewH = 0, selected = -1, hover = -1;
  // Replica lanes are twice as wide as client lanes when there are many clients: most of the
  // traffic is between replicas.
  const laneWeight = LANES.map((_, l) => (l < NL - nClients && nClients > 4 ? 2 : 1));
  const totalWeight = laneWeight.reduce((a, b) => a + b, 0);
  const laneOff = new Float64Array(NL), laneWid = new Float64Array(NL), laneDot = new Float64Array(NL);
  // An event's label: its full action name (as in VR.tla and the README), then for a replica
  // v view-number, n op-number, k commit-number and ★ if it is the normal primary; for a
  // client # its request-number.
  const isReplica = (l) => l < NL - nClients;
  function label(e) {
    let s = ACT[e[F_ACT]];
    if (isReplica(e[F_LANE])) {
      s += "  " + (EPOCHS.length ? "e" + e[F_EPOCH] + " " : "") + "v" + e[F_VIEW] + " n" + e[F_OP] + " k" + e[F_COMMIT];
      if (e[F_FLAGS] & FLAG_PRIMARY) s += " ★";
    } else {
      s += "  #" + e[F_OP];
    }
    return s;
  }
  // The widest label of each lane, so a lane is wide enough for its labels and the right-most
  // lane's labels are inside the page, not cut off at its edge.
  const LABEL_FONT = "11px system-ui, sans-serif", DOT = 12;
  const labelW = new Float64Array(NL);
  (function measureLabels() {
    const widest = LANES.map(() => ({ act: new Set(), e: 0, v: 0, n: 0, k: 0 }));
    for (let i = 0; i < N; i++) {
      const e = EV[i];
      if (isNet(e[F_ACT])) continue;
      const w = widest[e[F_LANE]];
      w.act.add(e[F_ACT]);
      w.e = Math.max(w.e, e[F_EPOCH]); w.v = Math.max(w.v, e[F_VIEW]); w.n = Math.max(w.n, e[F_OP]); w.k = Math.max(w.k, e[F_COMMIT]);
    }
    ctx.font = LABEL_FONT;
    widest.forEach((w, l) => {
      let act = 0;
      for (const a of w.act) act = Math.max(act, ctx.measureText(ACT[a]).width);
      const rest = isReplica(l) ? "  " + (EPOCHS.length ? "e" + w.e + " " : "") + "v" + w.v + " n" + w.n + " k" + w.k + " ★" : "  #" + w.n;
      labelW[l] = w.act.size ? act + ctx.measureText(rest).width : 0;
    });
  })();

  function buildLegend() {
    const lg = $("legend");
    TYP.forEach((t, i) => {
      const lab = document.createElement("label");
      const cb = document.createElement("input");
      cb.type = "checkbox"; cb.checked = true;
      cb.addEventListener("change", () => { typeShown[i] = cb.checked; redraw(); });
      const sw = document.createElement("span");
      sw.className = "sw"; sw.style.background = typeColour[i];
      lab.append(cb, sw, document.createTextNode(t));
      lab.title = "show " + t + " messages";
      lg.append(lab);
    });
    const sep = document.createElement("span");
    sep.className = "sep"; sep.textContent = "|";
    lg.append(sep);
    STATUS.forEach((s, k) => {
      if (k >= ST_REPLICA_IDLE && !EPOCHS.length && !D.start.includes(k)) return; // reconfiguration only
      const lab = document.createElement("label");
      const sw = document.createElement("span");
      sw.className = "sw"; sw.style.background = s.fill; sw.style.borderColor = s.strip;
      lab.append(sw, document.createTextNode(s.name));
      lg.append(lab);
    });
    const more = document.createElement("label");
    more.textContent = "✕ dropped · ◆ duplicated · ▮ commit" + (EPOCHS.length ? " · ━ epoch begins (lane names greyed: not in that epoch's configuration)" : "");
    lg.append(more);
    const key = document.createElement("span");
    key.id = "labelKey";
    key.textContent = "labels: a replica's \"ReceivePrepare  v0 n32 k28 ★\" is the action, then its state after it: " +
      (EPOCHS.length ? "e epoch-number, " : "") + "v view-number, n op-number, k commit-number, ★ normal primary; a client's \"ClientRequest  #3\": # request-number";
    lg.append(key);
  }

  function layout() {
    // Size the content's height first, so the width is measured with the vertical scrollbar.
    spacer.style.height = HEAD + N * rowH + 40 + "px";
    spacer.style.width = "1px";
    const r = scroller.getBoundingClientRect();
    viewW = scroller.clientWidth;
    laneW = Math.max(56, Math.floor((viewW - GUTTER - 16) / Math.max(totalWeight, 1)));
    // With labels shown, a lane holds the dot, then its widest label; a lane wider than that
    // centres the two.
    const labels = rowH >= 13;
    let off = 0;
    for (let l = 0; l < NL; l++) {
      const need = labels ? DOT + 9 + labelW[l] + 10 : 0;
      laneOff[l] = off; laneWid[l] = Math.max(laneW * laneWeight[l], need);
      laneDot[l] = labels ? (laneWid[l] - need) / 2 + DOT : laneWid[l] / 2;
      off += laneWid[l];
    }
    spacer.style.width = GUTTER + off + 16 + "px";
    viewH = scroller.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(r.width * dpr); canvas.height = Math.round(r.height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    placeNote();
  }

  const laneLeft = (l) => GUTTER + laneOff[l] - scroller.scrollLeft;
  const laneX = (l) => laneLeft(l) + laneDot[l];
  const rowY = (i) => HEAD + (i + 0.5) * rowH - scroller.scrollTop;

  function statusAt(l, row) {
    const rows = segRow[l];
    let lo = 0, hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rows[mid] <= row) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function draw() {
    pending = false;
    ctx.clearRect(0, 0, viewW + 40, viewH + 40);
    const top = scroller.scrollTop;
    const first = Math.max(0, Math.floor((top - HEAD) / rowH) - 1);
    const last = Math.min(N - 1, Math.ceil((top + viewH - HEAD) / rowH) + 1);
    ctx.font = LABEL_FONT;
    ctx.textBaseline = "middle";
    // Lane backgrounds, coloured by status.
    for (let l = 0; l < NL; l++) {
      const x = laneLeft(l);
      if (x > viewW || x + laneWid[l] < GUTTER) continue;
      const rows = segRow[l], sts = segSt[l];
      // A status holds from the row of the event that set it to the row of the next change.
      for (let s = statusAt(l, first); s < rows.length; s++) {
        const startRow = rows[s], endRow = s + 1 < rows.length ? rows[s + 1] : N;
        if (startRow > last) break;
        const y0 = Math.max(HEAD, rowY(startRow) - rowH / 2), y1 = Math.min(viewH, rowY(endRow) - rowH / 2);
        if (y1 <= y0) continue;
        const st = STATUS[sts[s]];
        ctx.fillStyle = st.fill;
        ctx.fillRect(x + 2, y0, laneWid[l] - 4, y1 - y0);
        ctx.fillStyle = st.strip;
        ctx.fillRect(laneX(l) - 2, y0, 4, y1 - y0);
      }
    }
    // Tick boundaries and the gutter.
    ctx.fillStyle = "#fafafa";
    ctx.fillRect(0, HEAD, GUTTER - 4, viewH);
    const labelEvery = rowH >= 12 ? 1 : Math.ceil(12 / rowH);
    for (let i = first; i <= last; i++) {
      const y = rowY(i), e = EV[i];
      if (i > 0 && EV[i - 1][F_TICK] !== e[F_TICK]) {
        ctx.strokeStyle = "#0000001a"; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(GUTTER - 4, y - rowH / 2); ctx.lineTo(viewW, y - rowH / 2); ctx.stroke();
      }
      if (i === D.markRow) {
        ctx.fillStyle = "#ff3b3040";
        ctx.fillRect(0, y - rowH / 2, viewW, rowH);
      } else if (i === selected || i === hover) {
        ctx.fillStyle = "#0060ff18";
        ctx.fillRect(0, y - rowH / 2, viewW, rowH);
      }
      if (i % labelEvery === 0) {
        ctx.fillStyle = "#555";
        ctx.fillText(e[F_LINE] + "  t" + e[F_TICK], 6, y);
      }
    }
    // Epoch boundaries: a line across the lanes above the first event of each epoch, and its
    // number and configuration in the gutter.
    for (const ep of EPOCHS) {
      if (ep.row < first || ep.row > last) continue;
      const y = rowY(ep.row) - rowH / 2;
      ctx.fillStyle = EPOCH_COLOUR;
      ctx.fillRect(GUTTER - 4, y - 1, viewW, 2);
      ctx.fillStyle = "#fafafa";
      ctx.fillRect(0, y - rowH / 2, GUTTER - 4, rowH / 2 - 1);
      ctx.fillStyle = EPOCH_COLOUR;
      ctx.fillText("epoch " + ep.epoch + " {" + ep.config.join(",") + "}", 6, y - rowH / 4);
    }
    // Arrows.
    const drawArrow = (k, strong) => {
      const m = MS[aMsg[k]], t = m[M_TYPE];
      if (!typeShown[t]) return;
      const x1 = laneX(m[M_FROM]), y1 = rowY(aFrom[k]);
      let x2 = laneX(m[M_TO]), y2 = rowY(aTo[k]);
      const kind = aKind[k];
      if (kind === 3) { // never received: a short stub towards the destination
        x2 = x1 + Math.sign(x2 - x1 || 1) * Math.min(laneW * 0.6, Math.abs(x2 - x1) || laneW * 0.6);
        y2 = y1 + rowH * 0.8;
      }
      ctx.strokeStyle = kind === 1 ? "#d32f2f" : typeColour[t];
      ctx.globalAlpha = strong ? 1 : kind === 3 ? 0.5 : 0.75;
      ctx.lineWidth = strong ? 2.5 : 1.2;
      ctx.setLineDash(kind === 1 ? [5, 3] : kind === 2 || kind === 3 ? [2, 3] : []);
      ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
      ctx.setLineDash([]);
      const ang = Math.atan2(y2 - y1, x2 - x1), hl = 7;
      if (kind === 0) {
        ctx.fillStyle = typeColour[t];
        ctx.beginPath(); ctx.moveTo(x2, y2);
        ctx.lineTo(x2 - hl * Math.cos(ang - 0.4), y2 - hl * Math.sin(ang - 0.4));
        ctx.lineTo(x2 - hl * Math.cos(ang + 0.4), y2 - hl * Math.sin(ang + 0.4));
        ctx.closePath(); ctx.fill();
      } else if (kind === 1) {
        ctx.strokeStyle = "#d32f2f"; ctx.lineWidth = 2.2;
        ctx.beginPath();
        ctx.moveTo(x2 - 5, y2 - 5); ctx.lineTo(x2 + 5, y2 + 5);
        ctx.moveTo(x2 - 5, y2 + 5); ctx.lineTo(x2 + 5, y2 - 5);
        ctx.stroke();
      } else if (kind === 2) {
        ctx.fillStyle = "#8e24aa";
        ctx.beginPath(); ctx.moveTo(x2, y2 - 5); ctx.lineTo(x2 + 5, y2); ctx.lineTo(x2, y2 + 5); ctx.lineTo(x2 - 5, y2);
        ctx.closePath(); ctx.fill();
      }
      ctx.globalAlpha = 1;
    };
    let lo = 0, hi = shortFrom.length;
    const minFrom = first - LONG;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (shortFrom[mid] < minFrom) lo = mid + 1; else hi = mid; }
    const focus = selected >= 0 ? selected : hover;
    const strongList = [];
    const consider = (k) => {
      if (aTo[k] < first - 1 && aKind[k] !== 3) return;
      if (aFrom[k] > last + 1) return;
      if (focus >= 0 && (aFrom[k] === focus || aTo[k] === focus)) strongList.push(k);
      else drawArrow(k, false);
    };
    for (let p = lo; p < shortFrom.length && shortFrom[p] <= last + 1; p++) consider(shortIdx[p]);
    for (const k of longIdx) consider(k);
    for (const k of strongList) drawArrow(k, true);
    // Events.
    for (let i = first; i <= last; i++) {
      const e = EV[i], a = e[F_ACT];
      if (isNet(a)) continue; // drawn as the end of their arrow
      const x = laneX(e[F_LANE]), y = rowY(i);
      const r = Math.min(5, Math.max(2, rowH / 4));
      ctx.fillStyle = actionColour(ACT[a]);
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
      if (e[F_FLAGS] & FLAG_COMMIT) {
        ctx.fillStyle = "#1b8a2a";
        ctx.fillRect(x - r - 8, y - Math.min(6, rowH / 2 - 1), 4, Math.min(12, rowH - 2));
      }
      if (rowH >= 13) {
        ctx.fillStyle = "#222";
        ctx.fillText(label(e), x + r + 4, y);
      }
    }
    // Lane names, drawn last so they stay on top.
    ctx.fillStyle = "#f4f4f6";
    ctx.fillRect(0, 0, viewW, HEAD);
    ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(0, HEAD - 0.5); ctx.lineTo(viewW, HEAD - 0.5); ctx.stroke();
    ctx.font = "bold 12px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.fillStyle = "#222";
    // The epoch of the top row: a replica outside its configuration has its name greyed.
    let cfg = null;
    for (const ep of EPOCHS) if (ep.row <= first + 1) cfg = ep.config;
    for (let l = 0; l < NL; l++) {
      const x = laneX(l);
      const member = !isReplica(l) || (cfg ? cfg.includes(l) : D.start[l] !== ST_REPLICA_IDLE);
      ctx.fillStyle = member ? "#222" : "#aaa";
      if (x > GUTTER - laneW / 2 && x < viewW + laneW) ctx.fillText(LANES[l], x, HEAD / 2);
    }
    ctx.fillStyle = "#222";
    ctx.textAlign = "left";
    ctx.fillText("line  tick", 6, HEAD / 2);
  }

  function actionColour(a) {
    if (a === "Crash") return "#000";
    if (a.startsWith("Client")) return "#2e7d32";
    if (a.startsWith("Receive")) return "#1f4e96";
    return "#d06000"; // timers
  }

  // --- Describe an event for the tooltip ---------------------------------------------------
  const laneName = (l) => LANES[l] || "?";
  function msgText(m) {
    const r = MS[m], t = TYP[r[M_TYPE]];
    let s = t + "#" + r[M_ID] + " " + laneName(r[M_FROM]) + "→" + laneName(r[M_TO]);
    // Only the fields the message type has (traces/README.md).
    const f = MSG_FIELDS[t] || "";
    if (f.includes("v")) s += " view " + r[M_VIEW];
    if (f.includes("s")) s += " request " + r[M_OP];
    if (f.includes("n")) s += " op " + r[M_OP];
    if (f.includes("k")) s += " commit " + r[M_COMMIT];
    return s;
  }
  function describe(i) {
    const e = EV[i], a = ACT[e[F_ACT]];
    const lines = ["line " + e[F_LINE] + "   tick " + e[F_TICK] + "   " + a + (isNet(e[F_ACT]) ? "" : " on " + laneName(e[F_LANE]))];
    if (e[F_MSG] >= 0) lines.push((isNet(e[F_ACT]) ? "message   " : "received  ") + msgText(e[F_MSG]));
    let m = sentFirst[i];
    if (m >= 0) {
      const sent = [];
      for (; m < MS.length && MS[m][M_SEND] === i; m++) sent.push(msgText(m));
      lines.push("sent      " + sent.join("\n          "));
    }
    if (e[F_ST] >= 0 && isReplica(e[F_LANE])) {
      lines.push("state     " + STATUS[e[F_ST]].name + (EPOCHS.length ? "  epoch " + e[F_EPOCH] : "") + "  view " + e[F_VIEW] + "  op " + e[F_OP] + "  commit " + e[F_COMMIT] +
        (e[F_FLAGS] & FLAG_COMMIT ? "  (committed)" : "") + (e[F_FLAGS] & FLAG_PRIMARY ? "  primary" : ""));
    } else if (e[F_ST] >= 0) {
      lines.push("client    view " + e[F_VIEW] + "  request " + e[F_OP] + (e[F_ST] === 5 ? "  pending" : ""));
    }
    if (i === D.markRow && D.mark) lines.push("", "VIOLATION: " + D.mark.message);
    return lines.join("\n");
  }

  // --- Interaction -----------------------------------------------------------------------
  let pending = false;
  function redraw() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }
  function rowAt(clientY) {
    const r = scroller.getBoundingClientRect();
    const i = Math.floor((clientY - r.top + scroller.scrollTop - HEAD) / rowH);
    return i >= 0 && i < N ? i : -1;
  }
  scroller.addEventListener("scroll", () => { tip.hidden = true; redraw(); });
  scroller.addEventListener("mousemove", (ev) => {
    const i = rowAt(ev.clientY);
    if (i !== hover) { hover = i; redraw(); }
    if (i < 0) { tip.hidden = true; return; }
    tip.textContent = describe(i);
    tip.hidden = false;
    const w = $("wrap").getBoundingClientRect();
    let x = ev.clientX - w.left + 16, y = ev.clientY - w.top + 14;
    if (x + tip.offsetWidth > w.width) x = Math.max(0, ev.clientX - w.left - tip.offsetWidth - 16);
    if (y + tip.offsetHeight > w.height) y = Math.max(0, ev.clientY - w.top - tip.offsetHeight - 8);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  });
  scroller.addEventListener("mouseleave", () => { hover = -1; tip.hidden = true; redraw(); });
  scroller.addEventListener("click", (ev) => {
    const i = rowAt(ev.clientY);
    selected = i === selected ? -1 : i;
    redraw();
  });
  function scrollToRow(i, smooth) {
    scroller.scrollTo({ top: HEAD + i * rowH - viewH / 2, behavior: smooth ? "smooth" : "auto" });
  }
  function zoom(f) {
    const mid = (scroller.scrollTop + viewH / 2 - HEAD) / rowH;
    rowH = Math.max(3, Math.min(48, Math.round(rowH * f)));
    layout();
    scroller.scrollTop = HEAD + mid * rowH - viewH / 2;
    redraw();
  }
  $("zoomIn").addEventListener("click", () => zoom(1.25));
  $("zoomOut").addEventListener("click", () => zoom(0.8));
  window.addEventListener("keydown", (ev) => {
    if (ev.target.tagName === "INPUT") return;
    if (ev.key === "+" || ev.key === "=") zoom(1.25);
    if (ev.key === "-") zoom(0.8);
  });
  $("goto").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    const line = parseInt(ev.target.value, 10);
    if (!isNaN(line) && N > 0) { selected = lineToRow(line); scrollToRow(selected, true); redraw(); }
  });
  window.addEventListener("resize", () => { layout(); redraw(); });

  // --- The violation ---------------------------------------------------------------------
  function placeNote() {
    if (D.markRow < 0) return;
    const e = EV[D.markRow];
    note.style.top = HEAD + D.markRow * rowH + rowH + 2 + "px";
    note.style.left = GUTTER + laneOff[e[F_LANE]] + laneDot[e[F_LANE]] + 18 + "px";
  }
  if (D.mark) {
    const v = $("violation");
    v.hidden = false;
    const b = document.createElement("b");
    b.textContent = "Violation at line " + D.mark.line + ":";
    v.append(b, document.createTextNode(D.mark.message || ""));
    if (D.markRow >= 0) {
      note.hidden = false;
      note.textContent = "line " + D.mark.line + ": " + (D.mark.message || "violation");
      note.title = "click to hide";
      note.addEventListener("click", (ev) => { ev.stopPropagation(); note.hidden = true; });
      $("toMark").hidden = false;
      $("toMark").addEventListener("click", () => scrollToRow(D.markRow, true));
    } else {
      v.append(document.createTextNode("  (line " + D.mark.line + " is not an event of this trace)"));
    }
  }

  buildLegend();
  layout();
  // "#line=N" in the address selects that line (a link to one event); else show the violation.
  const h = /line=(\d+)/.exec(location.hash);
  if (h && N > 0) {
    selected = lineToRow(parseInt(h[1], 10));
    scrollToRow(selected, false);
  } else if (D.markRow >= 0) {
    scrollToRow(D.markRow, false);
  }
  draw();
})();
