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
  };

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

  // act sends an action; a network failure sends it again with the same
  // client id, and the age grows with the wait.
  async function act(path, fields) {
    const made = performance.now();
    const body = Object.assign({}, st.opts.params(), fields, { clientId: newId() });
    for (let i = 0; ; i++) {
      body.age = Math.round(performance.now() - made);
      try {
        return await post(path, body);
      } catch (e) {
        if (e.status || i >= 2) throw e;
        await sleep(1000 * (i + 1));
      }
    }
  }

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
    clearFile();
    $('messages').textContent = '';
    $('commands').hidden = true;
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
        if (u.commands) st.commands = u.commands;
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

  return { open, stop, toast, api, post, sendText, sharePhone };
})();
