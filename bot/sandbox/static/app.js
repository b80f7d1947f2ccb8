// The sandbox: pick a persona of the demo commune, then chat with the real
// bot as that member. The chat is the web handbook's (chat.js); this file
// is the persona picker around it. Plain JS, no build step.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const chat = window.SotayChat;
  const { api, post, toast } = chat;
  const state = {
    tab: 'member',
    personas: null, // role holders
    orgs: [],
    hints: {},
    persona: null,
  };

  // ---- persona picker ----

  async function showPicker(error) {
    chat.stop();
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

  // ---- the chat of a persona ----

  function choose(code) {
    localStorage.setItem('sotay.persona', code);
    history.replaceState(null, '', '#' + encodeURIComponent(code));
    openChat(code);
  }

  async function openChat(code) {
    chat.stop();
    let p;
    try {
      p = await api('/api/persona?member=' + encodeURIComponent(code));
    } catch (e) {
      localStorage.removeItem('sotay.persona');
      showPicker(e.message);
      return;
    }
    setPersona(p);
    $('pick').hidden = true;
    $('chat').hidden = false;
    chat.open({
      params: () => ({ member: code }),
      onUpdate: (u) => setPersona(u.persona),
      onError: (e) => {
        if (e.status === 404) { showPicker(e.message); return true; }
        return false;
      },
    });
  }

  function setPersona(p) {
    state.persona = p;
    $('who-name').textContent = p.name;
    // "Bí thư · Chi bộ bản Nà Hiên 1" already names the organisation.
    $('who-role').textContent = p.roleLabel.endsWith(p.orgName) ? p.roleLabel : p.roleLabel + ' · ' + p.orgName;
    $('unlinked').hidden = p.linked;
    $('unlinked-name').textContent = p.name;
  }

  // ---- wiring ----

  for (const b of document.querySelectorAll('#tabs button')) {
    b.addEventListener('click', () => renderTab(b.dataset.tab));
  }
  $('back').addEventListener('click', () => { localStorage.removeItem('sotay.persona'); showPicker(); });
  $('link-btn').addEventListener('click', async () => {
    try {
      await post('/api/link', { member: state.persona.code });
    } catch (e) {
      toast(e.message, true);
    }
  });
  $('phone-btn').addEventListener('click', chat.sharePhone);

  const start = decodeURIComponent(location.hash.slice(1)) || localStorage.getItem('sotay.persona');
  if (start) openChat(start); else showPicker();
})();
