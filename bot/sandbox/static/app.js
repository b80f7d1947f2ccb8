// The sandbox chat: pick a persona of the demo commune, then chat with the
// real bot as that member. Plain JS, no build step.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const state = {
    tab: 'member',
    personas: null, // role holders
    orgs: [],
    persona: null,
    epoch: '',
    rev: 0,
    msgs: new Map(), // by message id
    commands: [],
    gen: 0, // bumps when the persona changes: stale polls stop
    poll: null, // AbortController of the running poll
    file: null,
    kbOpen: false,
  };

  // api calls the sandbox API and throws an Error with its Vietnamese message.
  async function api(path, opts) {
    const res = await fetch(path, opts);
    let body = null;
    try { body = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok) {
      const err = new Error((body && body.error) || ('Lỗi máy chủ (' + res.status + '). Đồng chí vui lòng thử lại.'));
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function post(path, obj) {
    return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });
  }

  let toastTimer = 0;
  function toast(text, long) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, long ? 6000 : 2500);
  }

  // ---- persona picker ----


  async function showPicker(error) {
    stopPoll();
    state.persona = null;
    $('chat').hidden = true;
    $('pick').hidden = false;
    const pe = $('pick-error');
    pe.hidden = !error;
    pe.textContent = error || '';
    if (location.hash) history.replaceState(null, '', location.pathname);
    try {
      const r = await api('/api/personas');
      state.personas = r.personas;
      state.orgs = r.orgs;
      state.hints = r.hints;
      await renderTab(state.tab);
    } catch (e) {
      pe.hidden = false;
      pe.textContent = e.message;
    }
  }

  function personaItem(p) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'persona';
    b.dataset.code = p.code;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = p.name;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = p.code + ' · ' + p.orgName + (p.role !== 'member' ? ' · ' + p.roleLabel : '');
    const linked = document.createElement('span');
    linked.className = 'linked' + (p.linked ? '' : ' no');
    linked.textContent = p.linked ? '✓ Đã liên kết' : 'Chưa liên kết';
    b.append(name, meta, linked);
    b.addEventListener('click', () => choose(p.code));
    li.append(b);
    return li;
  }

  function fillOrgs(orgs, selected) {
    const sel = $('org-select');
    sel.textContent = '';
    for (const o of orgs) {
      const opt = document.createElement('option');
      opt.value = o.code;
      opt.textContent = '\u00a0\u00a0'.repeat(Math.max(0, o.depth - 1)) + o.name;
      sel.append(opt);
    }
    if (selected && orgs.some((o) => o.code === selected)) sel.value = selected;
  }

  async function renderTab(tab) {
    state.tab = tab;
    for (const b of document.querySelectorAll('#tabs button')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    }
    $('tab-hint').textContent = (state.hints || {})[tab] || '';
    const list = $('persona-list');
    list.textContent = '';
    const ps = state.personas || [];
    const label = $('org-label');
    const sel = $('org-select');
    if (tab === 'admin' || tab === 'officer') {
      label.hidden = true;
      ps.filter((p) => p.role === tab).forEach((p) => list.append(personaItem(p)));
      return;
    }
    label.hidden = false;
    if (tab === 'secretary') {
      const secs = ps.filter((p) => p.role === 'secretary');
      const orgs = state.orgs.filter((o) => secs.some((p) => p.roleLabel.endsWith('· ' + o.name)));
      fillOrgs(orgs, sessionStorage.getItem('sotay.secOrg'));
      const show = () => {
        sessionStorage.setItem('sotay.secOrg', sel.value);
        list.textContent = '';
        const o = orgs.find((x) => x.code === sel.value);
        secs.filter((p) => o && p.roleLabel.endsWith('· ' + o.name)).forEach((p) => list.append(personaItem(p)));
      };
      sel.onchange = show;
      show();
      return;
    }
    const cells = state.orgs.filter((o) => o.kind === 'chi_bo');
    fillOrgs(cells, sessionStorage.getItem('sotay.memberOrg'));
    const show = async () => {
      const org = sel.value;
      sessionStorage.setItem('sotay.memberOrg', org);
      list.textContent = '';
      try {
        const r = await api('/api/members?org=' + encodeURIComponent(org));
        // An answer for a cell chosen before, arriving late, is dropped.
        if (state.tab !== 'member' || sel.value !== org) return;
        list.textContent = '';
        r.members.forEach((p) => list.append(personaItem(p)));
      } catch (e) {
        toast(e.message);
      }
    };
    sel.onchange = show;
    await show();
  }

  // ---- chat ----

  function choose(code) {
    localStorage.setItem('sotay.persona', code);
    history.replaceState(null, '', '#' + encodeURIComponent(code));
    openChat(code);
  }

  function stopPoll() {
    state.gen++;
    if (state.poll) state.poll.abort();
    state.poll = null;
  }

  async function openChat(code) {
    stopPoll();
    const gen = state.gen;
    state.msgs.clear();
    state.rev = 0;
    state.epoch = '';
    state.commands = [];
    state.kbOpen = false;
    clearFile();
    $('messages').textContent = '';
    $('commands').hidden = true;
    try {
      const p = await api('/api/persona?member=' + encodeURIComponent(code));
      if (gen !== state.gen) return;
      setPersona(p);
    } catch (e) {
      localStorage.removeItem('sotay.persona');
      showPicker(e.message);
      return;
    }
    $('pick').hidden = true;
    $('chat').hidden = false;
    renderKeyboard();
    pollLoop(gen);
  }

  function setPersona(p) {
    state.persona = p;
    $('who-name').textContent = p.name;
    // "Bí thư · Chi bộ bản Nà Hiên 1" already names the organisation.
    $('who-role').textContent = p.roleLabel.endsWith(p.orgName) ? p.roleLabel : p.roleLabel + ' · ' + p.orgName;
    $('unlinked').hidden = p.linked;
    $('unlinked-name').textContent = p.name;
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function pollLoop(gen) {
    while (gen === state.gen) {
      const ctl = new AbortController();
      state.poll = ctl;
      try {
        const q = '/api/updates?member=' + encodeURIComponent(state.persona.code) +
          '&since=' + state.rev + '&epoch=' + encodeURIComponent(state.epoch);
        const u = await api(q, { signal: ctl.signal });
        if (gen !== state.gen) return;
        $('conn').className = 'conn ok';
        if (u.reset) {
          state.msgs.clear();
          $('messages').textContent = '';
        }
        state.epoch = u.epoch;
        state.rev = u.rev;
        for (const m of u.messages) upsert(m);
        state.commands = u.commands || [];
        setPersona(u.persona);
        renderKeyboard();
      } catch (e) {
        if (gen !== state.gen || e.name === 'AbortError') return;
        $('conn').className = 'conn down';
        if (e.status === 404) { showPicker(e.message); return; }
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
      sz.textContent = fmtSize(m.document.size);
      a.append(n, sz);
      el.append(a);
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
    const isNew = !state.msgs.has(m.id);
    state.msgs.set(m.id, m);
    const el = renderMessage(m);
    const old = box.querySelector('[data-id="' + m.id + '"]');
    if (old) {
      old.replaceWith(el);
    } else {
      let next = null;
      for (const c of box.children) {
        if (Number(c.dataset.id) > m.id) { next = c; break; }
      }
      box.insertBefore(el, next);
    }
    if (isNew || nearBottom) box.scrollTop = box.scrollHeight;
  }

  async function press(messageId, data, btn) {
    if (btn.disabled) return;
    btn.disabled = true;
    try {
      const r = await post('/api/press', { member: state.persona.code, messageId, data });
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
    const ids = [...state.msgs.keys()].sort((a, b) => a - b);
    let kb = null;
    let at = 0;
    let answered = false;
    for (const id of ids) {
      const m = state.msgs.get(id);
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
    if (!kb || (folded && !state.kbOpen)) {
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
          state.kbOpen = false;
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
    if (!state.commands.length) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Bot chưa có lệnh nào cho đồng chí. Gõ /start để bắt đầu.';
      b.addEventListener('click', () => { box.hidden = true; sendText('/start'); });
      box.append(b);
    }
    for (const c of state.commands) {
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
      await post('/api/send', { member: state.persona.code, text });
      return true;
    } catch (e) {
      toast(e.message, true);
      return false;
    }
  }

  async function sharePhone() {
    try {
      await post('/api/contact', { member: state.persona.code });
    } catch (e) {
      toast(e.message, true);
    }
  }

  function clearFile() {
    state.file = null;
    $('file').value = '';
    $('attachment').hidden = true;
    $('as-file').checked = false;
  }

  async function sendFile(caption) {
    const fd = new FormData();
    fd.append('member', state.persona.code);
    fd.append('file', state.file);
    fd.append('caption', caption);
    if ($('as-file').checked) fd.append('asFile', '1');
    try {
      await api('/api/upload', { method: 'POST', body: fd });
      clearFile();
      return true;
    } catch (e) {
      toast(e.message, true);
      return false;
    }
  }

  // ---- wiring ----

  for (const b of document.querySelectorAll('#tabs button')) {
    b.addEventListener('click', () => renderTab(b.dataset.tab));
  }
  $('back').addEventListener('click', () => { localStorage.removeItem('sotay.persona'); showPicker(); });
  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('input');
    const text = input.value.trim();
    const send = $('send');
    if (send.disabled) return;
    if (!state.file && !text) {
      toast('Đồng chí hãy gõ nội dung tin nhắn, hoặc bấm 📎 để gửi tệp.');
      return;
    }
    send.disabled = true;
    const ok = state.file ? await sendFile(text) : await sendText(text);
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
    state.kbOpen = !state.kbOpen;
    renderKeyboard();
  });
  $('file').addEventListener('change', () => {
    const f = $('file').files[0];
    if (!f) return;
    if (f.size > 20 * 1024 * 1024) {
      toast('Tệp lớn hơn 20 MB, quá giới hạn bot nhận được: hãy gửi tệp nhỏ hơn.', true);
      clearFile();
      return;
    }
    state.file = f;
    $('attachment-name').textContent = f.name + ' (' + fmtSize(f.size) + ')';
    $('attachment').hidden = false;
    $('input').placeholder = 'Chú thích (ví dụ /nhap)…';
  });
  $('attachment-clear').addEventListener('click', clearFile);
  $('link-btn').addEventListener('click', async () => {
    try {
      await post('/api/link', { member: state.persona.code });
    } catch (e) {
      toast(e.message, true);
    }
  });
  $('phone-btn').addEventListener('click', sharePhone);

  const start = decodeURIComponent(location.hash.slice(1)) || localStorage.getItem('sotay.persona');
  if (start) openChat(start); else showPicker();
})();
