// Starts the app in the browser alone (the page is the empty app shell, not a server-rendered one).
import init, { mount } from '/pkg/keel.js';

init({ module_or_path: '/pkg/keel.wasm' }).then(() => mount());
