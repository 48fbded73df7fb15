// Keel's service worker. The server serves this file at /sw.js with VERSION set to a hash of the
// release's files, so every release is a new worker with caches of its own.
//
// - The app shell (wasm, JS glue, CSS, icons, manifest, the offline page) is precached and served
//   cache-first.
// - Page loads go to the network first; after a timeout, or offline, the copy of that page kept from
//   the last visit answers (the network's answer still refreshes it); offline without a copy, the
//   offline page.
// - Server functions, the API, the event stream, exports and uploads never touch the cache: the app
//   keeps its offline data in IndexedDB, per user.
const VERSION = '__KEEL_VERSION__';
const SHELL = `keel-shell-${VERSION}`;
const PAGES = `keel-pages-${VERSION}`;
const NAVIGATION_TIMEOUT_MS = 4000;
const PRECACHE = [
  '/pkg/keel.js',
  '/pkg/keel.wasm',
  '/pkg/keel.css',
  '/manifest.webmanifest',
  '/favicon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/offline',
];
const NEVER_CACHED = ['/api/', '/export/', '/import/', '/healthz', '/login', '/logout', '/sw.js'];

self.addEventListener('install', (event) => {
  // The new worker waits until the user accepts the update (the app posts "skip-waiting").
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE.map((u) => new Request(u, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('keel-') && n !== SHELL && n !== PAGES).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  // Sign-out: the pages kept belong to the user who leaves.
  if (event.data === 'forget-pages') event.waitUntil(caches.delete(PAGES));
  // A page the app showed without loading it (the router fetched its data): keep a copy of it too.
  if (event.data && typeof event.data.keep === 'string') event.waitUntil(keep(event.data.keep));
});

async function keep(path) {
  const url = new URL(path, self.location.origin);
  if (url.origin !== self.location.origin || NEVER_CACHED.some((p) => url.pathname.startsWith(p))) return;
  const response = await fetch(url, { credentials: 'same-origin', redirect: 'manual' }).catch(() => null);
  if (response && response.ok && response.type === 'basic') {
    await (await caches.open(PAGES)).put(url, response);
  }
}

function timeout(ms) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms));
}

// Pages the network sent from another release (a new one, while this worker waits to be replaced):
// their wasm, JS and CSS must come from the network too, not from this release's cache.
const otherRelease = new Set();

async function page(event) {
  const request = event.request;
  const cache = await caches.open(PAGES);
  const network = fetch(request).then(async (response) => {
    const release = response.headers.get('x-keel-version');
    if (release && release !== VERSION && event.resultingClientId) otherRelease.add(event.resultingClientId);
    const url = new URL(response.url || request.url);
    // Keep what a signed-in user saw; never the sign-in page a signed-out request is sent to.
    if (response.ok && response.type === 'basic' && !NEVER_CACHED.some((p) => url.pathname.startsWith(p))) {
      await cache.put(request, response.clone());
    }
    return response;
  });
  // A slow network only loses to a kept copy; without one the page waits for the network.
  network.catch(() => {});
  const kept = await cache.match(request, { ignoreVary: true });
  try {
    return await (kept ? Promise.race([network, timeout(NAVIGATION_TIMEOUT_MS)]) : network);
  } catch (_) {
    if (kept) return kept;
    return (await caches.match('/offline')) || Response.error();
  }
}

async function shell(event) {
  if (otherRelease.has(event.clientId)) return fetch(event.request);
  const cached = await caches.match(event.request, { ignoreSearch: true });
  return cached || fetch(event.request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (NEVER_CACHED.some((p) => url.pathname.startsWith(p))) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(event));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(shell(event));
  }
});
