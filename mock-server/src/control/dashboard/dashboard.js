// The dashboard's script (GET /__mock/ui/dashboard.js): every 2 s it reads the control plane's
// JSON routes (same origin, GET only: the dashboard changes nothing) and renders them. Every
// value is put in the page as a text node or an attribute value, never parsed as markup. The
// journal shown is the journal's own JSON, with its secrets already redacted by the mock.
'use strict';

(() => {
  const POLL_MS = 2000;
  const ALL = '*'; // watching every org's requests (and those of no org)
  const KEEP = 500; // requests kept in the page, newest first
  const RESYNC_EVERY = 10; // polls between two full reads of the journal (it may be cleared)

  const view = {
    orgs: [], // {org_id, fixture, summary, clock, limits, environment}
    org: null, // the org watched
    entries: [], // its journal, oldest first
    lastSeq: 0,
    open: null, // the seq of the request shown in full
    polls: 0,
    rendered: '', // what the journal table shows now, to render only on change
    timer: null,
  };

  const $ = (id) => document.getElementById(id);

  // An element with attributes (`text` sets its text) and children (nodes or strings, as text).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  const none = (text) => el('span', { class: 'none', text });
  const enc = encodeURIComponent;

  async function getJSON(path) {
    const response = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) {
      const error = new Error(`${path} answered ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  // The org's part of a route, or null when the org went away meanwhile.
  const orgPart = (orgId, part) => getJSON(`/__mock/orgs/${enc(orgId)}/${part}`)
    .catch((error) => { if (error.status === 404) return null; throw error; });

  function setStatus(text, bad) {
    const status = $('status');
    if (status.textContent !== text) status.textContent = text;
    status.classList.toggle('bad', Boolean(bad));
    document.querySelector('header').classList.toggle('failed', Boolean(bad));
  }

  async function poll() {
    view.timer = null;
    try {
      const { orgs } = await getJSON('/__mock/orgs');
      const read = await Promise.all(orgs.map(async (org) => {
        const [summary, clock, limits, environment] = await Promise.all(
          ['summary', 'clock', 'limits', 'environment'].map((part) => orgPart(org.org_id, part)));
        return summary && { ...org, summary, clock, limits, environment };
      }));
      view.orgs = read.filter(Boolean);
      chooseOrg();
      renderOrgs();
      if (view.org) await pollOrg(view.org);
      setStatus('connected');
      $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      setStatus(`cannot read the control plane: ${error.message}`, true);
    }
    view.polls += 1;
    schedule();
  }

  function schedule() {
    if (view.timer === null && $('live').checked) view.timer = setTimeout(poll, POLL_MS);
  }

  // The org named in the address (#org=ID, #org=* for all), else the one watched, else the first.
  function chooseOrg() {
    const wanted = new URLSearchParams(location.hash.slice(1)).get('org');
    const ids = view.orgs.map((org) => org.org_id);
    const next = [wanted, view.org, ids[0]].find((id) => id && (id === ALL || ids.includes(id))) || null;
    if (next !== view.org) {
      view.org = next;
      view.entries = [];
      view.lastSeq = 0;
      view.open = null;
      view.rendered = '';
    }
  }

  function watch(orgId) {
    history.replaceState(null, '', `#org=${enc(orgId)}`);
    chooseOrg();
    renderOrgs();
    if (view.timer !== null) clearTimeout(view.timer);
    view.timer = null;
    poll();
  }

  function renderOrgs() {
    const rows = view.orgs.map((org) => {
      const selected = org.org_id === view.org;
      return el('tr', { class: selected ? 'selected' : null },
        el('th', { scope: 'row' }, el('button', {
          type: 'button', 'aria-pressed': String(selected), 'data-org': org.org_id,
          onclick: () => watch(org.org_id), text: org.org_id,
        })),
        el('td', { text: org.fixture }),
        el('td', {}, portalCell(org.summary)),
        el('td', {}, userTypesCell(org.summary)),
        el('td', { text: org.environment ? org.environment.environment : '?' }),
        el('td', {}, clockCell(org.clock)),
        el('td', {}, limitsCell(org.limits)));
    });
    if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 7 }, none('no org'))));
    keepFocus(() => $('org-rows').replaceChildren(...rows));
    const all = view.org === ALL;
    $('watch-all').setAttribute('aria-pressed', String(all));
    $('org').hidden = view.org === null;
    $('org-title').replaceChildren(...(all ? ['All requests']
      : ['Org ', el('code', { text: view.org || '' })]));
    $('snapshots').hidden = all;
    $('jobs').hidden = all;
    $('org-column').hidden = !all;
  }

  function portalCell(summary) {
    const portal = summary.portal;
    if (!portal) return none('no portal');
    return [el('code', { text: portal.name }), portal.active ? '' : ' (inactive)',
      el('br'), el('span', { class: 'none', text: `${summary.company_name}, ${summary.edition}${summary.trial ? ' trial' : ''}` })];
  }

  function userTypesCell(summary) {
    const types = summary.user_types;
    const crm = `${summary.crm_users} CRM user${summary.crm_users === 1 ? '' : 's'}`;
    if (types.length === 0) return [none('no user types'), el('br'), none(crm)];
    return [el('ul', {}, types.map((type) => el('li', {},
      `${type.name}${type.default ? ' (default)' : ''}: `,
      `${type.active_users} active, ${type.inactive_users} inactive`,
      type.active ? '' : ' (type inactive)'))), none(crm)];
  }

  function clockCell(clock) {
    if (!clock) return none('?');
    let how = 'real time';
    if (clock.fixed) how = 'fixed';
    else if (clock.shift_seconds) how = `${clock.shift_seconds > 0 ? '+' : ''}${clock.shift_seconds} s`;
    return [el('code', { text: clock.now }), el('br'), none(how)];
  }

  function limitsCell(limits) {
    if (!limits) return none('?');
    const credits = limits.credits || {};
    const concurrency = limits.concurrency || {};
    return [`${limits.enforced ? 'enforced' : 'not enforced'}${limits.overridden ? ' (overridden)' : ''}`,
      el('br'), none(`credits ${credits.used}/${credits.limit}, in flight ${concurrency.in_flight}/${concurrency.limit}`)];
  }

  async function pollOrg(orgId) {
    const resync = view.lastSeq === 0 || view.polls % RESYNC_EVERY === 0;
    const since = resync ? '' : `?since=${view.lastSeq}`;
    const all = orgId === ALL;
    const [journal, faults, everyOrg, snapshots, jobs] = await Promise.all([
      all ? getJSON(`/__mock/requests${since}`) : orgPart(orgId, `requests${since}`),
      all ? null : orgPart(orgId, 'faults'), getJSON('/__mock/faults'),
      all ? null : orgPart(orgId, 'snapshots'), all ? null : orgPart(orgId, 'jobs'),
    ]);
    if (orgId !== view.org || journal === null) return;
    view.entries = resync ? journal.requests : view.entries.concat(journal.requests);
    if (view.entries.length > KEEP) view.entries = view.entries.slice(-KEEP);
    if (view.entries.length > 0) view.lastSeq = view.entries[view.entries.length - 1].seq;
    renderJournal();
    renderFaults((faults ? faults.faults : []).concat(everyOrg.faults));
    renderSnapshots(snapshots ? snapshots.snapshots : []);
    renderJobs(jobs ? jobs.jobs : []);
  }

  function filters() {
    return {
      verb: $('filter-method').value,
      path: $('filter-path').value.trim().toLowerCase(),
      status: $('filter-status').value.trim(),
    };
  }

  const keeps = (f) => (entry) => (!f.verb || entry.method === f.verb)
    && (!f.path || entry.path.toLowerCase().includes(f.path))
    && (!f.status || String(entry.status).startsWith(f.status));

  function renderJournal() {
    const all = view.org === ALL;
    const columns = all ? 7 : 6;
    const f = filters();
    const shown = view.entries.filter(keeps(f)).reverse();
    const signature = JSON.stringify([view.org, f, view.open, view.entries.length, view.lastSeq,
      view.entries.length && view.entries[0].seq]);
    if (signature === view.rendered) return;
    view.rendered = signature;
    const rows = [];
    for (const entry of shown) {
      const open = entry.seq === view.open;
      const bad = entry.status === 0 || entry.status >= 400;
      rows.push(el('tr', { 'data-seq': entry.seq },
        el('td', { text: entry.seq }),
        el('td', {}, el('time', { datetime: entry.time, text: entry.time.slice(11, 19), title: entry.time })),
        el('td', { class: 'method', text: entry.method }),
        el('td', {}, el('code', { text: entry.path })),
        all ? el('td', {}, entry.org_id === null ? none('none') : el('code', { text: entry.org_id })) : null,
        el('td', { class: bad ? 'status-bad' : 'status-ok', text: entry.status === 0 ? 'reset' : entry.status }),
        el('td', {}, el('button', {
          type: 'button', 'aria-expanded': String(open), 'aria-controls': open ? `request-${entry.seq}` : null,
          'data-open': entry.seq, onclick: () => toggle(entry.seq),
        }, open ? 'Hide' : 'Show', el('span', { class: 'visually-hidden', text: ` request ${entry.seq}` })))));
      if (open) rows.push(detailRow(entry, columns));
    }
    if (rows.length === 0) {
      rows.push(el('tr', {}, el('td', { colspan: columns },
        none(view.entries.length ? 'no request matches the filters' : 'no request yet'))));
    }
    keepFocus(() => $('journal-rows').replaceChildren(...rows));
    $('journal-count').textContent = `${shown.length} of ${view.entries.length} requests shown`;
  }

  function toggle(seq) {
    view.open = view.open === seq ? null : seq;
    renderJournal();
  }

  const pretty = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

  function pairsTable(caption, pairs) {
    const keys = Object.keys(pairs || {});
    if (keys.length === 0) return el('p', {}, `${caption}: `, none('none'));
    return el('table', {}, el('caption', { text: caption }),
      el('tbody', {}, keys.map((key) => el('tr', {},
        el('th', { scope: 'row' }, el('code', { text: key })),
        el('td', {}, el('code', { text: pairs[key] }))))));
  }

  function detailRow(entry, columns) {
    const query = Object.keys(entry.query || {}).length
      ? `?${new URLSearchParams(entry.query).toString()}` : '';
    return el('tr', { class: 'detail', id: `request-${entry.seq}` }, el('td', { colspan: columns },
      el('h4', {}, `Request ${entry.seq}: `, el('code', { text: `${entry.method} ${entry.path}${query}` })),
      el('p', { class: 'meta' }, `${entry.time} · org ${entry.org_id || 'unknown'} · answered `,
        el('strong', { text: entry.status === 0 ? 'a reset connection' : entry.status })),
      pairsTable('Query', entry.query),
      pairsTable('Headers (secrets redacted)', entry.headers),
      el('h4', { text: 'Body' }),
      entry.body === null ? none('none') : el('pre', { text: pretty(entry.body) }),
      el('h4', { text: 'Answer' }),
      entry.response === null ? none('none') : el('pre', { text: pretty(entry.response) })));
  }

  function renderRows(id, items, columns, empty) {
    const rows = items.map((item) => el('tr', {}, columns(item).map((cell, i) => (i === 0
      ? el('th', { scope: 'row' }, el('code', { text: cell }))
      : el('td', {}, cell)))));
    if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 9 }, none(empty))));
    $(id).replaceChildren(...rows);
  }

  function faultDoes(fault) {
    const does = [];
    if (fault.error) does.push(fault.error.code ? `error ${fault.error.code}` : `status ${fault.error.status}`);
    if (fault.response) does.push(`answers ${fault.response.status || 200}`);
    if (fault.reset_connection) does.push('resets the connection');
    if (fault.latency_ms !== undefined) {
      const latency = fault.latency_ms;
      does.push(`latency ${Array.isArray(latency) ? latency.join('–') : latency} ms`);
    }
    const text = does.join(', ') || 'nothing';
    return fault.description ? `${text} (${fault.description})` : text;
  }

  // The org's side tables, each a section with a heading and a captioned table whose body the
  // render functions below fill: [section id, heading, caption, column headers].
  const SIDE_TABLES = [
    ['faults', 'Active faults', 'Faults and stubs that hit this org’s requests',
      ['fault', 'scope', 'method', 'path', 'does', 'rate', 'remaining']],
    ['snapshots', 'Snapshots', 'Saved states of this org', ['snapshot', 'taken (UTC)']],
    ['jobs', 'Jobs', 'Bulk invites, status changes, transfers and deletes',
      ['job', 'kind', 'status', 'items']],
  ];

  function buildSideTables() {
    for (const [id, heading, caption, columns] of SIDE_TABLES) {
      const rows = `${id.replace(/s$/, '')}-rows`;
      $('side-tables').append(el('section', { id, 'aria-labelledby': `${id}-title` },
        el('h3', { id: `${id}-title`, text: heading }),
        el('table', {},
          el('caption', { text: caption }),
          el('thead', {}, el('tr', {}, columns.map((name) => el('th', { scope: 'col', text: name })))),
          el('tbody', { id: rows }))));
    }
  }

  const renderFaults = (faults) => renderRows('fault-rows', faults, (item) => [
    item.fault_id, item.org_id === null ? 'every org' : 'this org', item.fault.method || 'any',
    item.fault.url_path || item.fault.url_path_pattern || 'any',
    faultDoes(item.fault), item.fault.rate === undefined ? '1' : String(item.fault.rate),
    item.remaining === null ? 'unlimited' : String(item.remaining),
  ], 'no fault');

  const renderSnapshots = (snapshots) => renderRows('snapshot-rows', snapshots,
    (item) => [item.snapshot_id, item.created_time], 'no snapshot');

  const renderJobs = (jobs) => renderRows('job-rows', jobs, (item) => [
    item.job_id, item.kind, item.status,
    Array.isArray(item.data) ? `${item.data.length} results` : 'pending',
  ], 'no job');

  // Re-renders without losing the keyboard focus of a button that is rendered again.
  function keepFocus(render) {
    const active = document.activeElement;
    const key = active && (active.dataset.org ? `[data-org="${CSS.escape(active.dataset.org)}"]`
      : active.dataset.open ? `[data-open="${CSS.escape(active.dataset.open)}"]` : null);
    render();
    if (key) {
      const again = document.querySelector(key);
      if (again) again.focus();
    }
  }

  function start() {
    buildSideTables();
    for (const id of ['filter-method', 'filter-path', 'filter-status']) {
      $(id).addEventListener('input', renderJournal);
    }
    $('filters').addEventListener('submit', (event) => event.preventDefault());
    $('watch-all').addEventListener('click', () => watch(ALL));
    $('live').addEventListener('change', () => {
      if ($('live').checked) poll();
      else if (view.timer !== null) { clearTimeout(view.timer); view.timer = null; }
    });
    window.addEventListener('hashchange', () => { chooseOrg(); renderOrgs(); poll(); });
    poll();
  }

  start();
})();
