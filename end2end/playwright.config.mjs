// End-to-end tests: the release build of Gridhall on a fresh SQLite database with demo
// data, driven in Debian's Chromium (never a browser Playwright downloads).
import { defineConfig } from '@playwright/test';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free port on loopback, chosen once in the main process (workers inherit the env). */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_SMTP_PORT ??= String(await freePort());
// Where the SMTP sink writes the messages and the demo load its logins (workers inherit these).
process.env.E2E_DIR ??= mkdtempSync(join(tmpdir(), 'gridhall-e2e-'));
process.env.E2E_MAIL_DIR ??= join(process.env.E2E_DIR, 'mail');
process.env.E2E_LOGINS ??= join(process.env.E2E_DIR, 'logins.json');
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    headless: true,
    // A browser set to Chinese, as most visitors' are (it sends Accept-Language: zh-CN).
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
  webServer: {
    command: 'bash ./serve-fresh.sh',
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
