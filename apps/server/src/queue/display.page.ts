// The waiting-room page itself: static HTML, CSS and a script in ES5 (older
// TV browsers), polling its own state address. No keyboard needed, big type,
// high contrast; it says so when the connection drops and keeps trying.

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function displayHtml(branchName: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Now serving · ${escapeHtml(branchName)}</title>
<link rel="stylesheet" href="/display/_/display.css"></head>
<body><header><h1>${escapeHtml(branchName)}</h1><p id="clock" aria-hidden="true"></p></header>
<main id="board" data-testid="display-board" aria-live="polite"><p class="empty">Loading…</p></main>
<footer id="status" role="status"></footer>
<script src="/display/_/display.js"></script></body></html>`;
}

export const DISPLAY_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;background:#0b1220;color:#f8fafc;font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
body{display:flex;flex-direction:column;padding:2.5vh 3vw}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:3px solid #334155;padding-bottom:1.5vh}
h1{font-size:4.5vh;margin:0;font-weight:600}
#clock{font-size:4.5vh;margin:0;color:#cbd5e1;font-variant-numeric:tabular-nums}
main{flex:1;display:flex;gap:3vw;padding-top:3vh;overflow:hidden}
.session{flex:1;display:flex;flex-direction:column;min-width:0}
.session h2{font-size:4vh;margin:0 0 2vh;color:#93c5fd;font-weight:600}
.label{font-size:3vh;text-transform:uppercase;letter-spacing:.12em;color:#cbd5e1;margin:0 0 1vh}
.serving{display:flex;flex-direction:column;gap:2vh;margin-bottom:4vh}
.call{display:flex;align-items:center;justify-content:space-between;background:#facc15;color:#0b1220;border-radius:2vh;padding:2vh 3vw}
.call .number{font-size:16vh;font-weight:800;line-height:1;font-variant-numeric:tabular-nums}
.call .where{font-size:5vh;font-weight:700;text-align:right}
.call .who{display:block;font-size:3.5vh;font-weight:600}
.call.fresh{animation:flash 1s ease-in-out 3}
@keyframes flash{50%{background:#fff}}
.next{display:flex;flex-wrap:wrap;gap:1.5vw;margin:0;padding:0;list-style:none}
.next li{font-size:7vh;font-weight:700;background:#1e293b;border:2px solid #475569;border-radius:1.5vh;padding:1vh 2vw;font-variant-numeric:tabular-nums}
.next li span{display:block;font-size:2.5vh;font-weight:500;color:#cbd5e1}
.empty{font-size:5vh;color:#cbd5e1}
footer{font-size:2.5vh;color:#fca5a5;min-height:3vh}
`;

export const DISPLAY_JS = `(function () {
  var stateUrl = window.location.pathname.replace(/\\/+$/, '') + '/state';
  var board = document.getElementById('board');
  var statusLine = document.getElementById('status');
  var clock = document.getElementById('clock');
  var lastCalls = null;
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.appendChild(document.createTextNode(String(text))); return e; }
  function render(state) {
    var seen = {};
    board.innerHTML = '';
    if (!state.sessions.length) { board.appendChild(el('p', 'empty', 'No queue is running right now.')); }
    for (var i = 0; i < state.sessions.length; i++) {
      var s = state.sessions[i];
      var box = el('section', 'session');
      box.setAttribute('data-testid', 'display-session');
      box.appendChild(el('h2', '', s.name));
      box.appendChild(el('p', 'label', 'Now serving'));
      var serving = el('div', 'serving');
      if (!s.nowServing.length) serving.appendChild(el('p', 'empty', '—'));
      for (var j = 0; j < s.nowServing.length; j++) {
        var c = s.nowServing[j];
        var key = s.id + ':' + c.number + ':' + c.counter;
        seen[key] = true;
        var call = el('div', 'call' + (lastCalls && !lastCalls[key] ? ' fresh' : ''));
        call.setAttribute('data-testid', 'display-now-serving');
        call.appendChild(el('span', 'number', c.number));
        var where = el('span', 'where', c.counter);
        if (c.firstName) where.appendChild(el('span', 'who', c.firstName));
        call.appendChild(where);
        serving.appendChild(call);
      }
      box.appendChild(serving);
      box.appendChild(el('p', 'label', 'Next'));
      var next = el('ul', 'next');
      next.setAttribute('data-testid', 'display-next');
      for (var k = 0; k < s.next.length; k++) {
        var li = el('li', '', s.next[k].number);
        if (s.next[k].firstName) li.appendChild(el('span', '', s.next[k].firstName));
        next.appendChild(li);
      }
      if (!s.next.length) next.appendChild(el('li', '', '—'));
      box.appendChild(next);
      board.appendChild(box);
    }
    lastCalls = seen;
  }
  function tick() {
    var d = new Date();
    clock.textContent = (d.getHours() < 10 ? '0' : '') + d.getHours() + ':' + (d.getMinutes() < 10 ? '0' : '') + d.getMinutes();
  }
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', stateUrl, true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      if (xhr.status === 200) {
        statusLine.textContent = '';
        try { render(JSON.parse(xhr.responseText)); } catch (e) { statusLine.textContent = 'Could not read the queue.'; }
      } else if (xhr.status === 404) {
        board.innerHTML = '';
        board.appendChild(el('p', 'empty', 'This display has been switched off by the clinic.'));
      } else {
        statusLine.textContent = 'Reconnecting…';
      }
      setTimeout(poll, 2000);
    };
    xhr.send();
  }
  tick(); setInterval(tick, 10000); poll();
})();
`;
