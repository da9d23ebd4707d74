// The variant lookup page. Every piece of text from the user or the server goes into the page through textContent
// or an attribute value, never through HTML parsing, so a variant string cannot inject markup or script (the
// server's Content-Security-Policy forbids inline script as a second line of defence).
'use strict';

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';
let apiKey = sessionStorage.getItem('splicebert-api-key') || '';
let lastVariants = null;  // the last /variants answer
let selected = null;      // the score row being plotted

const COLUMNS = [
  ['allele', 'ALT', 'The ALT allele scored'],
  ['gene', 'Gene', 'Gene of the transcript (from the annotation)'],
  ['transcript', 'Transcript', 'Transcript whose pre-mRNA span holds the variant; its strand sets the window orientation'],
  ['strand', 'Strand', 'Transcript strand'],
  ['consequence', 'Consequence', 'Sequence Ontology term: splice donor/acceptor (first/last two intron bases), splice region, exon or intron variant'],
  ['context_kl', 'Context KL', 'Sum over distances d = 1..100 of ln(max(k_d, 1e-6)), k_d the mean KL(ALT || REF) at the positions d nt either side. Higher (less negative) means the substitution changes the model\'s view of more of its context'],
  ['max_kl', 'Max KL', 'The largest KL within 50 nt either side of the variant (the variant itself excluded)'],
  ['max_kl_offset', 'Offset', 'Where the max KL lies, in nt from the variant on the + strand'],
  ['donor_kl', 'Donor KL', 'Mean KL over the donor site of the nearest exon (missing for a last exon or one outside the window)'],
  ['acceptor_kl', 'Acceptor KL', 'Mean KL over the acceptor site of the nearest exon (missing for a first exon or one outside the window)'],
  ['masked_dp', 'Masked ΔP', 'P(ALT) − P(REF) at the variant position when it is masked in the REF sequence'],
];

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

function setStatus(message) { $('status').textContent = message; }

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (apiKey) headers.Authorization = 'Bearer ' + apiKey;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Error('The server could not be reached (' + e.message + ').');
  }
  const text = await response.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 401) { $('key-box').hidden = false; $('api-key').focus(); }
    const reason = data && data.error ? data.error.message : text.slice(0, 200);
    const what = response.status >= 500 ? 'The server failed' : 'The server refused the request';
    throw new Error(what + ' (HTTP ' + response.status + '): ' + reason);
  }
  return data;
}

function fmt(value) {
  if (value === null || value === undefined) return '.';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return String(value);
}

// ---- the table ---------------------------------------------------------------------------------------------------
function renderTable(rows, describe) {
  const head = $('scores-head');
  const body = $('scores-body');
  clear(head);
  clear(body);
  for (const [, label, tip] of COLUMNS) {
    const th = el('th', null, { scope: 'col' });
    th.appendChild(el('span', label, { title: tip }));
    head.appendChild(th);
  }
  head.appendChild(el('th', 'Plot', { scope: 'col' }));
  rows.forEach((row, i) => {
    const tr = el('tr');
    for (const [key] of COLUMNS) tr.appendChild(el('td', fmt(row[key])));
    const cell = el('td');
    if (row.profile) {
      const button = el('button', 'Plot', { type: 'button', 'aria-label': 'Plot ' + (row.transcript || '') + ' ' + (row.allele || '') });
      button.addEventListener('click', () => selectRow(rows, i));
      cell.appendChild(button);
    }
    tr.appendChild(cell);
    body.appendChild(tr);
  });
  $('site').textContent = describe;
  $('results').hidden = false;
}

// SpliceAI-style deltas of the server's splice-site model (absent when it has none): one row per ALT × gene, each
// cell the signed change alt − ref of that channel's probability and where it happens.
function renderDeltas(entries, caption) {
  const body = $('deltas-body');
  clear(body);
  $('deltas').hidden = !entries;
  if (!entries) return;
  for (const entry of entries) {
    const tr = el('tr');
    tr.appendChild(el('td', entry.allele));
    tr.appendChild(el('td', entry.symbol));
    for (let k = 0; k < 4; ++k) {
      const e = entry.effects[k];
      tr.appendChild(el('td', e ? e.delta_score.toFixed(2) + ' at ' + e.position : '.'));
    }
    body.appendChild(tr);
  }
  $('deltas-caption').textContent = caption;
}

function selectRow(rows, index) {
  selected = rows[index];
  Array.from($('scores-body').children).forEach((tr, i) => tr.classList.toggle('selected', i === index));
  drawPlots(selected);
}

// ---- the plots ---------------------------------------------------------------------------------------------------
const W = 1000, H = 190, LEFT = 60, RIGHT = 10, TOP = 10, BOTTOM = 30;

