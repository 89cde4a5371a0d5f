/**
 * The join page's one script (inlined, allowed by its CSP hash: the venue may
 * be offline, so nothing is fetched from elsewhere). It shows the event's
 * times in the phone's own time zone with a live status, registers, keeps
 * the key in this browser's localStorage (a reload shows it again; a printed
 * card's claim URL hands it over in the fragment, which no server sees), fills
 * the key into the samples and the `.env`, and reads "my usage" (today, each
 * day of the event, and a CSV of it to keep).
 * Plain ES2017 with no template literals, so it can live in a TS string.
 */
export const joinScript = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('kit-data').textContent);
  var SLOT = data.keySlot;
  var storeKey = 'ai-proxy-kit:' + data.code.toLowerCase();
  var skew = data.serverNow - Date.now();
  var current = null;
  var $ = function (id) { return document.getElementById(id); };
  var say = function (text) { $('live').textContent = ''; setTimeout(function () { $('live').textContent = text; }, 50); };
  var fill = function (text, key) { return text.split(SLOT).join(key); };

  var dateFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  var timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  var start = Date.parse(data.startsAt), end = Date.parse(data.endsAt);
  var sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  $('when').textContent = dateFmt.format(start) + ' – ' + (sameDay ? timeFmt.format(end) : dateFmt.format(end));
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  $('zone').textContent = 'Your time' + (zone ? ' (' + zone + ')' : '') + (zone && zone !== data.timeZone ? ' · the venue uses ' + data.timeZone : '');

  function span(ms) {
    var m = Math.max(1, Math.ceil(ms / 60000));
    if (m < 60) return m + ' min';
    var h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d >= 2) return d + ' days';
    return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
  }
  function status() {
    var now = Date.now() + skew, el = $('status');
    var state = now < start ? 'soon' : now < end ? 'live' : 'ended';
    el.dataset.state = state;
    if (state === 'soon') {
      var s = Math.ceil((start - now) / 1000);
      el.textContent = 'Starts in ' + (s < 3600 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s' : span(start - now)) + ' · you can register now';
    } else if (state === 'live') el.textContent = 'Live now · ends in ' + span(end - now);
    else el.textContent = 'This event has ended';
    if (state === 'ended' && !current) {
      $('register-form').hidden = true;
      $('closed').hidden = false;
    }
    return state;
  }
  if (status() !== 'ended') var ticker = setInterval(function () { if (status() === 'ended') clearInterval(ticker); }, 1000);

  function copy(text, button, what) {
    var done = function () {
      var old = button.dataset.label || button.textContent;
      button.dataset.label = old;
      button.textContent = 'Copied ✓';
      say(what + ' copied to the clipboard');
      setTimeout(function () { button.textContent = old; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(); });
    } else fallback();
    function fallback() {
      // Plain-http LAN pages are not a "secure context": no Clipboard API there.
      var t = document.createElement('textarea');
      t.value = text; t.setAttribute('readonly', ''); t.style.position = 'fixed'; t.style.opacity = '0';
      document.body.appendChild(t); t.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(t);
      if (ok) done(); else say('Copy did not work here: press and hold the text to copy it');
    }
  }
  function download(name, text, type) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }

  function showKey(saved) {
    current = saved;
    $('register').hidden = true;
    $('mine').hidden = false;
    $('samples').hidden = !data.samples.length;
    $('key').textContent = saved.apiKey;
    $('hello').textContent = saved.name ? 'Welcome, ' + saved.name + '!' : 'You are registered.';
    $('claimed').hidden = !saved.claimed;
    selectSample(data.samples.length ? data.samples[0].id : null);
    refreshUsage();
  }
  function forget() {
    localStorage.removeItem(storeKey);
    current = null;
    $('mine').hidden = true;
    $('samples').hidden = true;
    $('register').hidden = false;
    say('Key removed from this device');
  }

  function selectSample(id) {
    var tabs = document.querySelectorAll('[role=tab]');
    for (var i = 0; i < tabs.length; i++) {
      var on = tabs[i].dataset.sample === id;
      tabs[i].setAttribute('aria-selected', on ? 'true' : 'false');
      tabs[i].tabIndex = on ? 0 : -1;
    }
    var s = data.samples.filter(function (x) { return x.id === id; })[0];
    if (!s || !current) return;
    $('sample-run').textContent = s.run;
    $('sample-code').textContent = fill(s.code, current.apiKey);
    $('sample-panel').setAttribute('aria-labelledby', 'tab-' + s.id);
    $('sample-panel').dataset.sample = s.id;
  }
  function sampleNow() {
    var id = $('sample-panel').dataset.sample;
    return data.samples.filter(function (x) { return x.id === id; })[0];
  }

  // The whole event, a row per day (the event's days, in its zone), built with textContent only.
  var dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  function showDays(u) {
    var table = $('usage-days'), body = table.tBodies[0];
    body.textContent = '';
    (u.days || []).forEach(function (d) {
      var tr = document.createElement('tr');
      [dayFmt.format(Date.parse(d.day + 'T12:00:00Z')), d.requests.toLocaleString(), d.totalTokens.toLocaleString()].forEach(function (v, i) {
        var td = document.createElement(i ? 'td' : 'th');
        if (i) td.className = 'num'; else td.scope = 'row';
        td.textContent = v;
        tr.appendChild(td);
      });
      tr.dataset.day = d.day;
      body.appendChild(tr);
    });
    $('usage-total-requests').textContent = u.eventTotals.requests.toLocaleString();
    $('usage-total-tokens').textContent = u.eventTotals.totalTokens.toLocaleString();
    table.hidden = !(u.days && u.days.length);
  }

  function downloadUsage(button) {
    fetch(location.pathname.replace(/\/$/, '') + '/usage.csv', { headers: { 'api-key': current.apiKey }, cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        var name = (/filename="([^"]+)"/.exec(r.headers.get('content-disposition') || '') || [])[1] || 'my-usage.csv';
        return r.blob().then(function (b) {
          var a = document.createElement('a');
          a.href = URL.createObjectURL(b);
          a.download = name;
          document.body.appendChild(a); a.click(); a.remove();
          setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
          say('Usage saved as ' + name);
        });
      })
      .catch(function () { say('Could not download your usage'); button.textContent = 'Try the download again'; });
  }

  function refreshUsage() {
    if (!current) return;
    var out = $('usage');
    fetch(location.pathname.replace(/\/$/, '') + '/usage', { headers: { 'api-key': current.apiKey }, cache: 'no-store' })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (r) {
        if (!r.ok) { out.textContent = r.body.error ? r.body.error.message : 'Usage is not available.'; return; }
        var u = r.body;
        if (u.revoked) { out.textContent = 'The organizer revoked this key.'; return; }
        var reqs = u.dailyRequestCap ? u.requests + ' of ' + u.dailyRequestCap + ' requests (' + u.requestsLeft + ' left)' : u.requests + ' requests (no daily cap)';
        out.textContent = 'Today: ' + reqs + ' · ' + u.totalTokens.toLocaleString() + ' tokens. Resets ' + dateFmt.format(Date.parse(u.resetsAt)) + '.';
        showDays(u);
      })
      .catch(function () { out.textContent = 'Could not reach the kit to read your usage.'; });
  }

  // A printed card's claim URL carries the key in the fragment: take it, then drop it from the address bar.
  var m = /[#&]key=([^&]+)/.exec(location.hash);
  if (m) {
    var claimed = { apiKey: decodeURIComponent(m[1]), claimed: true };
    localStorage.setItem(storeKey, JSON.stringify(claimed));
    history.replaceState(null, '', location.pathname + location.search);
  }
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(storeKey) || 'null'); } catch (e) { saved = null; }
  if (saved && saved.apiKey) showKey(saved);

  $('register-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = new FormData(e.target), button = $('register-button'), err = $('error');
    err.textContent = '';
    button.disabled = true;
    button.textContent = 'Registering…';
    fetch(location.pathname, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: f.get('name') || undefined, password: f.get('password') || undefined })
    })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (r) {
        if (!r.ok) { err.textContent = r.body.error ? r.body.error.message : 'Registration failed.'; return; }
        var s = { apiKey: r.body.apiKey, name: r.body.name };
        localStorage.setItem(storeKey, JSON.stringify(s));
        showKey(s);
        say('Registered. Your key is on the screen.');
        $('mine').focus();
      })
      .catch(function () { err.textContent = 'Could not reach the kit. Are you on the event Wi-Fi?'; })
      .then(function () { button.disabled = false; button.textContent = 'Register'; });
  });

  // Azure AI Proxy-style shared code: the key is <event code>@<shared code>/<email>; "my usage" checks it.
  var sharedForm = $('shared-form');
  if (sharedForm) sharedForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = new FormData(e.target), err = $('shared-error');
    var shared = String(f.get('sharedCode') || '').trim(), who = String(f.get('identity') || '').trim();
    err.textContent = '';
    if (!shared || !who || /[\s/]/.test(who)) { err.textContent = 'Enter the shared code and your email (no spaces).'; return; }
    var key = data.code + '@' + shared + '/' + who;
    fetch(location.pathname.replace(/\/$/, '') + '/usage', { headers: { 'api-key': key }, cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) { err.textContent = r.status === 401 ? 'That shared code is not right for this event.' : 'The kit refused it (' + r.status + ').'; return; }
        var s = { apiKey: key, name: who };
        localStorage.setItem(storeKey, JSON.stringify(s));
        showKey(s);
        say('Your key is on the screen.');
      })
      .catch(function () { err.textContent = 'Could not reach the kit. Are you on the event Wi-Fi?'; });
  });

  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('button') : null;
    if (!t || !current) return;
    if (t.id === 'copy-key') copy(current.apiKey, t, 'Key');
    else if (t.id === 'copy-endpoint') copy(data.endpoint, t, 'Endpoint');
    else if (t.id === 'copy-sample') copy($('sample-code').textContent, t, 'Sample');
    else if (t.id === 'download-sample') download(sampleNow().filename, $('sample-code').textContent, 'text/plain');
    else if (t.id === 'download-env') download('.env', fill(data.env, current.apiKey), 'text/plain');
    else if (t.id === 'refresh-usage') refreshUsage();
    else if (t.id === 'download-usage') downloadUsage(t);
    else if (t.id === 'forget') forget();
    else if (t.dataset.sample) selectSample(t.dataset.sample);
  });
  $('tabs').addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[role=tab]'));
    var i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    var next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next.focus(); selectSample(next.dataset.sample);
  });
})();
`;
