// The lookup page in Debian's headless Chromium, driven by playwright-core (npm, pinned by package-lock.json):
// load the page, enter a variant with the keyboard, wait for the table and the plots, check their content, reload
// from the link, run ISM, see a refusal reported, and make sure a variant string holding markup never executes.
// Saves a screenshot to $SPLICEBERT_SCREENSHOT_DIR. Exit 77 (skipped) when playwright-core or Chromium is missing.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(join(here, 'node_modules', 'playwright-core')) || !existsSync(CHROMIUM)) {
  console.log('SKIP: run `npm ci` in tests/browser and install chromium');
  process.exit(77);
}
const { chromium } = await import('playwright-core');
const BIN = process.env.SPLICEBERT_BIN || join(here, '..', '..', 'build', 'splicebert');
const SHOTS = process.env.SPLICEBERT_SCREENSHOT_DIR || join(here, '..', '..', 'build');

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
  console.log('ok - ' + message);
}

// A tiny random model and a 6,000-nt random genome (contig 20) with a + and a - transcript.
const folder = mkdtempSync(join(tmpdir(), 'splicebert-browser-'));
execFileSync(BIN, ['init', '-o', join(folder, 'tiny'), '--layers', '2', '--hidden', '32', '--heads', '2',
  '--intermediate', '64', '--max-positions', '258'], { stdio: 'ignore' });
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
let genome = '';
for (let i = 0; i < 6000; ++i) genome += 'ACGT'[Math.floor(random() * 4)];
writeFileSync(join(folder, 'g.fa'), '>20\n' + genome.match(/.{1,60}/g).join('\n') + '\n');
writeFileSync(join(folder, 'a.bed'), '20\t900\t4000\tTX1\t0\t+\t900\t4000\t0\t3\t300,300,500,\t0,1100,2600,\n' +
  '20\t1500\t5000\tTX2\t0\t-\t1500\t5000\t0\t2\t200,400,\t0,3100,\n');
const ref = genome[1999];
const alt = 'ACGT'.replace(ref, '')[1];
const variant = `chr20:2,000 ${ref}>${alt}`;

const SPLICE_MODEL = join(process.env.SPLICEBERT_SOURCE_DIR || join(here, '..', '..'), 'models', 'splice-site');
const server = spawn(BIN, ['serve', '-m', join(folder, 'tiny'), '-f', join(folder, 'g.fa'), '-a', join(folder, 'a.bed'),
  '--port', '0', '-t', '1', '--access-log', '', '--splice-model', SPLICE_MODEL], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('server did not start')), 30000);
  createInterface({ input: server.stdout }).once('line', (line) => {
    clearTimeout(timer);
    resolve(line.split('listening on ')[1]);
  });
});

