// Shared test set-up: every page is watched for console errors and failed requests, and a
// test fails if it saw any.
import { test as base, expect } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const test = base.extend({
  // Error answers a test provokes on purpose: `{ url, status }` pairs (url: a part of it).
  // Asking whether one is logged in (`GET /api/v1/me` answering 401) is always fine.
  expectedErrors: [{ allow: [{ url: '/api/v1/me', status: 401 }] }, { option: true }],
  problems: [
    async ({ page, expectedErrors }, use) => {
      const problems = [];
      const expected = (url, status) =>
        (url.includes('/no-such-page') && status === 404) ||
        expectedErrors.allow.some((e) => url.includes(e.url) && e.status === status);
      page.on('console', (message) => {
        // The browser logs every error answer it gets; those the test expects are fine.
        const logged = message.text().match(/status of (\d{3})/);
        if (message.type() === 'error' && !(logged && expected(message.location().url, Number(logged[1])))) {
          problems.push(`console error: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        // A request the browser cancels because the test moved to another page is no fault.
        const reason = request.failure()?.errorText ?? '';
        if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${reason}`);
      });
      page.on('response', (response) => {
        // A 404 page is expected only where a test asks for a missing page.
        if (response.status() >= 400 && !expected(response.url(), response.status())) {
          problems.push(`HTTP ${response.status()}: ${response.url()}`);
        }
      });
      await use(problems);
      expect(problems, 'console errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the Wasm has hydrated the page. */
export async function hydrated(page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** The rows of the commitments table. */
export function rows(page) {
  return page.locator('table.commitments tbody tr[data-code]');
}

/** The demo logins of this run (new passwords at every start): `{ email: password }`. */
export function demoLogins() {
  const list = JSON.parse(readFileSync(process.env.E2E_LOGINS, 'utf8'));
  return Object.fromEntries(list.map((l) => [l.email, l.password]));
}

/** Waits for an email to `to` whose subject contains `subject`; answers the parsed message. */
export async function waitForMail(to, subject, { after = 0, timeout = 15_000 } = {}) {
  const folder = process.env.E2E_MAIL_DIR;
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const names = existsSync(folder) ? readdirSync(folder).sort() : [];
    for (const name of names.reverse()) {
      if (Number(name.split('-')[0]) < after) continue;
      const mail = JSON.parse(readFileSync(join(folder, name), 'utf8'));
      if (mail.to.includes(to.toLowerCase()) && mail.subject.includes(subject)) return mail;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no email to ${to} about "${subject}" within ${timeout} ms`);
}

/** The path and query of the first link in a text that starts with `prefix`. */
export function linkIn(text, prefix) {
  const word = text.split(/\s+/).find((w) => w.startsWith(prefix));
  if (!word) throw new Error(`no link starting ${prefix} in: ${text}`);
  const url = new URL(word);
  return url.pathname + url.search;
}

/** Logs in through the login page; waits for the header to show the name. */
export async function logIn(page, email, password) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator(`.user-menu__name[data-user="${email}"]`)).toBeVisible();
  // The page it lands on loads its code and data; let it finish before the test moves on.
  await page.waitForLoadState('networkidle');
}
