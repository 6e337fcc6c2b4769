// The dashboard (GET /__mock/ui) in headless Chromium, driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe: file descriptors 3 and 4, no port, no WebSocket, no package):
// it opens the page on an org of its own, sends API requests as an integration would, waits
// for them to appear, filters them, opens one, checks what it shows (secrets redacted, data as
// text, labelled filters, no external resource, no console error), and saves a screenshot.
//
// Usage: PORTALS_MOCK_URL=http://127.0.0.1:PORT OUT=dir node examples/dashboard/drive.mjs
// (examples/dashboard/check.sh starts the mock and Chromium's dependencies first).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const base = process.env.PORTALS_MOCK_URL;
const out = process.env.OUT || 'target/examples/dashboard';
const chromium = process.env.CHROMIUM || 'chromium';
if (!base) throw new Error('PORTALS_MOCK_URL is not set');

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

// ---- the mock, as a test and an integration use it -------------------------------------------
async function call(verb, route, { token, body, form } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Zoho-oauthtoken ${token}`;
  let payload;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
  }
  const response = await fetch(base + route, { method: verb, headers, body: payload });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

// ---- Chromium over the DevTools protocol -----------------------------------------------------
class Browser {
  constructor() {
    this.profile = mkdtempSync(path.join(tmpdir(), 'dashboard-chromium-'));
    this.child = spawn(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--hide-scrollbars', `--user-data-dir=${this.profile}`, '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stdio[2].on('data', (chunk) => { this.stderr += chunk; });
    this.next = 1;
    this.pending = new Map();
    this.events = [];
    let buffer = '';
    this.child.stdio[4].on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (message.id && this.pending.has(message.id)) {
          const { resolve, reject } = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
          else resolve(message.result);
        } else if (message.method) {
          this.events.push(message);
        }
      }
    });
  }

  send(command, params = {}, sessionId = this.session) {
    const id = this.next++;
    const message = { id, method: command, params };
    if (sessionId) message.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command}: no answer in 30 s`)), 30000);
      this.pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      this.child.stdio[3].write(`${JSON.stringify(message)}\0`);
    });
  }

  async open(url) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' }, null);
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true }, null);
    this.session = sessionId;
    await this.send('Page.enable');
    await this.send('Runtime.enable');
    await this.send('Log.enable');
    await this.send('Emulation.setDeviceMetricsOverride',
      { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false });
    await this.send('Page.navigate', { url });
  }

  // The value of a JavaScript expression in the page (awaited when it is a promise).
  async eval(expression) {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description || exceptionDetails.text}`);
    return result.value;
  }

  // Waits until the expression is truthy (polling every 100 ms), or fails after `ms`.
  async until(expression, what, ms = 15000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await this.eval(expression)) {
        check(true, what);
        return true;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = await this.eval("(document.getElementById('status') || {}).textContent");
    const problems = this.problems();
    check(false, `${what} (waited ${ms / 1000} s for: ${expression}; the page says ${JSON.stringify(status)}`
      + `${problems.length ? `; console: ${problems.join(' | ')}` : ''})`);
    throw new Error(`gave up: ${what}`);
  }

  // Types into a field as a user would: focus it, then insert the text (input events follow).
  async type(selector, text) {
    await this.eval(`(() => { const f = document.querySelector(${JSON.stringify(selector)}); f.focus(); f.select && f.select(); })()`);
    if (text) await this.send('Input.insertText', { text });
    else await this.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
  }

  // Chooses an option of a select, as the user's choice does (input and change events).
  async choose(selector, value) {
    await this.eval(`(() => { const s = document.querySelector(${JSON.stringify(selector)});
      s.value = ${JSON.stringify(value)};
      s.dispatchEvent(new Event('input', { bubbles: true }));
      s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
  }

  // Clicks an element in its middle with the mouse.
  async click(selector) {
    const box = await this.eval(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
      if (!e) return null; e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`);
    if (!box) throw new Error(`nothing to click at ${selector}`);
    for (const type of ['mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  }

  async screenshot(file) {
    const height = await this.eval('Math.ceil(document.documentElement.scrollHeight)');
    await this.send('Emulation.setDeviceMetricsOverride',
      { width: 1400, height: Math.min(height, 4000), deviceScaleFactor: 1, mobile: false });
    await this.eval('window.scrollTo(0, 0)');
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }

  // Console errors, uncaught exceptions and browser log errors (a CSP violation is one).
  problems() {
    return this.events.flatMap((event) => {
      if (event.method === 'Runtime.exceptionThrown') {
        const details = event.params.exceptionDetails;
        return [`${details.exception?.description || details.text} (${details.url || ''}:${details.lineNumber})`];
      }
      if (event.method === 'Runtime.consoleAPICalled' && event.params.type === 'error') {
        return [event.params.args.map((arg) => arg.value ?? arg.description).join(' ')];
      }
      if (event.method === 'Log.entryAdded' && event.params.entry.level === 'error') {
        return [`${event.params.entry.text} ${event.params.entry.url || ''}`];
      }
      return [];
    });
  }

  async close() {
    try { await this.send('Browser.close', {}, null); } catch { /* already gone */ }
    await new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else { this.child.on('exit', resolve); setTimeout(() => { this.child.kill('SIGKILL'); resolve(); }, 5000); }
    });
    rmSync(this.profile, { recursive: true, force: true });
  }
}

// ---- the scenario ------------------------------------------------------------------------------
const rows = 'document.querySelectorAll("#journal-rows tr[data-seq]")';
const rowCount = `${rows}.length`;
const shownMethods = `[...${rows}].map(r => r.children[2].textContent)`;

async function main() {
  const org = (await call('POST', '/__mock/orgs', { body: { fixture: 'zylker' } })).json;
  const orgId = org.org_id;
  const secrets = [org.access_token, org.refresh_token, org.client_secret];
  console.log(`org ${orgId} (zylker fixture)`);
  await call('PUT', `/__mock/orgs/${orgId}/clock`, { body: { now: '2023-02-07T20:13:20+05:30' } });
  await call('POST', `/__mock/orgs/${orgId}/faults`, {
    body: { method: 'GET', url_path_pattern: '/user_type$', error: { code: 'INTERNAL_ERROR' }, times: 1 },
  });
  await call('POST', `/__mock/orgs/${orgId}/faults`, {
    body: { url_path_pattern: '/users$', latency_ms: [50, 150], rate: 0.5, seed: 7 },
  });
  await call('POST', `/__mock/orgs/${orgId}/snapshots`);
  const stub = await call('POST', '/__mock/faults', {
    body: { method: 'GET', url_path: '/crm/v8/org', response: { status: 202, body: {} }, description: 'a stub for every org' },
  });

  const browser = new Browser();
  try {
    await browser.open(`${base}/__mock/ui#org=${encodeURIComponent(orgId)}`);
    await browser.until(`document.querySelector('[data-org="${orgId}"][aria-pressed="true"]')`,
      'the page lists the org, selected');
    await browser.until(`document.getElementById('journal-count').textContent === '0 of 0 requests shown'`,
      'the org has no request yet');
    check(await browser.eval(`document.querySelector('#fault-rows').textContent.includes('error INTERNAL_ERROR')`),
      'the active faults are listed');
    check(await browser.eval(`document.querySelector('#fault-rows').textContent.includes('every orgGET/crm/v8/organswers 202 (a stub for every org)')`),
      'a server-wide stub is listed as hitting every org');
    check(await browser.eval(`document.querySelector('#snapshot-rows').textContent.includes('snap-1')`),
      'the snapshot is listed');
    check(await browser.eval(`document.querySelector('#org-rows').textContent.includes('Client Portal (default): 1 active, 0 inactive')`),
      'the org row shows its user types and user counts');
    check(await browser.eval(`document.querySelector('#org-rows').textContent.includes('2023-02-07T20:13:20+05:30')`),
      "the org row shows the org's fixed clock");

    // The integration talks to the mock while the page is open.
    const token = org.access_token;
    const portals = '/crm/v8/settings/portals';
    const sent = [
      await call('GET', portals, { token }),
      await call('GET', `${portals}/ZylkerAutos/user_type`, { token }),
      await call('POST', portals, { token, body: { portals: [{ name: '<b>Second</b><img src=x onerror=alert(1)>' }] } }),
      await call('PUT', `${portals}/ZylkerAutos/user_type/1306462000001813022/users/actions/change_status`, {
        token, body: { change_status: [{ users: [{ active: false, personality_id: '1306462000000659009' }] }] },
      }),
      await call('POST', '/oauth/v2/token', {
        form: { grant_type: 'refresh_token', client_id: org.client_id, client_secret: org.client_secret, refresh_token: org.refresh_token },
      }),
    ];
    secrets.push(sent[4].json.access_token);
    console.log(`sent 5 requests: ${sent.map((s) => s.status).join(', ')}`);
    check(sent[1].status === 500, 'the fault answered the user-type list 500');

    await browser.until(`${rowCount} === 5`, 'the 5 requests appear without a reload');
    check(JSON.stringify(await browser.eval(shownMethods)) === JSON.stringify(['POST', 'PUT', 'POST', 'GET', 'GET']),
      'newest first: POST, PUT, POST, GET, GET');
    await browser.until(`document.querySelector('#job-rows').textContent.includes('change_status')`,
      'the scheduled job appears');

    // Filters: method, path, status.
    await browser.choose('#filter-method', 'POST');
    await browser.until(`${rowCount} === 2`, 'method POST keeps 2 requests');
    check((await browser.eval(shownMethods)).every((m) => m === 'POST'), 'only POST requests are shown');
    await browser.type('#filter-path', 'settings');
    await browser.until(`${rowCount} === 1`, 'method POST and path "settings" keep 1 request');
    await browser.choose('#filter-method', '');
    await browser.until(`${rowCount} === 4`, 'path "settings" alone keeps 4 requests');
    await browser.type('#filter-path', '');
    await browser.type('#filter-status', '5');
    await browser.until(`${rowCount} === 1 && ${rows}[0].children[4].textContent === '500'`,
      'status 5 keeps the faulted 500');
    await browser.type('#filter-status', '');
    await browser.until(`${rowCount} === 5`, 'cleared filters show all 5 again');

    // A request that arrives now appears on the next poll, above the others.
    await call('GET', `${portals}/meta?module=Contacts`, { token });
    await browser.until(`${rowCount} === 6 && ${rows}[0].children[3].textContent.includes('/meta')`,
      'a request sent later appears at the top');

    // Open one: headers and bodies on demand, secrets redacted, data as text.
    const post = `[...${rows}].find(r => r.children[2].textContent === 'POST' && r.children[3].textContent.endsWith('/settings/portals'))`;
    const seq = await browser.eval(`${post}.dataset.seq`);
    await browser.click(`button[data-open="${seq}"]`);
    await browser.until(`document.getElementById('request-${seq}')`, 'the request opens');
    const detail = `document.getElementById('request-${seq}')`;
    check(await browser.eval(`document.querySelector('button[data-open="${seq}"]').getAttribute('aria-expanded') === 'true'`),
      'its button says it is expanded');
    check(await browser.eval(`${detail}.textContent.includes('Zoho-oauthtoken [REDACTED]')`),
      'the Authorization header is redacted');
    check(await browser.eval(`${detail}.querySelector('pre').textContent.includes('<b>Second</b><img src=x onerror=alert(1)>')`),
      'the body is shown as sent, as text');
    check(await browser.eval(`${detail}.querySelectorAll('b, img').length === 0`),
      'markup in the body stays text (no element made of it)');
    check(await browser.eval(`${detail}.querySelectorAll('pre').length === 2`), 'the body and the answer are shown');
    const oauthSeq = await browser.eval(`[...${rows}].find(r => r.children[3].textContent === '/oauth/v2/token').dataset.seq`);
    await browser.click(`button[data-open="${oauthSeq}"]`);
    await browser.until(`document.getElementById('request-${oauthSeq}')`, 'the token request opens');
    check(await browser.eval(`document.getElementById('request-${oauthSeq}').textContent.includes('"client_secret": "[REDACTED]"')`),
      'the client secret in the token request is redacted');

    // Every org's requests, with those no org could be told for (an unknown token).
    const unknownToken = '1000.unknown.dashboard';
    secrets.push(unknownToken);
    check((await call('GET', portals, { token: unknownToken })).status === 401, 'an unknown token answers 401');
    await browser.click('#watch-all');
    const orphan = `[...${rows}].find(r => r.children[4].textContent === 'none' && r.children[5].textContent === '401')`;
    await browser.until(`document.getElementById('watch-all').getAttribute('aria-pressed') === 'true' && ${orphan}`,
      '"All requests" shows the request of no org, with an org column');
    check(await browser.eval(`document.getElementById('org-title').textContent === 'All requests'
      && document.getElementById('jobs').hidden && document.getElementById('snapshots').hidden`),
      '"All requests" has its own heading and no jobs or snapshots');
    check(await browser.eval(`[...${rows}].filter(r => r.children[4].textContent === '${orgId}').length === 6`),
      "the org's 6 requests are there too");
    const orphanSeq = await browser.eval(`${orphan}.dataset.seq`);
    await browser.click(`button[data-open="${orphanSeq}"]`);
    await browser.until(`document.getElementById('request-${orphanSeq}')
      && document.getElementById('request-${orphanSeq}').textContent.includes('Zoho-oauthtoken [REDACTED]')`,
      "the request of no org opens, its token redacted");

    const html = await browser.eval('document.documentElement.outerHTML');
    check(secrets.every((secret) => secret && !html.includes(secret)),
      'no token, refresh token or client secret anywhere in the page');

    // Back to the org, by its button; the portal request opened for the screenshot.
    await browser.click(`[data-org="${orgId}"]`);
    await browser.until(`document.querySelector('[data-org="${orgId}"]').getAttribute('aria-pressed') === 'true'
      && ${rowCount} === 6 && document.getElementById('org-column').hidden`, 'the org is watched again');
    await browser.click(`button[data-open="${seq}"]`);
    await browser.until(`document.getElementById('request-${seq}')`, 'the portal request opens again');

    // Accessible markup.
    check(await browser.eval(`[...document.querySelectorAll('input, select')].every(f => f.labels && f.labels.length > 0)`),
      'every input and select has a label');
    check(await browser.eval(`[...document.querySelectorAll('table')].filter(t => !t.closest('tr.detail')).every(t => t.caption && t.caption.textContent.trim())`),
      'every table has a caption');
    check(await browser.eval(`[...document.querySelectorAll('th')].every(th => th.getAttribute('scope'))`),
      'every header cell has a scope');
    check(await browser.eval(`document.querySelectorAll('h1').length === 1 && document.querySelectorAll('h2, h3').length >= 5`),
      'one h1 and section headings');

    // Nothing external, nothing wrong.
    check(await browser.eval(`performance.getEntriesByType('resource').every(e => new URL(e.name).origin === location.origin)`),
      'every resource the page loaded is from the mock itself');
    check(await browser.eval(`document.scripts.length === 1 && document.scripts[0].src.endsWith('/__mock/ui/dashboard.js')`),
      'one script, its own');
    const problems = browser.problems();
    check(problems.length === 0, `no console error, exception or CSP violation${problems.length ? `: ${problems.join(' | ')}` : ''}`);

    writeFileSync(path.join(out, 'dom.html'), html);
    await browser.screenshot(path.join(out, 'dashboard.png'));
    console.log(`screenshot: ${path.join(out, 'dashboard.png')}`);
  } finally {
    await browser.close();
    await call('DELETE', `/__mock/orgs/${orgId}`);
    await call('DELETE', `/__mock/faults/${stub.json.fault_id}`);
  }
  if (failures > 0) {
    console.error(`examples/dashboard: ${failures} check(s) FAILED`);
    if (browser.stderr.trim()) console.error(`chromium said:\n${browser.stderr.split('\n').slice(-10).join('\n')}`);
    process.exit(1);
  }
  console.log('examples/dashboard: every check passed');
}

main().catch((error) => {
  console.error(`examples/dashboard: FAILED: ${error.stack || error}`);
  process.exit(1);
});