let browser;
let failed = false;
try {
  for (let i = 0; i < 300; ++i) {  // wait for the model to load (bounded: 30 s)
    const r = await fetch(url + 'health').catch(() => null);
    if (r && r.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = await (await fetch(url + 'info')).json();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));

  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('model-sha').textContent.length === 64);
  check((await page.textContent('#model-sha')) === info.weights_sha256, 'footer shows the weights SHA-256');
  check((await page.textContent('#engine')).startsWith('splicebert.cpp'), 'footer shows the engine version');

  // Keyboard only: focus the box, type, Enter.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id === 'variant'), 'the variant box is the first stop of Tab');
  await page.keyboard.type(variant);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#scores-body tr', { timeout: 30000 });
  await page.waitForSelector('#prob-plot polyline.ref-line');
  const rows = await page.$$eval('#scores-body tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
  check(rows.length === 2, 'two transcript rows');
  check(rows.map((r) => r[2]).sort().join(',') === 'TX1,TX2', 'rows name TX1 and TX2');
  check(rows.every((r) => r[0] === alt && Number.isFinite(parseFloat(r[5]))), 'rows hold the ALT and a numeric context KL');
  const tx1 = rows.find((r) => r[2] === 'TX1');
  check(tx1[4] === 'splice_acceptor_variant', 'TX1 consequence is splice_acceptor_variant');
  const points = await page.$eval('#prob-plot polyline.ref-line', (p) => p.getAttribute('points').split(' ').length);
  check(points === 256, 'the REF probability line has one point per window position (256)');
  check(await page.$eval('#kl-plot', (s) => s.querySelectorAll('polyline.kl-line').length === 1 &&
    s.querySelectorAll('rect').length >= 1 && s.querySelectorAll('line.variant-mark').length === 1),
  'the KL plot has its line, exon bands and the variant mark');
  const tip = await page.$eval('#scores-head th:nth-child(6) span', (s) => s.getAttribute('title'));
  check(tip.includes('ln(max(k_d'), 'the context KL header explains the score in a tooltip');
  check(decodeURIComponent(new URL(page.url()).hash) === '#variant=' + variant, 'the URL holds the variant');
  // The splice-site model's deltas: the page shows what /variants answers, one row per ALT x gene.
  const answer = await (await fetch(url + 'variants', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ variants: variant, profiles: false }) })).json();
  const expected = answer.variants[0].splice_deltas.map((d) =>
    [d.allele, d.symbol, ...d.effects.map((e) => e.delta_score.toFixed(2) + ' at ' + e.position)]);
  await page.waitForSelector('#deltas:not([hidden]) #deltas-body tr');
  const deltaRows = await page.$$eval('#deltas-body tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
  check(expected.length === 2 && JSON.stringify(deltaRows) === JSON.stringify(expected),
    'the deltas table shows the splice-site model\'s four effects per ALT x gene');
  await page.screenshot({ path: join(SHOTS, 'serve_lookup_page.png'), fullPage: true });

  // The link reproduces the view.
  const again = await browser.newPage();
  await again.goto(page.url());
  await again.waitForSelector('#prob-plot polyline.alt-line', { timeout: 30000 });
  check((await again.$$('#scores-body tr')).length === 2, 'opening the link shows the same table');
  await again.close();

  // ISM with the keyboard: focus the radius, set it, Tab to the button, Enter.
  await page.focus('#ism-radius');
  await page.fill('#ism-radius', '5');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ism-view:not([hidden]) #ism-plot rect', { timeout: 60000 });
  check((await page.$$('#ism-plot rect')).length === 4 * 11, 'the ISM heatmap has 4 x 11 cells');
  check(await page.$eval('#ism-progress', (p) => p.value === 1), 'the ISM progress bar reached the end');

  // VCF upload: the records come back with INFO/SpliceBERT in score-vcf's format.
  const vcf = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' +
    `20\t2000\trs1\t${ref}\t${alt}\t.\tPASS\tDP=3\n20\t5500\t.\t${genome[5499]}\tN\t.\t.\t.\n`;
  await page.setInputFiles('#vcf-file', { name: 'in.vcf', mimeType: 'text/plain', buffer: Buffer.from(vcf) });
  await page.click('#vcf-go');
  await page.waitForSelector('#vcf-download:not([hidden])');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);  // link focused
  const annotated = readFileSync(await download.path(), 'utf8');
  const records = annotated.split('\n').filter((l) => l && !l.startsWith('#'));
  check(annotated.includes('##INFO=<ID=SpliceBERT') && records.length === 2, 'the annotated VCF keeps both records and declares INFO/SpliceBERT');
  const [zeroShot, deltas] = records[0].split(';SpliceBERT_DS=');
  check(/\tDP=3;SpliceBERT=G\|TX\d\|TX\d\|[+-]\|/.test(zeroShot) && zeroShot.split(',').length === 2,
    'the first record gains one entry per transcript after its own INFO');
  check(annotated.includes('##INFO=<ID=SpliceBERT_DS') &&
    deltas === answer.variants[0].splice_deltas.map((d) => d.spliceai).join(','),
  'and the SpliceAI-layout deltas per gene, declared in the header');
  check(records[1].endsWith('\t.'), 'a record nothing scores is left as it was');

  // A refusal is reported clearly.
  await page.fill('#variant', 'chr20:2000 A>Q');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#error:not([hidden])');
  check((await page.textContent('#error')).includes('HTTP 422'), 'a 422 is shown with its status and reason');

  // XSS: markup in the variant, typed and in the link, must stay text.
  const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"onerror=alert(1) x';
  await page.evaluate(() => { window.__xss = 0; });
  await page.fill('#variant', evil);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('error').textContent.includes('HTTP 422'));
  const linked = await browser.newPage();
  linked.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await linked.goto(url + '#variant=' + encodeURIComponent(evil));
  await linked.waitForSelector('#error:not([hidden])');
  for (const p of [page, linked]) {
    check(await p.evaluate(() => !window.__xss && document.querySelectorAll('img, script:not([src])').length === 0),
      'markup in the variant string did not become elements or run');
  }
  check(dialogs.length === 0, 'no dialog was opened');
  check(requests.every((r) => r.startsWith(url)), 'the page fetched nothing from other hosts');
  await page.screenshot({ path: join(SHOTS, 'serve_lookup_page_error.png') });
} catch (e) {
  failed = true;
  console.error(e.stack || String(e));
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
