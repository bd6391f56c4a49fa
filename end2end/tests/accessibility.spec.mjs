// axe-core scans in both languages, on a desktop and a phone: the public pages, and signed-in
// pages with the parts issue 11 added.
import { createRequire } from 'node:module';
import { test, expect, hydrated, demoLogins, logIn } from './fixtures.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// axe is injected as a script; the portal's CSP rightly forbids that, so only this file
// bypasses it (every other test runs under the real policy).
test.use({ bypassCSP: true });

async function violations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const language of ['zh-CN', 'en']) {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
    test(`home page has no axe violations (${language}, ${viewport.width} px)`, async ({ page, context, baseURL }) => {
      await context.addCookies([{ name: 'gridhall_lang', value: language, url: baseURL }]);
      await page.setViewportSize(viewport);
      await page.goto('/');
      await hydrated(page);
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      expect(await violations(page)).toEqual([]);
    });
  }
}

test('a filtered view has no axe violations', async ({ page }) => {
  await page.goto('/?area=outage');
  await hydrated(page);
  expect(await violations(page)).toEqual([]);
});

for (const path of ['/login', '/register', '/password/forgot', '/statistics/connections']) {
  test(`${path} has no axe violations`, async ({ page }) => {
    await page.goto(path);
    await hydrated(page);
    expect(await violations(page)).toEqual([]);
  });
}

// Signed-in pages changed by issue 11, with their new parts showing, in both languages at
// both widths (one login each: a staff login spends an authenticator step): the enterprise
// page with an open invitation, and the billing page after a file import.
const SCANS = ['zh-CN', 'en'].flatMap((language) =>
  [{ width: 1280, height: 800 }, { width: 360, height: 740 }].map((viewport) => ({ language, viewport })),
);

test('the enterprise page with an invitation has no axe violations', async ({ page, context, baseURL }) => {
  const email = 'chen.jing@demo.gridhall.example';
  await logIn(page, email, demoLogins()[email]);
  const invited = await page.request.post('/api/v1/org/members', {
    data: { email: 'axe.colleague@example.com', display_name: 'Axe', role: 'viewer' },
    headers: { Origin: baseURL },
  });
  expect(invited.status()).toBe(202);
  for (const { language, viewport } of SCANS) {
    await context.addCookies([{ name: 'gridhall_lang', value: language, url: baseURL }]);
    await page.setViewportSize(viewport);
    await page.goto('/enterprise');
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await expect(page.locator('tr[data-invitation]').first()).toBeVisible();
    expect(await violations(page), `${language}, ${viewport.width} px`).toEqual([]);
  }
});

test('the billing page after a file import has no axe violations', async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  const email = 'wu.fang@staff.gridhall.example';
  await logIn(page, email, demoLogins()[email]);
  const file = 'meter_no,read_on,active\r\nE9999999999,2020-01-01,12\r\n';
  for (const { language, viewport } of SCANS) {
    await context.addCookies([{ name: 'gridhall_lang', value: language, url: baseURL }]);
    await page.setViewportSize(viewport);
    await page.goto('/staff/billing');
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await page.locator('#field-file').setInputFiles({ name: 'axe.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.locator('form:has(#field-file) button[type="submit"]').click();
    await expect(page.locator('tr[data-reason="unknown_meter"]')).toBeVisible();
    expect(await violations(page), `${language}, ${viewport.width} px`).toEqual([]);
  }
});
