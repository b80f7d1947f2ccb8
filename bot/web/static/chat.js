// The chat, one code for the web handbook and the demo's sandbox: it draws
// the messages (the server sends Telegram's HTML subset only), their
// buttons and files, the reply keyboard, the command menu and the toasts;
// it long-polls for what changed and sends what the member types or
// presses. Each action carries a client id (sent again, it is applied
// once) and its age (how long ago the member acted). Plain JS, no build.
'use strict';
window.SotayChat = (function () {
  const $ = (id) => document.getElementById(id);
  const st = {
    opts: null,
    epoch: '',
    rev: 0,
    msgs: new Map(), // by message id
    commands: [],
    gen: 0, // bumps when the chat changes: stale polls stop
    poll: null, // AbortController of the running poll
    file: null,
    kbOpen: false,
    me: null, // the last "who is signed in", kept with the messages
    known: false, // the server said who is signed in: the queue may go
  };

  // ---- kept on the phone (opts.keep names it; the sandbox keeps nothing) ----
  // The messages shown stay readable offline: the page keeps the newest of
  // them in localStorage and shows them at once when it opens.
  const keptMax = 200;
  function keyOf(what) { return st.opts && st.opts.keep ? st.opts.keep + ':' + what : ''; }
  function load(what, dflt) {
    const k = keyOf(what);
    if (!k) return dflt;
    try { return JSON.parse(localStorage.getItem(k)) || dflt; } catch (_) { return dflt; }
  }
  function save(what, v) {
    const k = keyOf(what);
    if (!k) return;
    try { localStorage.setItem(k, JSON.stringify(v)); } catch (_) { /* full: the server has them */ }
  }
  let keepTimer = 0;
  function keepMessages() {
    if (!keyOf('msgs')) return;
    clearTimeout(keepTimer);
    keepTimer = setTimeout(() => {
      const ids = [...st.msgs.keys()].sort((a, b) => a - b).slice(-keptMax);
      save('msgs', { me: st.me, commands: st.commands, msgs: ids.map((id) => st.msgs.get(id)) });
    }, 300);
  }
  // forget drops what the page kept (signing out).
  function forget() {
    for (const w of ['msgs', 'queue']) {
      const k = keyOf(w);
      if (k) localStorage.removeItem(k);
    }
  }

  // api calls the server and throws an Error with its Vietnamese message,
  // its status and its body.
  async function api(path, opts) {
    const res = await fetch(path, Object.assign({ credentials: 'same-origin' }, opts));
    let body = null;
    try { body = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok) {
      const err = new Error((body && body.error) || ('Lỗi máy chủ (' + res.status + '). Đồng chí vui lòng thử lại.'));
      err.status = res.status;
      err.body = body;
      throw err;
    }
    return body;
  }

  function post(path, obj) {
    return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });
  }

  function newId() {
    const b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // ---- actions, and the queue of those made offline ----
  // An action the network did not take is kept on the phone (opts.keep)
  // and sent, in order, when the network returns, with the same client id
  // (the server applies it once) and its age: how long ago the member
  // acted, by this page's monotonic clock (performance.now()), not the
  // phone's wall clock, which is often wrong. Only an action kept by an
  // earlier load of the page falls back to the wall clock.
  const pageId = newId();
  let queue = []; // {path, body, made, wall, page}
  let flushing = false;

  function ageOf(it) {
    if (it.page === pageId) return Math.max(0, Math.round(performance.now() - it.made));
    return Math.max(0, Date.now() - it.wall);
  }

  function sendItem(it) {
    it.body.age = ageOf(it);
    return post(it.path, it.body);
  }

  // showPending shows how many actions wait, and the texts among them at
  // the end of the chat, greyed, until they are sent.
  function showPending() {
    const c = $('conn');
    c.title = queue.length ? queue.length + ' thao tác chờ gửi khi có mạng' : 'Kết nối';
    c.dataset.pending = queue.length ? String(queue.length) : '';
    const box = $('messages');
    for (const el of box.querySelectorAll('.pending')) el.remove();
    for (const it of queue) {
      if (it.path !== 'api/send') continue;
      const el = document.createElement('div');
      el.className = 'msg user pending';
      const text = document.createElement('div');
      text.className = 'text';
      text.textContent = it.body.text;
      const stamp = document.createElement('div');
      stamp.className = 'stamp';
      stamp.textContent = '⏳ chờ có mạng';
      el.append(text, stamp);
      box.append(el);
    }
  }

  function enqueue(it) {
    it.body.queued = true;
    queue.push(it);
    save('queue', queue);
    showPending();
    toast('Chưa có mạng: thao tác đã được lưu trên máy, sẽ tự gửi khi có mạng (' + queue.length + ' thao tác chờ).', true);
  }

  // flush sends the queue in order; it stops at the first network failure
  // (or a busy server) and leaves the rest for the next try. A refusal
  // (a stale button, say) is shown and dropped.
  async function flush() {
    if (flushing || !st.known) return;
    flushing = true;
    try {
      while (queue.length) {
        const it = queue[0];
        if (st.me && it.owner !== undefined && it.owner !== st.me.id) {
          queue.shift(); // another member's, made before they signed out
          save('queue', queue);
          continue;
        }
        try {
          const r = await sendItem(it);
          if (r && r.toast) toast(r.toast, r.alert);
        } catch (e) {
          if (!e.status || e.status === 429 || e.status >= 500) break;
          toast(e.message, true);
        }
        queue.shift();
        save('queue', queue);
        showPending();
      }
    } finally {
      flushing = false;
      showPending();
    }
  }

  // act sends an action, or queues it when the network is down (or older
  // actions still wait: the order is kept). A queued action answers
  // {queued: true}.
  async function act(path, fields) {
    const it = { path, body: Object.assign({}, st.opts.params(), fields, { clientId: newId() }),
      made: performance.now(), wall: Date.now(), page: pageId, owner: st.me ? st.me.id : undefined };
    if (queue.length) {
      enqueue(it);
      flush();
      return { queued: true };
    }
    try {
      return await sendItem(it);
    } catch (e) {
      if (e.status) throw e;
      enqueue(it);
      return { queued: true };
    }
  }
  window.addEventListener('online', () => { if (queue.length) flush(); });
  // The long poll may hold its answer for a while after the network
  // returns, and 'online' is not always fired: the queue tries on its own
  // (one send at a time; with no network a try costs nothing).
  setInterval(() => { if (queue.length) flush(); }, 3000);

  let toastTimer = 0;
  function toast(text, long) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, long ? 6000 : 2500);
  }

  function stop() {
    st.gen++;
    if (st.poll) st.poll.abort();
    st.poll = null;
  }

  // open shows a chat: opts.params() are fields every request carries
  // (the sandbox's persona), opts.onUpdate(u) sees every poll's answer,
  // opts.onError(e) a failed poll (true stops polling).
  function open(opts) {
    stop();
    st.opts = opts;
    st.msgs.clear();
    st.rev = 0;
    st.epoch = '';
    st.commands = [];
    st.kbOpen = false;
    st.me = null;
    st.known = !opts.keep; // the sandbox keeps nothing: its queue may go at once
    clearFile();
    $('messages').textContent = '';
    $('commands').hidden = true;
    const kept = load('msgs', null);
    if (kept) {
      for (const m of kept.msgs || []) upsert(m);
      st.commands = kept.commands || [];
      st.me = kept.me || null;
      if (st.me && opts.onUpdate) opts.onUpdate({ me: st.me, messages: [] });
    }
    queue = load('queue', []);
    showPending();
    renderKeyboard();
    pollLoop(st.gen);
  }

  async function pollLoop(gen) {
    while (gen === st.gen) {
      const ctl = new AbortController();
      st.poll = ctl;
      try {
        const q = new URLSearchParams(Object.assign({}, st.opts.params(), { since: st.rev, epoch: st.epoch }));
        const u = await api('api/updates?' + q, { signal: ctl.signal });
        if (gen !== st.gen) return;
        $('conn').className = 'conn ok';
        if (u.reset) {
          st.msgs.clear();
          $('messages').textContent = '';
        }
        st.epoch = u.epoch;
        st.rev = u.rev;
        for (const m of u.messages) upsert(m);
        if (queue.length) showPending(); // below what came
        if (u.commands) st.commands = u.commands;
        if (u.me) {
          if (st.me && st.me.id !== u.me.id) {
            // Another member signed in on this phone: what the page kept
            // is not theirs.
            queue = [];
            save('queue', queue);
            showPending();
          }
          st.me = u.me;
          st.known = true;
        }
        keepMessages();
        if (queue.length) flush();
        if (st.opts.onUpdate) st.opts.onUpdate(u);
        renderKeyboard();
      } catch (e) {
        if (gen !== st.gen || e.name === 'AbortError') return;
        $('conn').className = 'conn down';
        if (st.opts.onError && st.opts.onError(e)) return;
        await sleep(2000);
      }
    }
  }

  function fmtSize(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
    return (n / 1024 / 1024).toFixed(1) + ' MB';
  }

  function renderMessage(m) {
    const el = document.createElement('div');
    el.dataset.id = String(m.id);
    if (m.deleted) {
      el.hidden = true;
      return el;
    }
    el.className = 'msg ' + m.from;
    if (m.photo) {
      const img = document.createElement('img');
      img.className = 'photo';
      img.src = m.photo.url;
      img.alt = 'Ảnh';
      img.loading = 'lazy';
      const a = document.createElement('a');
      a.href = m.photo.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.append(img);
      el.append(a);
    }
    if (m.document) {
      const a = document.createElement('a');
      a.className = 'doc';
      a.href = m.document.url;
      a.download = m.document.name;
      const n = document.createElement('span');
      n.textContent = '📄 ' + m.document.name;
      const sz = document.createElement('span');
      sz.className = 'size';
      sz.textContent = m.document.size ? fmtSize(m.document.size) : '';
      a.append(n, sz);
      el.append(a);
    }
    if (m.audio) {
      // A voice summary plays in the page (the server answers ranges).
      const au = document.createElement('audio');
      au.controls = true;
      au.preload = 'none';
      au.src = m.audio.url;
      el.append(au);
    }
    const text = document.createElement('div');
    text.className = 'text';
    text.innerHTML = m.html; // sanitized by the server: Telegram's HTML subset only
    for (const a of text.querySelectorAll('a')) { a.target = '_blank'; a.rel = 'noopener nofollow'; }
    el.append(text);
    if (m.inline && m.inline.length) {
      const kb = document.createElement('div');
      kb.className = 'ikb';
      for (const row of m.inline) {
        const r = document.createElement('div');
        r.className = 'r';
        for (const b of row) {
          let btn;
          if (b.url) {
            btn = document.createElement('a');
            btn.href = b.url;
            btn.target = '_blank';
            btn.rel = 'noopener';
          } else {
            btn = document.createElement('button');
            btn.type = 'button';
            btn.addEventListener('click', () => press(m.id, b.data, btn));
          }
          btn.textContent = b.text;
          r.append(btn);
        }
        kb.append(r);
      }
      el.append(kb);
    }
    const stamp = document.createElement('div');
    stamp.className = 'stamp';
    const d = new Date(m.time);
    stamp.textContent = (m.edited ? 'đã sửa · ' : '') + d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' });
    el.append(stamp);
    return el;
  }

  function upsert(m) {
    const box = $('messages');
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const old = st.msgs.get(m.id);
    if (old && old.rev > m.rev) return; // an answer older than what is shown
    st.msgs.set(m.id, m);
    const el = renderMessage(m);
    const shown = box.querySelector('[data-id="' + m.id + '"]');
    if (shown) {
      shown.replaceWith(el);
    } else {
      let next = null;
      for (const c of box.children) {
        if (Number(c.dataset.id) > m.id) { next = c; break; }
      }
      box.insertBefore(el, next);
    }
    if (!old || nearBottom) box.scrollTop = box.scrollHeight;
  }

  async function press(messageId, data, btn) {
    if (btn.disabled) return;
    btn.disabled = true;
    try {
      const r = await act('api/press', { messageId, data });
      if (r.toast) toast(r.toast, r.alert);
    } catch (e) {
      toast(e.message, true);
    } finally {
      btn.disabled = false;
    }
  }

  // The reply keyboard is the newest one the bot sent, until it sends a
  // removal; a one-time keyboard folds away once the member answered.
  function currentKeyboard() {
    const ids = [...st.msgs.keys()].sort((a, b) => a - b);
    let kb = null;
    let at = 0;
    let answered = false;
    for (const id of ids) {
      const m = st.msgs.get(id);
      if (m.deleted) continue;
      if (m.from === 'bot' && m.reply) { kb = m.reply; at = id; answered = false; }
      else if (m.from === 'bot' && m.removeKeyboard) { kb = null; }
      else if (m.from === 'user' && kb && id > at) { answered = true; }
    }
    return { kb, folded: !!(kb && kb.oneTime && answered) };
  }

  function renderKeyboard() {
    const box = $('keyboard');
    const { kb, folded } = currentKeyboard();
    box.textContent = '';
    $('input').placeholder = (kb && kb.placeholder) || 'Nhập tin nhắn…';
    $('kb-btn').hidden = !(kb && folded);
    if (!kb || (folded && !st.kbOpen)) {
      box.hidden = true;
      return;
    }
    for (const row of kb.rows) {
      const r = document.createElement('div');
      r.className = 'r';
      for (const b of row) {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.textContent = b.text;
        btn.dataset.contact = b.contact ? '1' : '';
        btn.addEventListener('click', () => {
          st.kbOpen = false;
          if (b.contact) sharePhone(); else sendText(b.text);
        });
        r.append(btn);
      }
      box.append(r);
    }
    box.hidden = false;
  }

  function renderCommands() {
    const box = $('commands');
    box.textContent = '';
    if (!st.commands.length) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Chưa có lệnh nào cho đồng chí. Gõ /start để bắt đầu.';
      b.addEventListener('click', () => { box.hidden = true; sendText('/start'); });
      box.append(b);
    }
    for (const c of st.commands) {
      const b = document.createElement('button');
      b.type = 'button';
      const name = document.createElement('b');
      name.textContent = '/' + c.command;
      b.append(name, document.createTextNode(c.description));
      b.addEventListener('click', () => { box.hidden = true; sendText('/' + c.command); });
      box.append(b);
    }
  }

  async function sendText(text) {
    try {
      await act('api/send', { text });
      return true;
    } catch (e) {
      toast(e.message, true);
      return false;
    }
  }

  async function sharePhone() {
    try {
      await post('api/contact', st.opts.params());
    } catch (e) {
      toast(e.message, true);
    }
  }

  function clearFile() {
    st.file = null;
    if (!$('file')) return;
    $('file').value = '';
    $('attachment').hidden = true;
    $('as-file').checked = false;
  }

  async function sendFile(caption) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(st.opts.params())) fd.append(k, v);
    fd.append('file', st.file);
    fd.append('caption', caption);
    fd.append('clientId', newId());
    if ($('as-file').checked) fd.append('asFile', '1');
    try {
      await api('api/upload', { method: 'POST', body: fd });
      clearFile();
      return true;
    } catch (e) {
      toast(e.message, true);
      return false;
    }
  }

  // ---- wiring ----

  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('input');
    const text = input.value.trim();
    const send = $('send');
    if (send.disabled) return;
    if (!st.file && !text) {
      toast($('file') ? 'Đồng chí hãy gõ nội dung tin nhắn, hoặc bấm 📎 để gửi tệp.' : 'Đồng chí hãy gõ nội dung tin nhắn.');
      return;
    }
    send.disabled = true;
    const ok = st.file ? await sendFile(text) : await sendText(text);
    send.disabled = false;
    if (ok) input.value = '';
    input.focus();
  });
  $('menu-btn').addEventListener('click', () => {
    const box = $('commands');
    if (box.hidden) renderCommands();
    box.hidden = !box.hidden;
  });
  $('kb-btn').addEventListener('click', () => {
    st.kbOpen = !st.kbOpen;
    renderKeyboard();
  });
  if ($('file')) {
    $('file').addEventListener('change', () => {
      const f = $('file').files[0];
      if (!f) return;
      if (f.size > 20 * 1024 * 1024) {
        toast('Tệp lớn hơn 20 MB, quá giới hạn bot nhận được: hãy gửi tệp nhỏ hơn.', true);
        clearFile();
        return;
      }
      st.file = f;
      $('attachment-name').textContent = f.name + ' (' + fmtSize(f.size) + ')';
      $('attachment').hidden = false;
      $('input').placeholder = 'Chú thích (ví dụ /nhap)…';
    });
    $('attachment-clear').addEventListener('click', clearFile);
  }

  return { open, stop, toast, api, post, sendText, sharePhone, forget, flush };
})();
