// The web handbook's page around the chat (chat.js): who is signed in,
// the devices signed in, a link for a new device, signing out.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const chat = window.SotayChat;
  const fmt = (ms) => new Date(ms).toLocaleString('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

  // The version of the page's files, from this script's own address.
  const version = new URL(document.currentScript.src).searchParams.get('v') || '0';
  const KEEP = 'sotay:web'; // what the page keeps on the phone (chat.js)

  function signedOut() {
    chat.stop();
    chat.forget();
    if (window.caches) caches.keys().then((ns) => Promise.all(ns.map((n) => caches.delete(n)))).catch(() => {});
    location.reload(); // the server shows how to sign in
  }

  // Installable and readable offline: the service worker precaches the
  // page in the background once it is up (not in the first load).
  if ('serviceWorker' in navigator) {
    window.addEventListener('load', () => {
      navigator.serviceWorker.register('sw.js?v=' + version).catch(() => { /* http, or refused: online only */ });
    });
  }

  chat.open({
    keep: KEEP,
    params: () => ({}),
    onUpdate: (u) => {
      if (!u.me) return;
      $('who-name').textContent = u.me.name;
      $('who-role').textContent = u.me.org;
      $('file-btn').hidden = !u.me.upload;
    },
    onError: (e) => {
      if (e.status === 401) { signedOut(); return true; }
      return false;
    },
  });

  async function loadSessions() {
    const list = $('session-list');
    try {
      const r = await chat.api('api/sessions');
      list.textContent = '';
      for (const s of r.sessions) {
        const li = document.createElement('li');
        const what = document.createElement('span');
        what.textContent = s.device + (s.current ? ' (thiết bị này)' : '');
        const when = document.createElement('small');
        when.textContent = 'Đăng nhập ' + fmt(s.since) + ' · dùng gần nhất ' + fmt(s.lastUsed) +
          (s.madeBy ? ' · đường dẫn do đồng chí ' + s.madeBy + ' tạo' : '');
        what.append(when);
        const end = document.createElement('button');
        end.type = 'button';
        end.textContent = 'Kết thúc';
        end.addEventListener('click', async () => {
          try {
            const res = await chat.post('api/sessions/end', { id: s.id });
            if (res.signedOut) { signedOut(); return; }
            loadSessions();
          } catch (e) { chat.toast(e.message, true); }
        });
        li.append(what, end);
        list.append(li);
      }
    } catch (e) {
      chat.toast(e.message, true);
    }
  }

  $('account-btn').addEventListener('click', () => {
    const box = $('account');
    box.hidden = !box.hidden;
    if (!box.hidden) loadSessions();
  });
  $('device-btn').addEventListener('click', async () => {
    try {
      const r = await chat.post('api/device', {});
      const p = $('device-link');
      p.textContent = 'Mở đường dẫn này trên thiết bị kia trước ' +
        new Date(r.expires).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' }) + ': ' + r.url;
      p.hidden = false;
    } catch (e) { chat.toast(e.message, true); }
  });
  $('logout-btn').addEventListener('click', async () => {
    try { await chat.post('api/logout', {}); } catch (_) { /* signed out anyway */ }
    signedOut();
  });
})();
