// The web handbook's service worker (scope: WEB_URL's path). It keeps the
// page's files (a background precache once the page is up), the chat page
// and the files the member opened, so that what was received stays
// readable with no network; the messages themselves the page keeps
// (chat.js, localStorage). Actions are never sent from here: the page
// queues them while offline and sends them, in order, when the network
// returns. Plain JS, no build.
'use strict';
const V = new URL(self.location.href).searchParams.get('v') || '0';
const SHELL = 'sotay-shell-' + V; // the page and its files, per version
const KEPT = 'sotay-kept'; // files the member opened
const KEPT_MAX = 60; // the newest files opened, so a cheap phone's storage does not fill
const BASE = new URL('./', self.location.href).pathname;
const ASSETS = ['static/chat.css', 'static/chat.js', 'static/web.js', 'static/manifest.webmanifest', 'static/icon.svg'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(SHELL)
    .then((c) => c.addAll(ASSETS.map((a) => a + '?v=' + V)))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('sotay-shell-') && n !== SHELL).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

// networkFirst answers from the network, keeping a good answer under key,
// and from what was kept when there is no network.
async function networkFirst(req, cacheName, key, keep) {
  try {
    const res = await fetch(req);
    if (res.status === 200 && keep(res)) {
      const c = await caches.open(cacheName);
      await c.put(key, res.clone());
      if (cacheName === KEPT) {
        const keys = await c.keys(); // oldest first
        await Promise.all(keys.slice(0, Math.max(0, keys.length - KEPT_MAX)).map((k) => c.delete(k)));
      }
    }
    return res;
  } catch (err) {
    const hit = await caches.match(key);
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return; // actions: the page queues them
  const u = new URL(req.url);
  if (u.origin !== self.location.origin || !u.pathname.startsWith(BASE)) return;
  const p = u.pathname.slice(BASE.length);
  if (p === '' && req.mode === 'navigate') {
    // Only the chat is kept, not the "not signed in" page.
    e.respondWith(networkFirst(req, SHELL, BASE, (res) => res.headers.get('X-Sotay-Page') === 'chat'));
  } else if (p.startsWith('static/')) {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  } else if (p.startsWith('api/file/')) {
    // A player asks by Range; it is answered with the whole file, which is
    // kept like any other (a 206 cannot be), so a voice summary once
    // played plays again with no network.
    const whole = new Request(u.href, { credentials: 'same-origin' });
    e.respondWith(networkFirst(whole, KEPT, whole, () => true));
  }
});
