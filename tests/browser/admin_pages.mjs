// The /admin/ pages in Debian's headless Chromium, driven by playwright-core
// (no browser download): a coordinator signs in and approves a posting,
// rejects another, meets a decision another coordinator made first; a
// group submits with a validation error, fixes it, reads a rejection and
// resubmits.  Postings whose text carries <script> or "><img onerror=...>
// show as text and never run.  Screenshots go to the build directory.
//
// Environment: TSUNAGUD (the daemon), TSUNAGU_BUILD_ROOT (artifacts),
// TSUNAGU_CHROMIUM (default /usr/bin/chromium).  Exits 77 (skipped) when
// Chromium or playwright-core is missing; everything else is bounded and
// talks to 127.0.0.1 only.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const TSUNAGUD = process.env.TSUNAGUD || path.join(ROOT, 'build', 'daemon', 'tsunagud');
const BUILD = process.env.TSUNAGU_BUILD_ROOT || path.join(ROOT, 'build');
const CHROMIUM = process.env.TSUNAGU_CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(BUILD, 'tests', 'browser', 'screenshots');
const DEADLINE_MS = 240_000;
const SKIP = 77;

const XSS_TITLE = '<script>window.__xssRan=1;console.log("XSS-RAN")</script>清掃';
const XSS_PLACE = '"><img src=x onerror="window.__xssRan=1;console.log(\'XSS-RAN\')">';
const XSS_REASON = '理由: "><img src=x onerror="window.__xssRan=1;console.log(\'XSS-RAN\')"> <script>console.log("XSS-RAN")</script>';

let passed = 0;
let failed = 0;
let daemonProc = null;

function check(ok, what) {
  if (ok) {
    passed++;
    console.log('ok - ' + what);
  } else {
    failed++;
    console.log('not ok - ' + what);
  }
}

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    return null;
  }
}

// --- the daemon ---------------------------------------------------------

function startDaemon(dir) {
  const token = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(path.join(dir, 'admin.token'), token + '\n', { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'tsunagu.conf'), [
    '[daemon]',
    'listen = 127.0.0.1:0',
    'database = tsunagu.db',
    'instance = browser',
    'region = 232106',
    'admin_token_file = admin.token',
    'api_rate = 100000',
    'api_burst = 100000',
    ''
  ].join('\n'));
  const log = fs.openSync(path.join(dir, 'tsunagud.log'), 'w');
  const proc = spawn(TSUNAGUD, ['-c', 'tsunagu.conf'], {
    cwd: dir, stdio: ['ignore', log, log]
  });
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const text = fs.readFileSync(path.join(dir, 'tsunagud.log'), 'utf8');
      const m = /listening on (\S+):(\d+)\s*$/m.exec(text);
      if (m) {
        clearInterval(timer);
        resolve({ proc, token, base: 'http://' + m[1].replace(/[[\]]/g, '') + ':' + m[2] });
      } else if (proc.exitCode !== null || Date.now() - started > 15_000) {
        clearInterval(timer);
        proc.kill('SIGKILL');
        reject(new Error('tsunagud did not start:\n' + text));
      }
    }, 50);
  });
}

function stopDaemon(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.once('exit', (code) => { clearTimeout(timer); resolve(code); });
    proc.kill('SIGTERM');
  });
}

