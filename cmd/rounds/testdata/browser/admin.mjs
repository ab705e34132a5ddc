// Drives Debian's Chromium through a real Rounds instance for
// cmd/rounds/browser_e2e_test.go. Two phases, so the Go test can post
// through the API in between:
//   node admin.mjs register  — admin signs in, invites; the clinician registers
//   node admin.mjs verify    — post pages, verification badge, domain block, audit chain
// Inputs come from the environment (BASE, ADMIN_EMAIL, ADMIN_PASSWORD,
// CLINICIAN, OUT, and for verify POST_URL); results are printed as a
// "RESULT:" JSON line. Screenshots of every page go to OUT.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const BASE = env('BASE');
const OUT = env('OUT');
const CLINICIAN = env('CLINICIAN');
const phase = process.argv[2];

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

let shot = 0;
async function snap(page, name) {
  shot++;
  const file = join(OUT, `${phase}-${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

async function signIn(page, email, password) {
  await page.goto(`${BASE}/auth/sign_in`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await snap(page, 'sign-in');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /sign in/i }).click()]);
}

// launch() gives Chromium a new, empty profile directory of its own (it
// refuses --user-data-dir; launchPersistentContext is for kept profiles).
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const result = {};
try {
  const admin = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  const page = await admin.newPage();
  await signIn(page, env('ADMIN_EMAIL'), env('ADMIN_PASSWORD'));
  await page.goto(`${BASE}/admin`);
  check(await page.getByRole('heading', { name: 'Admin console' }).isVisible(), 'admin console opens');
  await snap(page, 'admin');

  if (phase === 'register') {
    await page.goto(`${BASE}/admin/members`);
    await page.getByLabel('How many people may use the link').fill('1');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create invite link' }).click()]);
    const link = (await page.locator('#secret-value').textContent()).trim();
    check(link.startsWith(`${BASE}/auth/invite/`), 'invite link shown');
    await snap(page, 'invite');

    // The clinician registers from the link in a browser of their own.
    const other = await browser.newContext();
    const cp = await other.newPage();
    await cp.goto(link);
    await snap(cp, 'register-form');
    await cp.getByLabel('Username').fill(CLINICIAN);
    await cp.getByLabel('Display name').fill('Dr Dana Nurse');
    await cp.getByLabel('Work e-mail').fill(`${CLINICIAN}@hospital.example`);
    await cp.getByLabel('Password', { exact: true }).fill('a-long-clinician-password');
    await cp.getByLabel('Password again').fill('a-long-clinician-password');
    await Promise.all([cp.waitForNavigation(), cp.getByRole('button', { name: 'Create account' }).click()]);
    check(cp.url() === `${BASE}/@${CLINICIAN}`, `registered and sent to the profile (${cp.url()})`);
    await snap(cp, 'registered-profile');
    await other.close();
  } else if (phase === 'verify') {
    const postURL = env('POST_URL');
    const anon = await browser.newContext();
    const ap = await anon.newPage();
    await ap.goto(`${BASE}/@${CLINICIAN}`);
    check(await ap.getByText('Morning handover went smoothly').isVisible(), 'profile page shows the post');
    await snap(ap, 'profile');
    await ap.goto(postURL);
    check(await ap.getByText('Morning handover went smoothly').isVisible(), 'post page shows the post');
    await snap(ap, 'post');

    // Verify the clinician.
    await page.goto(`${BASE}/admin/credentials`);
    await page.getByLabel('Clinical role').and(page.locator(`#role-${CLINICIAN}`)).selectOption('nurse');
    await page.locator(`#department-${CLINICIAN}`).fill('Intensive care');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: `Verify @${CLINICIAN}` }).click()]);
    check(await page.getByText('The credential was issued and published.').isVisible(), 'credential issued');
    await snap(page, 'credentials');
    await ap.goto(`${BASE}/@${CLINICIAN}`);
    check(await ap.locator('.badge').first().isVisible(), 'badge on the profile page');
    await snap(ap, 'profile-verified');
    await anon.close();

    // Block a domain.
    await page.goto(`${BASE}/admin/federation`);
    await page.getByRole('textbox', { name: 'Domain' }).fill('spam.example');
    await page.getByRole('combobox', { name: 'Rule' }).selectOption('block');
    await page.getByLabel('Note (why)').fill('sends spam');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save rule' }).click()]);
    check(await page.getByRole('rowheader', { name: 'spam.example' }).isVisible(), 'federation page lists the blocked domain');
    await snap(page, 'federation');

    // The audit log lists it all, and its chain verifies.
    await page.goto(`${BASE}/admin/audit`);
    const log = await page.locator('table').textContent();
    for (const want of ['signin.success', 'account.create', 'token.grant', 'account.verify', 'federation.block', CLINICIAN, 'spam.example']) {
      check(log.includes(want), `audit log lists ${want}`);
    }
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Verify the hash chain' }).click()]);
    const verdict = (await page.locator('#verify-result').textContent()).trim();
    check(verdict.startsWith('audit chain intact'), `audit chain verifies: ${verdict}`);
    result.verdict = verdict;
    await snap(page, 'audit');

    for (const p of ['members', 'reports', 'deliveries', 'settings']) {
      await page.goto(`${BASE}/admin/${p}`);
      check(await page.locator('h1').isVisible(), `${p} page renders`);
      await snap(page, p);
    }
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  await admin.close();
} finally {
  await browser.close();
}
console.log('RESULT:' + JSON.stringify(result));
