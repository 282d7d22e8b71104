// Journey: "Record your learning" waits for the server's timer. A catalogue manager adds a
// 1-minute resource; the learner opens it, finds recording unavailable (with how long is left),
// is refused when forcing the request early, waits, records with a reflection, and sees the entry
// and their 70:20:10 balance on the dashboard. Every page passes axe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, visit, submit, signIn, h1, journey, setField, ADMIN } from './harness.mjs';

test('recording a resource waits for its estimated time', { timeout: 240_000 }, async () => {
  const app = await startApp();
  const browser = await openBrowser();
  const { page } = browser;
  const main = page.locator('main');
  try {
    await journey('record-your-learning', app, page, async () => {
      await signIn(page, app, ADMIN.email, ADMIN.password);

      // The admin adds a resource that takes one minute.
      await visit(page, app, '/learning/resources/new');
      await setField(page, 'title', 'Compassionate leadership in a minute');
      await setField(page, 'summary', 'A one-minute film on leading with compassion in health and care.');
      await setField(page, 'kind', 'video');
      await setField(page, 'minutes', '1');
      await setField(page, 'behaviours', 'compassion');
      await submit(page, main.getByRole('button', { name: 'Save resource' }));
      assert.equal(await h1(page), 'Compassionate leadership in a minute');
      const resourcePath = new URL(page.url()).pathname;
      assert.match(await main.innerText(), /Open the resource first/);

      // Opening it starts the timer; recording is not yet available, and the page says how long.
      await submit(page, main.getByRole('button', { name: 'Open this resource' }));
      assert.equal(new URL(page.url()).pathname, resourcePath);
      assert.match(await main.innerText(), /till you can record this learning activity/);
      assert.equal(await main.getByRole('button', { name: 'Record your learning' }).count(), 0);

      // Forcing the request early is refused by the server, and nothing is recorded.
      const csrf = await page.locator('main input[name="csrf"]').first().inputValue();
      const early = await page.request.post(app.url(`${resourcePath}/record`), {
        form: { csrf, learned: 'Forced early', kind: 'formal' },
        maxRedirects: 0,
      });
      assert.equal(early.status(), 409, 'an early record is refused');
      assert.match(await early.text(), /till you can record this learning activity/);

      // Wait out the minute, then record with a reflection.
      await page.waitForTimeout(61_000);
      await visit(page, app, resourcePath);
      await submit(page, main.getByRole('button', { name: 'Record your learning' }));
      assert.equal(await h1(page), 'Record your learning');
      await submit(page, main.getByRole('button', { name: 'Record learning' }));
      assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Write what you learned/, 'a record needs a reflection');
      await setField(page, 'learned', 'Compassion starts with attending to the person in front of you.');
      await setField(page, 'apply', 'I will open team huddles by asking how people are.');
      await page.locator('main input[name="kind"][value="formal"]').check();
      await submit(page, main.getByRole('button', { name: 'Record learning' }));
      assert.equal(await h1(page), 'Compassionate leadership in a minute');
      assert.match(await main.innerText(), /Your learning has been recorded/);
      assert.match(await main.innerText(), /attending to the person in front of you/);

      // The dashboard shows it: the chart and its table, and the entry.
      await visit(page, app, '/dashboard');
      assert.equal(await h1(page), 'My development');
      assert.ok(await page.locator('main svg[role="img"]').count() >= 2, 'the charts are drawn');
      const text = await main.innerText();
      assert.match(text, /Formal learning\s+[\d.]+\s+100%\s+10%/, 'the balance table shows all of it as formal');
      assert.match(text, /Compassionate leadership in a minute/);
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