async function api(base, token, method, route, body) {
  const res = await fetch(base + '/api/v1' + route, {
    method,
    headers: Object.assign({ Authorization: 'Bearer ' + token },
      body ? { 'Content-Type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000)
  });
  const text = await res.text();
  let doc = null;
  try { doc = JSON.parse(text); } catch (e) { doc = null; }
  if (!res.ok) throw new Error(method + ' ' + route + ' -> ' + res.status + ' ' + text);
  return doc;
}

async function feedTitles(base) {
  const res = await fetch(base + '/feeds/all.json', { signal: AbortSignal.timeout(10_000) });
  return (await res.json()).items.map((i) => i.title);
}

const SUBMISSION = {
  start: '2026-09-12T09:00:00+09:00',
  end: '2026-09-12T11:00:00+09:00',
  deadline: '2026-09-05T17:00:00+09:00',
  area: '232106',
  category: ['environment'],
  summary: '川沿いのごみ拾いです。軍手をお持ちください。',
  content_html: '<p>集合は<strong>9時</strong>です。</p><ul><li>雨天中止</li></ul>'
};

// --- the browser --------------------------------------------------------

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log('skipped: no Chromium at ' + CHROMIUM + ' (apt-get install chromium)');
    return SKIP;
  }
  const pw = await loadPlaywright();
  if (!pw) {
    console.log('skipped: playwright-core is not installed (npm ci in tests/browser)');
    return SKIP;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-browser-'));
  const { proc, token: admin, base } = await startDaemon(dir);
  daemonProc = proc;
  let browser = null;
  try {
    const made = async (role, organization, label) =>
      (await api(base, admin, 'POST', '/tokens', { role, organization, label })).token;
    const center = await made('coordinator', 'kariya-center', '支援センター 佐藤');
    const shakyo = await made('coordinator', 'kariya-shakyo', '社協 鈴木');
    const group = await made('group', 'kariya-npo', '刈谷NPOネット 山田');
    const park = await api(base, group, 'POST', '/postings',
      Object.assign({}, SUBMISSION, { title: '公園清掃ボランティア', place: '刈谷市総合運動公園' }));
    const xss = await api(base, group, 'POST', '/postings',
      Object.assign({}, SUBMISSION, {
        title: XSS_TITLE, place: XSS_PLACE,
        summary: '<img src=x onerror="console.log(\'XSS-RAN\')">',
        content_html: '<p>本文</p><img src=x onerror="console.log(\'XSS-RAN\')"><script>console.log("XSS-RAN")</script>'
      }));
    const late = await api(base, group, 'POST', '/postings',
      Object.assign({}, SUBMISSION, { title: '図書館の読み聞かせ' }));

    browser = await pw.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 60_000
    });
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo',
      viewport: { width: 1100, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const dialogs = [];
    const consoleLines = [];
    const pageErrors = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('console', (m) => consoleLines.push(m.type() + ': ' + m.text()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    // The headers of the page itself.
    const response = await page.goto(base + '/admin/');
    const headers = response.headers();
    check(headers['content-security-policy'] ===
      "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; " +
      "base-uri 'none'; frame-ancestors 'none'; form-action 'self'", 'strict CSP on /admin/');
    check(headers['x-content-type-options'] === 'nosniff', 'nosniff');
    check(headers['referrer-policy'] === 'no-referrer', 'no referrer');

    // --- a coordinator, by keyboard ---
    const signIn = async (tok) => {
      await page.getByLabel('トークン').focus();
      await page.keyboard.type(tok);
      await page.keyboard.press('Enter');
    };
    await page.getByLabel('トークン').focus();
    await page.keyboard.press('Enter');
    check(await page.locator('#token-error').textContent() === 'トークンを入力してください。',
      'an empty token is refused next to the field');
    await signIn('tsu_nope_nope');
    await page.locator('#token-error').filter({ hasText: 'トークン' }).waitFor();
    check((await page.locator('#token').getAttribute('aria-invalid')) === 'true',
      'a wrong token marks the field invalid');
    await page.getByLabel('トークン').fill('');
    await signIn(center);
    await page.getByRole('heading', { name: /承認待ちの投稿/ }).waitFor();
    await page.locator('#queue li.card').nth(2).waitFor();
    check(await page.locator('#who-text').textContent() === 'kariya-center・コーディネーター',
      'who is signed in');
    check(await page.evaluate(() => sessionStorage.getItem('tsunagu.token') !== null &&
      document.cookie === ''), 'the token is in sessionStorage, no cookie');
    const card = (id) => page.locator('#queue li.card[data-id="' + id + '"]');
    check((await card(park.id).locator('h3').textContent()) === '公園清掃ボランティア',
      'the queue shows the posting as it will be published');
    check((await card(park.id).textContent()).includes('2026年9月12日（土） 9:00〜11:00'),
      'dates in Japan time');
    check(await card(park.id).locator('.content strong').textContent() === '9時',
      'published HTML is shown with its allowed markup');
    check((await card(xss.id).locator('h3').textContent()) === XSS_TITLE,
      'a <script> title shows as text');
    check((await card(xss.id).textContent()).includes(XSS_PLACE),
      'an "><img onerror> place shows as text');
    check(await card(xss.id).locator('img, script').count() === 0,
      'no element comes from posting text');
    await page.screenshot({ path: path.join(SHOTS, '01-coordinator-queue.png'), fullPage: true });

    // Approve: it is in the feed at once.
    await card(park.id).getByRole('button', { name: '承認して公開' }).click();
    await page.locator('#status').filter({ hasText: '承認しました' }).waitFor();
    check((await feedTitles(base)).includes('公園清掃ボランティア'), 'approval publishes at once');
    check(await card(park.id).count() === 0, 'the approved posting leaves the queue');

    // Edit before deciding: the preview shows the change, still pending.
    await card(xss.id).getByRole('button', { name: '編集…' }).click();
    check(await page.getByLabel('タイトル').evaluate((el) => el === document.activeElement),
      'focus moves into the edit form');
    await page.getByLabel('住所').fill('刈谷市 逢妻町');
    await card(xss.id).getByRole('button', { name: '変更を保存' }).click();
    await page.locator('#status').filter({ hasText: '変更しました' }).waitFor();
    check((await card(xss.id).textContent()).includes('刈谷市 逢妻町'),
      'a coordinator edits before deciding; the preview shows it');
    check(!(await feedTitles(base)).includes(XSS_TITLE), 'an edited posting still waits');

    // Reject: a reason is required, shown next to its field.
    await card(xss.id).getByRole('button', { name: '却下…' }).click();
    const reason = page.getByLabel('却下の理由');
    check(await reason.evaluate((el) => el === document.activeElement), 'focus moves to the reason');
    await card(xss.id).getByRole('button', { name: '却下する' }).click();
    check((await page.locator('#reject-' + xss.id + '-error').textContent()) === '却下の理由を入力してください。',
      'an empty reason is refused next to the field');
    await reason.fill(XSS_REASON);
    await page.screenshot({ path: path.join(SHOTS, '02-coordinator-reject.png'), fullPage: true });
    await card(xss.id).getByRole('button', { name: '却下する' }).click();
    await page.locator('#status').filter({ hasText: '却下しました' }).waitFor();

    // Another coordinator decides first: this one is told, not overruled.
    await api(base, shakyo, 'POST', '/postings/' + late.id + '/reject', { reason: '日程未定のため' });
    await card(late.id).getByRole('button', { name: '承認して公開' }).click();
    await page.locator('#status').filter({ hasText: 'すでに' }).waitFor();
    check((await page.locator('#status').textContent()).includes('kariya-shakyo'),
      'a later decision is told who decided first (409)');
    check(!(await feedTitles(base)).includes('図書館の読み聞かせ'), 'the first decision stands');
    await page.locator('#audit tbody tr').nth(2).waitFor();
    check((await page.locator('#audit tbody').textContent()).includes('支援センター 佐藤'),
      'the audit trail names the coordinator');
    await page.screenshot({ path: path.join(SHOTS, '03-coordinator-after.png'), fullPage: true });

    // --- a group ---
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    await signIn(group);
    await page.getByRole('heading', { name: '新しい投稿' }).waitFor();
    await page.locator('#mine li.card').nth(2).waitFor();

    // The rejection and its reason, as text.
    const rejected = page.locator('#mine li.card[data-id="' + xss.id + '"]');
    check((await rejected.locator('.badge').textContent()) === '却下', 'the group sees the rejection');
    check((await rejected.locator('.reason').textContent()).includes(XSS_REASON),
      'the reason shows as text');
    check(await rejected.locator('img, script').count() === 0, 'no element comes from the reason');

    // A submission with a validation error, then fixed.
    await page.getByLabel('タイトル').fill('逢妻川クリーン作戦');
    await page.getByLabel('開始日').fill('2026-10-03');
    await page.getByLabel('開始時刻').fill('09:00');
    await page.getByLabel('終了日').fill('2026-10-03');
    await page.getByLabel('終了時刻').fill('11:00');
    await page.getByLabel('申込締切日').fill('2026-10-10');
    await page.getByLabel('場所').fill('逢妻川河川敷');
    await page.getByLabel('地域コード').fill('232107');
    await page.getByRole('button', { name: '投稿する' }).click();
    const deadlineError = page.locator('#new-deadline-error');
    check((await deadlineError.textContent()).startsWith('申込締切は開始より前にしてください'),
      'a deadline after the start is an error next to the field');
    check((await page.getByLabel('申込締切日').getAttribute('aria-invalid')) === 'true' &&
      await page.getByLabel('申込締切日').evaluate((el) => el === document.activeElement),
      'the field is marked and focused');
    await page.screenshot({ path: path.join(SHOTS, '04-group-validation.png'), fullPage: true });

    // The server's field-level 400 lands next to its field too.
    await page.getByLabel('申込締切日').fill('2026-09-26');
    await page.getByRole('button', { name: '投稿する' }).click();
    await page.locator('#new-area-error').filter({ hasText: '232107' }).waitFor();
    check(await deadlineError.textContent() === '', 'the fixed field is clear');
    check((await page.locator('#new-area-error').textContent()).startsWith('地域コードを確認してください'),
      "the server's 400 on area is shown next to the area field");
    await page.screenshot({ path: path.join(SHOTS, '05-group-server-error.png'), fullPage: true });
    await page.getByLabel('地域コード').fill('232106');
    await page.getByRole('button', { name: '投稿する' }).click();
    await page.locator('#status').filter({ hasText: '投稿しました' }).waitFor();
    const mine = await api(base, group, 'GET', '/postings');
    const fixed = mine.postings.find((p) => p.title === '逢妻川クリーン作戦');
    check(fixed && fixed.moderation === 'pending' && fixed.deadline === '2026-09-26' &&
      fixed.start === '2026-10-03T09:00:00+09:00' && fixed.area === '232106',
      'the fixed submission is stored, pending');
    await page.locator('#mine li.card', { hasText: '逢妻川クリーン作戦' }).waitFor();

    // Resubmit the rejected one after fixing it.
    await rejected.getByRole('button', { name: '修正して再申請…' }).click();
    check((await page.getByLabel('タイトル').inputValue()) === XSS_TITLE, 'the form is filled for the fix');
    await page.getByLabel('タイトル').fill('河川敷の清掃（修正版）');
    await page.getByRole('button', { name: '修正して再申請', exact: true }).click();
    await page.locator('#status').filter({ hasText: 'もう一度承認を待っています' }).waitFor();
    const again = await api(base, group, 'GET', '/postings/' + xss.id);
    check(again.moderation === 'pending' && again.title === '河川敷の清掃（修正版）',
      'a fixed rejection waits again');
    await page.screenshot({ path: path.join(SHOTS, '06-group-postings.png'), fullPage: true });

    // On a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.evaluate(() => window.scrollTo(0, 0));
    check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'no sideways scrolling on a phone');
    await page.screenshot({ path: path.join(SHOTS, '07-group-phone.png'), fullPage: true });

    // Nothing ran, nothing was blocked.
    check(dialogs.length === 0, 'no dialog opened');
    check(!consoleLines.some((l) => l.includes('XSS-RAN')), 'no injected script ran');
    check(await page.evaluate(() => window.__xssRan === undefined), 'no injected handler ran');
    check(!consoleLines.some((l) => /Content Security Policy/i.test(l)),
      'the pages never hit the CSP');
    check(pageErrors.length === 0, 'no script errors: ' + pageErrors.join(' | '));
    if (failed) console.log('console:\n' + consoleLines.join('\n'));
  } finally {
    if (browser) await browser.close();
    const code = await stopDaemon(proc);
    check(code === 0, 'tsunagud exits 0 on SIGTERM');
    if (failed) console.log(fs.readFileSync(path.join(dir, 'tsunagud.log'), 'utf8'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('screenshots: ' + SHOTS);
  console.log(passed + ' passed, ' + failed + ' failed');
  return failed ? 1 : 0;
}

const watchdog = setTimeout(() => {
  console.log('timed out after ' + DEADLINE_MS / 1000 + ' s');
  if (daemonProc && daemonProc.exitCode === null) daemonProc.kill('SIGKILL');
  process.exit(1);
}, DEADLINE_MS);

main().then((code) => {
  clearTimeout(watchdog);
  process.exit(code);
}, (e) => {
  clearTimeout(watchdog);
  console.log('error: ' + (e && e.stack ? e.stack : e));
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  process.exit(1);
});
