// Keel's service worker. The server serves this file at /sw.js with VERSION set to a hash of the
// release's files, so every release is a new worker with a cache of its own, and with the front
// end's file names (`__KEEL_JS__` and so on: they carry a hash in a release build) filled in.
//
// - The app shell (an empty page that starts the app in the browser, the wasm and its chunks, JS
//   glue, CSS, icons, manifest) is precached and served cache-first.
// - Page loads go to the network first; after a timeout, or offline, the app shell answers, and
//   the app shows what it kept on this device (or says that this page was not kept).
// - Nothing anyone signed in sees is cached here: not pages, not server functions, the API, the
//   event stream, exports or uploads. The app keeps its offline data in IndexedDB, per user.
const VERSION = '__KEEL_VERSION__';
const SHELL = `keel-shell-${VERSION}`;
const NAVIGATION_TIMEOUT_MS = 4000;
const APP_SHELL = '/shell.html';
const PRECACHE = [
  APP_SHELL,
  '/shell.js',
  '__KEEL_JS__',
  '__KEEL_WASM__',
  '__KEEL_CSS__',
  '/manifest.webmanifest',
  '/favicon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  // A split build's chunks (the pages' code, so that every page opens offline) and their loader,
  // which keeps one name from build to build (so the HTTP cache revalidates it, which offline
  // fails).
  ...__KEEL_SPLIT__,
];
// Page loads that are files or actions, not screens of the app.
const NOT_SCREENS = ['/api/', '/export/', '/import/', '/healthz', '/logout', '/sw.js'];

self.addEventListener('install', (event) => {
  // The new worker waits until the user accepts the update (the app posts "skip-waiting").
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE.map((u) => new Request(u, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('keel-') && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

function timeout(ms) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms));
}

// Pages the network sent from another release (a new one, while this worker waits to be replaced):
// their wasm, JS and CSS must come from the network too, not from this release's cache.
const otherRelease = new Set();

async function page(event) {
  const network = fetch(event.request).then((response) => {
    const release = response.headers.get('x-keel-version');
    if (release && release !== VERSION && event.resultingClientId) otherRelease.add(event.resultingClientId);
    return response;
  });
  network.catch(() => {});
  try {
    return await Promise.race([network, timeout(NAVIGATION_TIMEOUT_MS)]);
  } catch (_) {
    return (await caches.match(APP_SHELL)) || network;
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
  if (NOT_SCREENS.some((p) => url.pathname.startsWith(p))) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(event));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(shell(event));
  }
});
