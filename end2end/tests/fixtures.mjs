// Shared test set-up: every page is watched for console errors and failed requests, and a
// test fails if it saw any.
import { test as base, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
        expectedErrors.allow.some((e) => url.includes(e.url) && e.status === status) ||
        expectedNow.some((e) => url.includes(e.url) && e.status === status);
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

/** Error answers a helper provokes on purpose while it runs (the login's first step). */
const expectedNow = [];

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

/** The demo staff's authenticator secrets of this run (base32): `{ email: totp_secret }`. */
export function demoTotpSecrets() {
  const list = JSON.parse(readFileSync(process.env.E2E_LOGINS, 'utf8'));
  return Object.fromEntries(list.filter((l) => l.totp_secret).map((l) => [l.email, l.totp_secret]));
}

/**
 * The TOTP code (RFC 6238 over RFC 4226: HMAC-SHA1, 30-second steps, 6 digits) of a
 * base32 secret for a time step (Unix seconds / 30), as an authenticator app shows it.
 */
export function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = [];
  let bits = 0;
  let value = 0;
  for (const letter of secret.replace(/[\s=]/g, '').toUpperCase()) {
    const index = alphabet.indexOf(letter);
    if (index < 0) throw new Error(`not base32: ${letter}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(number % 1_000_000).padStart(6, '0');
}

/**
 * The newest time step whose code was sent, per login: the server accepts each step once.
 * Kept in a file beside the logins file, because Playwright starts a new worker process
 * after a failed test and the next login of the same person must not reuse a step.
 */
const usedStepsFile = () => `${process.env.E2E_LOGINS}.totp-steps.json`;

function usedSteps() {
  return existsSync(usedStepsFile()) ? JSON.parse(readFileSync(usedStepsFile(), 'utf8')) : {};
}

/** A code the server has not taken yet: this step's, else the next one's, else wait for one. */
async function freshCode(email, secret) {
  for (;;) {
    const step = Math.floor(Date.now() / 1000 / 30);
    const steps = usedSteps();
    const last = steps[email] ?? -1;
    const chosen = [step, step + 1].find((s) => s > last);
    if (chosen !== undefined) {
      steps[email] = chosen;
      writeFileSync(usedStepsFile(), JSON.stringify(steps));
      return totpCode(secret, chosen);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
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

/**
 * Logs in through the login page; waits for the header to show the name. Staff (who have
 * a `totp_secret` in the logins file) then give the code of their authenticator.
 */
export async function logIn(page, email, password) {
  const secret = demoTotpSecrets()[email];
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  // The first step answers 401 second_factor_required for a login with a second factor.
  const firstStep = { url: '/api/v1/auth/login', status: 401 };
  if (secret) expectedNow.push(firstStep);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  if (secret) {
    await page.getByLabel('动态验证码').fill(await freshCode(email, secret));
    await page.getByRole('button', { name: '验证并登录' }).click();
  }
  await expect(page.locator(`.user-menu__name[data-user="${email}"]`)).toBeVisible();
  if (secret) expectedNow.splice(expectedNow.indexOf(firstStep), 1);
  // The page it lands on loads its code and data; let it finish before the test moves on.
  await page.waitForLoadState('networkidle');
}
