// axe-core scans of the home page in both languages, on a desktop and a phone.
import { createRequire } from 'node:module';
import { test, expect, hydrated } from './fixtures.mjs';

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