function genomicLabel(profile, i) {  // 1-based genomic position of window index i
  return selected.strand === '-' ? profile.window_end - i : profile.window_start + i + 1;
}

function frame(svg, profile, yMax, yLabel) {
  clear(svg);
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const L = profile.kl.length;
  const x = (i) => LEFT + (i / Math.max(L - 1, 1)) * (W - LEFT - RIGHT);
  const y = (v) => TOP + (1 - v / yMax) * (H - TOP - BOTTOM);
  for (const [start, end] of profile.exons) {
    const rect = svgEl('rect', { x: x(start), y: TOP, width: Math.max(x(end) - x(start), 1), height: H - TOP - BOTTOM, class: 'exon', fill: '#f3e3b3' });
    rect.appendChild(svgEl('title', {}, 'exon, window ' + start + '–' + end));
    svg.appendChild(rect);
    for (const b of [start, end]) svg.appendChild(svgEl('line', { x1: x(b), x2: x(b), y1: TOP, y2: H - BOTTOM, stroke: '#c9b26b', 'stroke-dasharray': '4 3' }));
  }
  const v = profile.variant_index;
  svg.appendChild(svgEl('line', { x1: x(v), x2: x(v), y1: TOP, y2: H - BOTTOM, stroke: '#7b1fa2', 'stroke-width': 1.5, class: 'variant-mark' }));
  svg.appendChild(svgEl('line', { x1: LEFT, x2: W - RIGHT, y1: H - BOTTOM, y2: H - BOTTOM, stroke: '#333' }));
  svg.appendChild(svgEl('line', { x1: LEFT, x2: LEFT, y1: TOP, y2: H - BOTTOM, stroke: '#333' }));
  for (const i of [0, profile.variant_index, L - 1]) {
    svg.appendChild(svgEl('text', { x: x(i), y: H - 10, 'text-anchor': i === 0 ? 'start' : i === L - 1 ? 'end' : 'middle', 'font-size': 12 }, genomicLabel(profile, i).toLocaleString('en')));
  }
  svg.appendChild(svgEl('text', { x: 4, y: TOP + 10, 'font-size': 12 }, fmt(yMax)));
  svg.appendChild(svgEl('text', { x: 4, y: H - BOTTOM, 'font-size': 12 }, '0'));
  svg.appendChild(svgEl('text', { x: 4, y: (H - BOTTOM) / 2 + 6, 'font-size': 12 }, yLabel));
  return { x, y };
}

function polyline(svg, values, x, y, colour, cls, width = 1.3) {
  const points = values.map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
  svg.appendChild(svgEl('polyline', { points, fill: 'none', stroke: colour, 'stroke-width': width, class: cls }));
}

function drawPlots(row) {
  const p = row.profile;
  const baseIndex = (c) => 'ACGU'.indexOf(c === 'T' ? 'U' : c);
  const refP = p.ref.map((probs, i) => probs[Math.max(baseIndex(p.sequence[i]), 0)]);
  const altP = p.alt.map((probs, i) => probs[Math.max(baseIndex(p.sequence[i]), 0)]);
  const prob = $('prob-plot');
  let axes = frame(prob, p, 1, 'P');
  polyline(prob, refP, axes.x, axes.y, '#1f6fb2', 'ref-line', 3);  // wide, so it shows where ALT covers it
  polyline(prob, altP, axes.x, axes.y, '#d1495b', 'alt-line');
  const kl = $('kl-plot');
  const klMax = Math.max(...p.kl.map((v) => (Number.isFinite(v) ? v : 0)), 1e-12);
  axes = frame(kl, p, klMax, 'KL');
  polyline(kl, p.kl.map((v) => (Number.isFinite(v) ? v : 0)), axes.x, axes.y, '#2e7d32', 'kl-line');
  $('plot-caption').textContent = row.transcript + ' (' + row.strand + ' strand), ALT ' + row.allele + ': window ' +
    (p.window_start + 1).toLocaleString('en') + '–' + p.window_end.toLocaleString('en') +
    ' in transcript orientation; the purple line marks the variant, shaded bands the exons.';
  $('plots').hidden = false;
  $('ism-view').hidden = true;
}

