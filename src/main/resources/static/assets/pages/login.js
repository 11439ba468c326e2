import { errorBox, session, verifyToken } from '../api.js';
import { h, replace } from '../dom.js';

/** Asks for the API token once per tab; it is checked with the server before it is kept. */
export function loginPage(main, { notice, onSignedIn }) {
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'token-help',
  });
  const status = h('div', { 'aria-live': 'polite' }, notice ? h('p', { class: 'notice' }, notice) : null);
  const form = h('form', {
    class: 'card narrow',
    onsubmit: async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      try {
        await verifyToken(token);
        session.signIn(token);
        onSignedIn();
      } catch (error) {
        replace(status, errorBox(error));
        input.select();
      }
    },
  },
  h('h1', {}, 'Sign in'),
  h('label', { for: 'token' }, 'API token'),
  input,
  h('p', { id: 'token-help', class: 'hint' },
    'Kept in this browser tab only (sessionStorage) and sent as a Bearer header; closing the tab forgets it.'),
  h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'),
  status);
  replace(main, form);
  input.focus();
}
