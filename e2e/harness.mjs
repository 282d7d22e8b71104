// The browser journeys' harness: a goldthread server on a fresh SQLite file with a mail catcher
// in front of its SMTP, Debian's chromium driven by playwright-core, and an axe-core check of
// every page a journey sees.
//
//   const app = await startApp();          // server, mail catcher, temp dir, a system admin
//   const { page, close } = await openBrowser();  // or openBrowser({ javaScriptEnabled: false })
//   await visit(page, app, '/sign-in');     // navigate, then check the page with axe
//   await submit(page, page.getByRole('button', { name: 'Sign in' }));  // click, wait, check
//   await close(); await app.stop();
//
// GOLDTHREAD_BIN names the binary (default target/debug/goldthread, or under CARGO_TARGET_DIR);
// CHROMIUM the browser (default /usr/bin/chromium). When a journey fails, the page's HTML and a
// screenshot and the server's log are kept in e2e/test-results/.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, existsSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';
import { startSmtp } from './smtp.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BINARY = process.env.GOLDTHREAD_BIN ?? join(resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug', 'goldthread');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const RESULTS = join(ROOT, 'e2e', 'test-results');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export const ADMIN = { email: 'admin@e2e.example.org', password: 'e2e-admin-password-0451', name: 'E2E Admin' };

