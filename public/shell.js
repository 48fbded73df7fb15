// Starts the app in the browser alone (the page is the empty app shell, not a server-rendered one).
// The server fills in this build's file names (they carry a hash in a release build).
import init, { mount } from '__KEEL_JS__';

init({ module_or_path: '__KEEL_WASM__' }).then(() => mount());
