// The dashboard: a single page that routes on the URL's hash, so every page has an address to bookmark and share.
import { session } from './api.js';
import { h, replace } from './dom.js';
import { loginPage } from './pages/login.js';
import { jobsPage } from './pages/jobs.js';
import { jobPage } from './pages/job.js';
import { submitPage } from './pages/submit.js';
import { modelsPage } from './pages/models.js';
import { experimentPage, experimentsPage } from './pages/experiments.js';

const ROUTES = [
  [/^#\/jobs\/([0-9a-fA-F-]{36})$/, (main, match) => jobPage(main, match[1])],
  [/^#\/experiments\/([0-9a-fA-F-]{36})$/, (main, match) => experimentPage(main, match[1])],
  [/^#\/experiments$/, (main) => experimentsPage(main)],
  [/^#\/submit$/, (main) => submitPage(main)],
  [/^#\/models$/, (main) => modelsPage(main)],
  [/^(#\/jobs)?$/, (main) => jobsPage(main)],
];

let leave = null;
let notice = null;

function render() {
  if (leave) {
    leave();
    leave = null;
  }
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  if (!session.token()) {
    nav.hidden = true;
    loginPage(main, { notice, onSignedIn: render });
    notice = null;
    return;
  }
  nav.hidden = false;
  const hash = location.hash === '#' || location.hash === '#/' ? '' : location.hash;
  for (const link of nav.querySelectorAll('a')) {
    const current = hash.startsWith(link.getAttribute('href')) || (hash === '' && link.getAttribute('href') === '#/jobs');
    if (current) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) {
      leave = page(main, match) || null;
      return;
    }
  }
  replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/jobs' }, 'Back to the jobs')));
}

window.addEventListener('hashchange', () => {
  render();
  document.getElementById('main').focus({ preventScroll: true });
});
window.addEventListener('trainyard:unauthorized', () => {
  if (session.token()) {
    session.signOut();
    notice = 'The server no longer accepts your token; enter it again.';
    render();
  }
});
document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  render();
});
render();