// ---- ISM ---------------------------------------------------------------------------------------------------------
async function runIsm() {
  if (!selected || !selected.profile) return;
  const p = selected.profile;
  const radius = Math.min(Math.max(parseInt($('ism-radius').value, 10) || 20, 1), 100);
  const start = Math.max(p.variant_index - radius, 0);
  const end = Math.min(p.variant_index + radius + 1, p.sequence.length);
  const bar = $('ism-progress');
  showError('');
  bar.hidden = false;
  bar.value = 0;
  try {
    let job = await api('POST', '/ism', { sequence: p.sequence, start, end, name: selected.transcript });
    setStatus('ISM job ' + job.id + ' started');
    for (let polls = 0; (job.status === 'queued' || job.status === 'running') && polls < 6000; ++polls) {
      await new Promise((r) => setTimeout(r, 300));
      job = await api('GET', '/jobs/' + encodeURIComponent(job.id));
      bar.value = job.progress;
      setStatus('ISM: ' + job.done + ' of ' + job.total + ' positions');
    }
    if (job.status !== 'done') throw new Error('The ISM job failed: ' + (job.error || job.status));
    drawIsm(job.result, p);
    setStatus('ISM done: ' + job.total + ' positions');
  } catch (e) {
    showError(e.message);
  }
}

function drawIsm(result, profile) {
  const svg = $('ism-plot');
  clear(svg);
  const n = result.scores.length;
  const cell = (W - LEFT - RIGHT) / n, rowH = 25;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + (rowH * 4 + 30));
  const values = result.scores.flat().filter((v) => v !== null);
  const lo = Math.min(...values), hi = Math.max(...values);
  'ACGU'.split('').forEach((base, b) => {
    svg.appendChild(svgEl('text', { x: LEFT - 20, y: b * rowH + 17, 'font-size': 13 }, base));
    result.scores.forEach((row, i) => {
      const v = row[b];
      const t = v === null ? 0 : (v - lo) / Math.max(hi - lo, 1e-12);
      const fill = v === null ? '#bbb' : 'rgb(255,' + Math.round(255 * (1 - t)) + ',' + Math.round(255 * (1 - t)) + ')';
      const rect = svgEl('rect', { x: LEFT + i * cell, y: b * rowH, width: Math.max(cell - 0.5, 0.5), height: rowH - 1, fill });
      rect.appendChild(svgEl('title', {}, 'window ' + (result.start + i) + ' ' + base + ': ' + (v === null ? 'reference base' : fmt(v))));
      svg.appendChild(rect);
    });
  });
  svg.appendChild(svgEl('text', { x: LEFT, y: rowH * 4 + 20, 'font-size': 12 },
    'context-KL score of each substitution, white ' + fmt(lo) + ' to red ' + fmt(hi) + '; grey = the reference base'));
  $('ism-view').hidden = false;
}

// ---- lookup ------------------------------------------------------------------------------------------------------
const SEQUENCE_SPELLING = /^([ACGTUN]*)\[([ACGTU])>([ACGTU])\]([ACGTUN]*)$/i;

async function lookup(text) {
  text = text.trim();
  showError('');
  $('plots').hidden = true;
  $('results').hidden = true;  // never leave an earlier answer under a new question
  renderDeltas(null);
  if (!text) return;
  setStatus('Scoring ' + text + ' …');
  try {
    const seq = SEQUENCE_SPELLING.exec(text.replace(/\s+/g, ''));
    if (seq) {
      const ref = seq[1] + seq[2] + seq[4];
      const alt = seq[1] + seq[3] + seq[4];
      const out = await api('POST', '/score', { pairs: [{ id: 'input', ref, alt, pos: seq[1].length }] });
      const r = out.results[0];
      if (r.reason) throw new Error('Not scored: ' + r.reason);
      renderTable([Object.assign({ allele: seq[3].toUpperCase(), gene: '—', transcript: '—', strand: '+', consequence: '—' }, r)],
        'Sequence of ' + ref.length + ' nt, ' + seq[2].toUpperCase() + '>' + seq[3].toUpperCase() + ' at index ' + seq[1].length);
      if (r.splice_deltas)
        renderDeltas([{ allele: seq[3].toUpperCase(), symbol: '—', effects: r.splice_deltas.effects }],
          'Largest change of each channel within ' + out.splice_distance + ' nt (model ' + out.splice_model +
          '; ' + r.splice_deltas.status + '); positions are 0-based indices in the sequence.');
      setStatus('Scored.');
      return;
    }
    const out = await api('POST', '/variants', { variants: text });
    lastVariants = out;
    const v = out.variants[0];
    const reasons = v.reasons.filter((r) => r);
    let describe = v.chrom + ':' + v.pos + ' ' + v.ref + '>' + v.alts.join(',');
    if (reasons.length) describe += ' — not scored: ' + reasons.join(', ') + (v.message ? ' (' + v.message + ')' : '');
    renderTable(v.scores, describe);
    if (v.splice_deltas)
      renderDeltas(v.splice_deltas, 'Largest change of each channel within ' + out.splice_distance + ' nt, the maximum ' +
        'over the gene\'s transcripts (model ' + out.splice_model + '); positions are 1-based on the genome.');
    if (v.scores.length) selectRow(v.scores, 0);
    setStatus(v.scores.length ? 'Scored on ' + v.scores.length + ' transcript(s).' : 'No transcript scored this variant.');
  } catch (e) {
    setStatus('');
    showError(e.message);
  }
}