// Servers still running when the process ends are killed, whatever made it end.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port that was free a moment ago on 127.0.0.1. */
async function freePort() {
  const server = net.createServer();
  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', res);
  });
  const { port } = server.address();
  await new Promise((res) => server.close(res));
  return port;
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** Runs the binary to completion with `input` on standard input. */
function run(args, { input = '', env = {} } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(BINARY, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => {
      if (code === 0) res(stdout);
      else rej(new Error(`goldthread ${args.join(' ')} exited with ${code}\n${stderr}${stdout}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Starts a mail catcher and a goldthread server on a fresh database in a new temp dir, waits for
 * /healthz, and creates the system admin ADMIN.
 */
export async function startApp({ demoPeople = 0 } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: build it with \`cargo build -p goldthread\` first (scripts/test does)`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'goldthread-e2e-'));
  // With demoPeople, the database first holds a generated system; its accounts (description and
  // email, no passwords) are in app.demoAccounts.
  let demoAccounts = [];
  if (demoPeople > 0) {
    const out = await run(['--database', `sqlite://${join(tmp, 'e2e.db')}`, 'demo', '--people', String(demoPeople), '--no-serve']);
    demoAccounts = out
      .split('\n')
      .map((line) => line.match(/^ {2}(.+?)\s+(\S+@\S+)\s*$/))
      .filter(Boolean)
      .map((m) => ({ description: m[1].trim(), email: m[2] }));
  }
  const smtp = await startSmtp();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const database = `sqlite://${join(tmp, 'e2e.db')}`;
  const logPath = join(tmp, 'server.log');
  const logFd = openSync(logPath, 'a');
  const env = { GOLDTHREAD_LOG: process.env.GOLDTHREAD_LOG ?? 'info', NO_COLOR: '1' };
  const server = spawn(
    BINARY,
    ['--database', database, 'serve', '--bind', `127.0.0.1:${port}`, '--base-url', baseUrl, '--smtp-url', `smtp://127.0.0.1:${smtp.port}`],
    { env: { ...process.env, ...env }, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  running.add(server);
  let exited = null;
  server.on('exit', (code, signal) => {
    exited = { code, signal };
    running.delete(server);
  });
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  const app = {
    tmp,
    demoAccounts,
    smtp,
    baseUrl,
    database,
    logPath,
    log,
    /** An absolute URL for a path on the server. */
    url: (path) => new URL(path, baseUrl).href,
    /** Runs the binary against this server's database, e.g. ['admin', 'create-user', ...]. */
    cli: (args, options) => run(['--database', database, ...args], options),
    /** Writes a file into the temp dir and returns its path. */
    file(name, content) {
      const path = join(tmp, name);
      writeFileSync(path, content);
      return path;
    },
    async stop() {
      if (exited === null) {
        server.kill('SIGTERM');
        for (let i = 0; i < 100 && exited === null; i++) await sleep(50);
        if (exited === null) server.kill('SIGKILL');
      }
      await smtp.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };

  try {
    const deadline = Date.now() + 60_000;
    let last = 'no answer yet';
    for (;;) {
      if (exited !== null) throw new Error(`the server exited (${exited.code ?? exited.signal}) before answering /healthz`);
      try {
        const response = await fetch(`${baseUrl}/healthz`);
        const body = await response.text();
        if (response.status === 200) break;
        last = `${response.status} ${body.slice(0, 200)}`;
      } catch (e) {
        last = e.cause?.code ?? e.message;
      }
      if (Date.now() > deadline) throw new Error(`GET /healthz did not answer 200 within 60 s (last: ${last})`);
      await sleep(100);
    }
    await app.cli(['admin', 'create-user', '--email', ADMIN.email, '--role', 'system-admin', '--name', ADMIN.name], { input: `${ADMIN.password}\n` });
  } catch (e) {
    const tail = log().split('\n').slice(-40).join('\n');
    await app.stop();
    throw new Error(`${e.message}\n--- server log (last lines) ---\n${tail}`, { cause: e });
  }
  return app;
}

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Launches chromium with a fresh profile in a temp dir: a persistent context. */
async function launch(options) {
  const profile = mkdtempSync(join(tmpdir(), 'goldthread-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: LAUNCH_ARGS,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

const browsers = new WeakMap(); // page -> its state in openBrowser

/**
 * Opens a browser with one page. With `javaScriptEnabled: false` the pages' scripts never run;
 * axe then checks a script-free copy of each page in a second, scripted browser (axe cannot run
 * where scripts are disabled: its timers never fire).
 */
export async function openBrowser({ javaScriptEnabled = true } = {}) {
  const main = await launch({ javaScriptEnabled });
  let checker = null;
  const state = {
    javaScriptEnabled,
    checker: async () => (checker ??= await launch({ javaScriptEnabled: true })),
    navigations: [], // every page the main frame showed, in order
    checked: 0, // how many of them had gone by at the last axe check
    missed: [], // pages shown and left before axe checked them
  };
  main.page.on('framenavigated', (frame) => {
    if (frame === main.page.mainFrame()) state.navigations.push(frame.url());
  });
  browsers.set(main.page, state);
  return {
    context: main.context,
    page: main.page,
    async close() {
      await main.close();
      if (checker) await checker.close();
    },
  };
}

/**
 * Runs axe on the page as it is now and fails with a readable list of violations, if any.
 */
export async function check(page) {
  const info = browsers.get(page) ?? { javaScriptEnabled: true, navigations: [] };
  const url = page.url();
  const seen = info.navigations.length;
  let target = page;
  let note = '';
  if (!info.javaScriptEnabled) {
    // A copy of the page as the browser built it without scripts: scripts removed (they did not
    // run) and <noscript> content kept as the elements it became.
    const html = await page.evaluate(() => {
      const root = document.documentElement.cloneNode(true);
      for (const s of root.querySelectorAll('script')) s.remove();
      for (const n of root.querySelectorAll('noscript')) n.replaceWith(...n.childNodes);
      const doctype = document.doctype ? `<!DOCTYPE ${document.doctype.name}>` : '';
      return doctype + root.outerHTML;
    });
    const { page: copy } = await info.checker();
    const address = url.replace(/#.*$/, '');
    const isPage = (u) => u.href.replace(/#.*$/, '') === address;
    const fulfil = (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    await copy.route(isPage, fulfil, { times: 1 });
    await copy.goto(address, { waitUntil: 'load' });
    await copy.unroute(isPage, fulfil);
    target = copy;
    note = ' (a script-free copy of the page, since JavaScript is disabled)';
  }
  await injectAxe(target);
  const results = await target.evaluate(
    (tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS,
  );
  if (info.missed) info.missed.push(...info.navigations.slice(info.checked, Math.max(info.checked, seen - 1)).filter((u) => u !== 'about:blank'));
  info.checked = seen;
  if (results.violations.length > 0) {
    const title = await page.title().catch(() => '');
    const lines = results.violations.map((v) => {
      const targets = v.nodes.map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`);
      return `  - ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
    });
    throw new Error(`axe found ${results.violations.length} accessibility violation(s) on ${url} "${title}"${note}:\n${lines.join('\n')}`);
  }
  return results;
}

/**
 * Puts axe into the page. The app's Content-Security-Policy refuses inline scripts, as it should,
 * and the browser keeps to it (no bypassCSP); then axe goes in through the DevTools protocol,
 * which the policy does not govern.
 */
async function injectAxe(page) {
  if (await page.evaluate(() => typeof window.axe !== 'undefined')) return;
  try {
    await page.addScriptTag({ path: AXE });
  } catch (error) {
    if (!/Content Security Policy/i.test(error.message)) throw error;
    await page.evaluate(readFileSync(AXE, 'utf8'));
  }
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    throw new Error(`axe-core could not be put into ${page.url()}`);
  }
}

/** Goes to a path (or absolute URL) on the app and checks the page. Returns the response. */
export async function visit(page, app, path) {
  const response = await page.goto(app.url(path), { waitUntil: 'load' });
  await check(page);
  return response;
}

/**
 * Clicks `locator` (a submit button or a link), waits for the navigation it starts and checks the
 * new page. Returns the response of the navigation.
 */
export async function submit(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  await check(page);
  return response;
}

/** The page's h1 text, trimmed. */
export async function h1(page) {
  return (await page.locator('h1').first().innerText()).trim();
}

/** Signs in through the form; the caller checks where it landed. */
export async function signIn(page, app, email, password) {
  await visit(page, app, '/sign-in');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  return submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
}

/**
 * Runs a journey's body; when it fails, keeps the page (HTML and screenshot) and the server's log
 * in e2e/test-results/NAME/ and adds where to find them, and the log's tail, to the error.
 */
export async function journey(name, app, page, body) {
  try {
    await body();
    const state = page && browsers.get(page);
    if (state) {
      const missed = [...state.missed, ...state.navigations.slice(state.checked)].filter((u) => u !== 'about:blank');
      if (missed.length > 0) {
        throw new Error(`the journey saw pages that axe never checked (use visit or submit, or call check):\n  ${missed.join('\n  ')}`);
      }
    }
  } catch (error) {
    const dir = join(RESULTS, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
    let kept = '';
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'server.log'), app.log());
      if (page && !page.isClosed()) {
        writeFileSync(join(dir, 'page.html'), `<!-- ${page.url()} -->\n${await page.content()}`);
        await page.screenshot({ path: join(dir, 'page.png'), fullPage: true });
      }
      kept = `\n(page and server log kept in ${dir})`;
    } catch (e) {
      kept = `\n(could not keep the page and log: ${e.message})`;
    }
    const at = page && !page.isClosed() ? `\n(the browser was at ${page.url()})` : '';
    const tail = app.log().split('\n').filter(Boolean).slice(-15).join('\n');
    error.message += `${at}${kept}\n--- server log (last lines) ---\n${tail}`;
    throw error;
  }
}

/**
 * Sets the form field named `name` to `value`: types into an input or textarea, or picks the
 * option of a select whose value (or failing that, whose label) is `value`.
 */
export async function setField(page, name, value) {
  const field = page.locator(`main [name="${name}"]`);
  const count = await field.count();
  if (count !== 1) throw new Error(`expected one field named ${name} on ${page.url()}, found ${count}`);
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') {
    const byValue = await field.locator(`option[value="${value}"]`).count();
    await field.selectOption(byValue ? { value } : { label: value });
  } else {
    await field.fill(value);
  }
}
