// The console's shell: sign-in, navigation, and the hash router (#/page?param=value) that renders one page.
import { ApiError, login, logout, me } from './api.js';
import { h, replace, errorBox, field, announce } from './dom.js';

/** Page name -> [title, module, its render(main, params)] (index.html preloads the modules in parallel). */
const PAGES = {
  inventory: ['Clusters and inventory', './pages/inventory.js', 'inventoryPage'],
  import: ['Import NetworkPolicies', './pages/import.js', 'importPage'],
  firewall: ['Firewall: Application category', './pages/firewall.js', 'firewallPage'],
  groups: ['Groups', './pages/groups.js', 'groupsPage'],
  reachability: ['Reachability', './pages/reachability.js', 'reachabilityPage'],
  trace: ['Trace a connection', './pages/trace.js', 'tracePage'],
};

const main = /** @type {HTMLElement} */ (document.getElementById('main'));

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const name = (q < 0 ? raw : raw.slice(0, q)) || 'inventory';
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)));
  return { name, params };
}

function showWho() {
  const who = document.getElementById('who');
  const nav = document.getElementById('nav');
  const user = me();
  nav.hidden = !user;
  if (!user) {
    replace(who);
    return;
  }
  replace(who, `${user.user_name} (${user.role_name})`, ' ', h('button', { type: 'button', class: 'link', onclick: () => { logout(); location.hash = '#/login'; } }, 'Sign out'));
}

function loginPage() {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const out = h('div');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to np2dfw'),
    field('User', user), field('Password', password),
    h('button', { type: 'submit' }, 'Sign in'), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(out);
    try {
      await login(user.value, password.value);
      location.hash = '#/inventory';
    } catch (err) {
      replace(out, errorBox(err instanceof ApiError && err.status === 401 ? 'The user name or the password is wrong.' : err));
      password.focus();
    }
  });
  replace(main, form);
  user.focus();
}

let rendering = 0;
async function route() {
  const { name, params } = parseHash();
  showWho();
  if (!me() || name === 'login') {
    document.title = 'Sign in · np2dfw';
    loginPage();
    return;
  }
  const page = PAGES[name];
  if (!page) {
    location.hash = '#/inventory';
    return;
  }
  const mine = ++rendering;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${page[0]} · np2dfw`;
  const body = h('div', { class: 'page' });
  replace(main, h('h1', {}, page[0]), body);
  try {
    const module = await import(page[1]);
    await module[page[2]](body, params);
  } catch (e) {
    if (mine === rendering) body.append(errorBox(e));
  }
  if (mine === rendering) {
    main.focus({ preventScroll: true });
    announce(`${page[0]} page`);
  }
}

window.addEventListener('hashchange', route);
void route();