function variantFromHash() {
  const match = /(?:^#|&)variant=([^&]*)/.exec(location.hash);
  if (!match) return '';
  try { return decodeURIComponent(match[1]); } catch (e) { return ''; }
}

// ---- VCF ---------------------------------------------------------------------------------------------------------
function infoSafe(text) { return String(text || '.').replace(/[,;=| \t]/g, '_'); }

async function annotateVcf() {
  showError('');
  const file = $('vcf-file').files[0];
  if (!file) { showError('Choose a VCF file first.'); return; }
  if (file.size > 1 << 20) { showError('The file is larger than 1 MiB; use splicebert score-vcf for large files.'); return; }
  const lines = (await file.text()).split(/\r?\n/);
  const data = lines.filter((l) => l.trim() && !l.trim().startsWith('#'));
  try {
    setStatus('Annotating ' + data.length + ' records …');
    const out = await api('POST', '/variants', { variants: data.join('\n'), profiles: false });
    const header = lines.filter((l) => l.startsWith('##'));
    header.push('##INFO=<ID=SpliceBERT,Number=.,Type=String,Description="SpliceBERT zero-shot scores from splicebert serve (model ' +
      out.model + ', sha256 ' + out.model_sha256 + ', ' + out.engine + '). Format: ALLELE|gene|transcript|strand|context_KL|max_KL|max_KL_offset|donor_KL|acceptor_KL|masked_dP|consequence">');
    if (out.splice_info_header) header.push(out.splice_info_header);
    const columns = lines.find((l) => l.startsWith('#CHROM')) || '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO';
    const body = data.map((line, i) => {
      const fields = line.split('\t');
      while (fields.length < 8) fields.push('.');
      const entries = out.variants[i].scores.map((s) => [s.allele, infoSafe(s.gene), infoSafe(s.transcript), s.strand,
        fmt(s.context_kl), fmt(s.max_kl), fmt(s.max_kl_offset), fmt(s.donor_kl), fmt(s.acceptor_kl), fmt(s.masked_dp), s.consequence].join('|'));
      if (entries.length) fields[7] = (fields[7] === '.' ? '' : fields[7] + ';') + 'SpliceBERT=' + entries.join(',');
      const deltas = (out.variants[i].splice_deltas || []).map((d) => d.spliceai);
      if (deltas.length) fields[7] = (fields[7] === '.' ? '' : fields[7] + ';') + 'SpliceBERT_DS=' + deltas.join(',');
      return fields.join('\t');
    });
    const blob = new Blob([header.concat([columns], body).join('\n') + '\n'], { type: 'text/plain' });
    const link = $('vcf-download');
    link.href = URL.createObjectURL(blob);
    link.hidden = false;
    link.focus();
    setStatus('Annotated ' + data.length + ' records.');
  } catch (e) {
    setStatus('');
    showError(e.message);
  }
}

// ---- start -------------------------------------------------------------------------------------------------------
async function loadInfo() {
  try {
    const info = await api('GET', '/info');
    $('model-name').textContent = info.model + ' (' + info.layers + ' layers × ' + info.hidden_size + ')';
    $('model-sha').textContent = info.weights_sha256;
    $('engine').textContent = info.engine;
    if (!info.genome) setStatus('This server has no genome: only sequence spellings (…[A>G]…) work.');
  } catch (e) {
    showError(e.message);
  }
}

async function start() {
  $('lookup').addEventListener('submit', (event) => {
    event.preventDefault();
    apiKey = $('api-key').value || apiKey;
    if ($('api-key').value) {
      sessionStorage.setItem('splicebert-api-key', apiKey);
      if ($('model-sha').textContent.length !== 64) loadInfo();  // the footer failed for want of the key
    }
    const text = $('variant').value.trim();
    const hash = '#variant=' + encodeURIComponent(text);
    if (location.hash === hash) lookup(text);
    else location.hash = hash;  // hashchange runs the lookup, and the URL reproduces the view
  });
  window.addEventListener('hashchange', () => {
    const text = variantFromHash();
    $('variant').value = text;
    lookup(text);
  });
  $('ism-go').addEventListener('click', runIsm);
  $('vcf-go').addEventListener('click', annotateVcf);
  await loadInfo();
  const initial = variantFromHash();
  if (initial) {
    $('variant').value = initial;
    lookup(initial);
  }
}

document.addEventListener('DOMContentLoaded', start);
