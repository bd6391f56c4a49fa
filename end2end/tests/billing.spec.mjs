// Billing as people use it: the billing operator imports last month's missing reading (one
// line refused, with its reason) and runs last month's billing; the resident opens a bill,
// downloads it as PDF and CSV and reads the usage charts; the enterprise sees all its
// accounts, exports them and reads a factory's load curve.
import { readFileSync } from 'node:fs';
import { test, expect, hydrated, demoLogins, logIn } from './fixtures.mjs';

const CUSTOMER = 'zhang.wei@demo.gridhall.example';
const OPERATOR = 'wu.fang@staff.gridhall.example';
const ORG_ADMIN = 'chen.jing@demo.gridhall.example';
const ADMIN = 'admin@staff.gridhall.example';

/** Last month as `YYYY-MM` and this month's first day, in the utility's time zone. */
function months() {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { period: last.toISOString().slice(0, 7), closing: first.toISOString().slice(0, 10) };
}

test.describe('billing', () => {
  test('an operator imports a readings file and runs last month', async ({ page }) => {
    test.setTimeout(90_000);
    const logins = demoLogins();
    const { period, closing } = months();
    await logIn(page, OPERATOR, logins[OPERATOR]);

    // 王芳's meter has no reading since the start of last month: its last bill's closing one.
    const bills = await (await page.request.get('/api/v1/accounts/3100012347/bills')).json();
    const previous = await (await page.request.get(`/api/v1/bills/${bills[0].id}`)).json();
    const opening = Number(previous.metering.meters[0].end[1]);
    const file = `meter_no,read_on,active\r\nE3100012347,${closing},${opening + 400}\r\nE9999999999,${closing},12\r\n`;

    await page.goto('/staff/billing');
    await hydrated(page);
    await page.getByLabel('选择文件').setInputFiles({ name: '抄表.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: '导入' }).click();
    await expect(page.getByText('共 2 行：导入 1 行，拒收 1 行。')).toBeVisible();
    await expect(page.locator('tr[data-reason="unknown_meter"]')).toContainText('表号不存在');

    await page.getByLabel('账期（年-月）').fill(period);
    await page.getByLabel('抄表例日').fill('1');
    await page.getByRole('button', { name: '开始计算' }).click();
    const run = page.locator('table.runs tbody tr').first();
    await expect(run.getByRole('link', { name: period })).toBeVisible();
    await expect(async () => {
      await page.getByRole('button', { name: '刷新' }).click();
      await expect(run).toHaveAttribute('data-status', 'done', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await run.getByRole('link', { name: period }).click();
    await expect(page).toHaveURL(/\/staff\/billing\/runs\/\d+$/);
    await hydrated(page);
    await expect(page.locator('dl[data-status="done"]')).toBeVisible();
    expect(Number(await page.locator('dd[data-bills]').getAttribute('data-bills'))).toBeGreaterThanOrEqual(6);

    // 王芳's new bill is computed from the imported reading: 400 kWh.
    const after = await (await page.request.get('/api/v1/accounts/3100012347/bills')).json();
    expect(after[0].period).toBe(period);
    expect(after[0].energy_kwh).toBe('400');

    // A reading typed in twice is refused the second time, with its reason.
    await page.goto('/staff/billing');
    await hydrated(page);
    const manual = page.locator('form[data-form="manual"]');
    await manual.getByLabel('表号').fill('E3100012347');
    await manual.getByLabel('抄表日期').fill(closing);
    await manual.getByLabel('有功总示数').fill(String(opening + 400));
    await manual.getByRole('button', { name: '保存' }).click();
    await expect(page.locator('section[aria-labelledby="manual-heading"] tr[data-reason="duplicate"]')).toContainText('该表在此时间已有读数');

    // A refund of ¥5.00, then the bill credited and computed again: the rebill carries it.
    const adjust = page.locator('form[data-form="adjust"]');
    await adjust.getByLabel('户号').fill('3100012347');
    await adjust.getByLabel('金额（元，退费填负数）').fill('-5.00');
    await adjust.getByLabel('原因').fill('表计误差退费');
    await adjust.getByRole('button', { name: '保存' }).click();
    await expect(adjust.getByRole('status')).toHaveText('已保存。');
    await page.goto(`/bills/${after[0].id}`);
    await hydrated(page);
    await page.getByText('冲销并重算').first().click();
    const rebill = page.locator('form[data-form="rebill"]');
    await rebill.getByLabel('原因').fill('退费重算');
    await rebill.getByRole('button', { name: '冲销并重算' }).click();
    await expect(page).not.toHaveURL(new RegExp(`/bills/${after[0].id}$`));
    await expect(page.locator('table.lines tr.adjustment')).toContainText('表计误差退费');
    const total = Number(await page.locator('dd.total').getAttribute('data-total'));
    expect(total).toBeCloseTo(Number(after[0].total) - 5, 2);
  });

  test('a resident opens a bill, downloads it and reads the usage charts', async ({ page }) => {
    test.setTimeout(60_000);
    const logins = demoLogins();
    await logIn(page, CUSTOMER, logins[CUSTOMER]);
    await page.getByRole('link', { name: '电费与用电' }).first().click();
    await expect(page).toHaveURL(/\/bills$/);
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('电费账单与用电情况');
    // 张伟 has two accounts: the one he has had for years, and the one his application opened.
    await page.locator('nav.account-picker').getByRole('link', { name: /3100012345/ }).click();
    await expect(page).toHaveURL(/account=3100012345/);
    const rows = page.locator('table.bills tbody tr');
    // Twelve months from the demo, and last month's from the operator's run.
    await expect(rows).toHaveCount(13);

    // The months beside last year, the days, the tiers and the comparison.
    const months = page.locator('figure[data-chart="months"]');
    await expect(months.locator('svg')).toBeVisible();
    expect(await months.locator('rect.chart-bar').count()).toBeGreaterThan(10);
    await months.getByText('月度用电（与去年同期对比） (kWh)').click();
    await expect(months.locator('table tbody tr')).toHaveCount(12);
    await expect(page.locator('figure[data-chart="days"] svg')).toBeVisible();
    await expect(page.locator('.tier p')).toContainText('今年已用');
    await expect(page.locator('.comparison li[data-tariff="residential-tiered"]')).toContainText('当前电价');

    // The newest bill, its lines, and its downloads.
    await rows.first().getByRole('link').click();
    await expect(page).toHaveURL(/\/bills\/\d+$/);
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('电费账单');
    await expect(page.locator('table.readings tbody tr')).toHaveCount(1);
    expect(await page.locator('table.lines tbody tr').count()).toBeGreaterThanOrEqual(1);
    const total = await page.locator('dd.total').getAttribute('data-total');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载 PDF 账单' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/^bill-3100012345-\d{4}-\d{2}\.pdf$/);
    const bytes = readFileSync(await pdf.path());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(2_000);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载明细（CSV）' }).click()]);
    const text = readFileSync(await csv.path(), 'utf8');
    expect(text).toContain('合计');
    expect(text).toContain(Number(total).toFixed(2));
  });

  test('an enterprise sees every account, exports them and reads a load curve', async ({ page }) => {
    test.setTimeout(60_000);
    const logins = demoLogins();
    await logIn(page, ORG_ADMIN, logins[ORG_ADMIN]);
    await page.goto('/bills');
    await hydrated(page);
    const table = page.locator('section.org-bills');
    // The three service points, and the one the demo's connection application opened.
    await expect(table.locator('tbody tr')).toHaveCount(4);
    await expect(table.locator('tfoot')).toContainText('合计');
    const [csv] = await Promise.all([page.waitForEvent('download'), table.getByRole('link', { name: '导出 CSV' }).click()]);
    const text = readFileSync(await csv.path(), 'utf8');
    expect(text).toContain('3200000001');
    expect(text).toContain('3200000003');

    // The factory metered every 15 minutes: its load curve, maximum demand and power factor.
    await page.locator('nav.account-picker').getByRole('link', { name: /3200000001/ }).click();
    await expect(page).toHaveURL(/account=3200000001/);
    const curve = page.locator('figure[data-chart="load"]');
    await expect(curve.locator('polyline')).toBeVisible();
    await expect(page.locator('dd[data-max-demand]')).toContainText('kW');
    await expect(page.locator('.load dl')).toContainText('功率因数');
  });

  test('an administrator publishes a new price from a day on', async ({ page }) => {
    test.setTimeout(60_000);
    const logins = demoLogins();
    await logIn(page, ADMIN, logins[ADMIN]);
    await page.getByRole('link', { name: '电价管理' }).click();
    await expect(page).toHaveURL(/\/staff\/tariffs$/);
    await hydrated(page);
    const flat = page.locator('section[data-tariff="business-flat"]');
    await expect(flat.locator('table.versions tbody tr')).toHaveCount(1);
    await flat.getByText('发布新版本').click();
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    await flat.getByLabel('生效日期').fill(nextYear);
    const json = flat.getByLabel('电价结构与数值（JSON）');
    await expect(json).toHaveValue(/0\.6825/);
    await json.fill((await json.inputValue()).replace('0.6825', '0.6500'));
    await flat.getByRole('button', { name: '发布' }).click();
    await expect(flat.getByRole('status')).toHaveText('已发布。');
    await expect(flat.locator('table.versions tbody tr')).toHaveCount(2);
    await expect(flat.locator(`tr[data-from="${nextYear}"]`)).toContainText('0.6500');

    // Tiers with a gap are refused in the page, before anything is sent.
    const tiered = page.locator('section[data-tariff="residential-tiered"]');
    await tiered.getByText('发布新版本').click();
    await tiered.getByLabel('生效日期').fill(nextYear);
    const tiers = tiered.getByLabel('电价结构与数值（JSON）');
    await tiers.fill((await tiers.inputValue()).replace('"4800"', '"2000"'));
    await tiered.getByRole('button', { name: '发布' }).click();
    await expect(tiered.getByRole('alert').first()).toContainText('各档电量上限须逐档递增');
    await expect(tiered.locator('table.versions tbody tr')).toHaveCount(1);
  });
});
