// Journey: one record. On a generated demo system, an organisation admin issues LRS credentials
// to an e-learning platform; the platform sends a completion about a demo learner; the learner
// finds it on their dashboard waiting for a reflection, adds it to their record in the browser,
// and the entry they recorded comes back from GET /xapi/statements. Every page passes axe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, visit, submit, signIn, h1, journey, setField, ADMIN } from './harness.mjs';

const LEARNER_PASSWORD = 'e2e-learner-password-7715';
const XAPI = { 'X-Experience-API-Version': '1.0.3' };

test('a statement from another system joins the learner\'s record', { timeout: 240_000 }, async () => {
  const app = await startApp({ demoPeople: 2000 });
  const learner = app.demoAccounts.find((a) => a.description.startsWith('Learner'));
  assert.ok(learner, `the demo names a learner: ${JSON.stringify(app.demoAccounts)}`);
  await app.cli(['admin', 'create-user', '--email', learner.email, '--role', 'learner'], { input: `${LEARNER_PASSWORD}\n` });
  const token = (await app.cli(['admin', 'token', '--email', learner.email])).trim().split('\n').pop();
  const me = await (await fetch(app.url('/api/v1/people/me'), { headers: { Authorization: `Bearer ${token}` } })).json();
  const organisation = me.organisation.id;

  const browser = await openBrowser();
  const { page } = browser;
  const main = page.locator('main');
  try {
    await journey('one-record', app, page, async () => {
      // The admin issues credentials that may only send learning records.
      await signIn(page, app, ADMIN.email, ADMIN.password);
      await visit(page, app, `/organisations/${organisation}/lrs-credentials/new`);
      assert.equal(await h1(page), 'Issue LRS credentials');
      await setField(page, 'label', 'National e-learning platform');
      await page.locator('main input[name="access"][value="write"]').check();
      await submit(page, main.getByRole('button', { name: 'Issue credentials' }));
      const issued = await main.innerText();
      const key = issued.match(/Key: (\S+)/)[1];
      const secret = issued.match(/Secret: (\S+)/)[1];
      await visit(page, app, `/organisations/${organisation}/lrs-credentials`);
      assert.match(await main.innerText(), /National e-learning platform/);
      await submit(page, page.getByRole('button', { name: 'Sign out' }));

      // The platform sends a completion about the learner.
      const basic = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
      const sent = await fetch(app.url('/xapi/statements'), {
        method: 'POST',
        headers: { ...XAPI, Authorization: basic, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          actor: { mbox: `mailto:${learner.email}`, objectType: 'Agent' },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-GB': 'completed' } },
          object: {
            id: 'https://elearning.example/courses/safeguarding-adults-3',
            definition: { name: { 'en-GB': 'Safeguarding adults level 3' } },
          },
          result: { completion: true, duration: 'PT1H30M' },
        }),
      });
      assert.equal(sent.status, 200, await sent.text());
      const readBack = await fetch(app.url('/xapi/statements'), { headers: { ...XAPI, Authorization: basic } });
      assert.equal(readBack.status, 403, 'a write-only credential cannot read');

      // The learner finds it waiting and adds it with a reflection.
      await signIn(page, app, learner.email, LEARNER_PASSWORD);
      await visit(page, app, '/dashboard');
      let text = await main.innerText();
      assert.match(text, /From other systems, waiting for your reflection/);
      assert.match(text, /Safeguarding adults level 3.*90 minutes/);
      await submit(page, main.getByRole('link', { name: 'Add Safeguarding adults level 3 to your record' }));
      assert.equal(await page.locator('main input[name="title"]').inputValue(), 'Safeguarding adults level 3');
      assert.equal(await page.locator('main input[name="hours"]').inputValue(), '1');
      await setField(page, 'learned', 'When a concern must go to the safeguarding lead the same day.');
      await setField(page, 'apply', 'I will brief the night team on the escalation route.');
      await page.locator('main input[name="kind"][value="formal"]').check();
      await submit(page, main.getByRole('button', { name: 'Save entry' }));
      const entryPath = new URL(page.url()).pathname;
      assert.match(entryPath, /^\/record\/[0-9a-f-]{36}$/);
      await visit(page, app, '/dashboard');
      text = await main.innerText();
      assert.doesNotMatch(text, /waiting for your reflection/, 'once added it no longer waits');

      // The entry recorded in the browser is a statement in the Learning Record Store.
      const agent = encodeURIComponent(JSON.stringify({ mbox: `mailto:${learner.email}` }));
      const got = await fetch(app.url(`/xapi/statements?agent=${agent}&limit=50`), {
        headers: { ...XAPI, Authorization: `Bearer ${token}` },
      });
      assert.equal(got.status, 200);
      const entryId = entryPath.split('/').pop();
      const statements = (await got.json()).statements;
      const mine = statements.find((s) => s.context?.extensions?.['urn:goldthread:xapi:entry'] === entryId);
      assert.ok(mine, `the entry's statement is returned: ${JSON.stringify(statements.map((s) => s.object.id))}`);
      assert.equal(mine.object.definition.name['en-GB'], 'Safeguarding adults level 3');
      assert.match(mine.result.response, /safeguarding lead the same day/);
      assert.equal(mine.result.duration, 'PT90M');
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
