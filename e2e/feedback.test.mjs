// Journey: a whole 360. A subject invites six raters (their line manager, two peers, two people
// who report to them, and someone outside goldthread by a single-use link), rates themself, and
// everyone answers; the subject closes the 360 and reads the report, where the two peers are
// folded into "others" (fewer than three were invited) and the manager's answers are shown as the
// manager's, then adds a recommended resource to their plan. Every page passes axe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, visit, submit, signIn, h1, journey, setField, ADMIN } from './harness.mjs';

const PASSWORD = 'e2e-feedback-password-0451';
const DOMAIN = 'riverside.nhs.uk';
const at = (who) => `${who}@${DOMAIN}`;
const OUTSIDER = 'partner@elsewhere.example.org';

const ORGANISATIONS = `code,name,kind,sector,ownership,email_domains
RVR,Riverside Trust,nhs-trust,health,public,${DOMAIN}
`;

const PEOPLE = `first_name,last_name,email,organisation,line_manager_email,level
Mona,Manager,${at('mona')},RVR,,band-8b
Sam,Subject,${at('sam')},RVR,${at('mona')},band-7
Pat,Peer,${at('pat')},RVR,${at('mona')},band-7
Priya,Peer,${at('priya')},RVR,${at('mona')},band-7
Ray,Report,${at('ray')},RVR,${at('sam')},band-5
Rosa,Report,${at('rosa')},RVR,${at('sam')},band-5
`;

const RESOURCES = `title,summary,kind,url,estimated_minutes,behaviours
Listening with care in practice,"A short film on giving people your whole attention, for team leaders.",video,https://example.org/listening,12,leadership-way:listening-with-care;leadership-way:helping-practically;leadership-way:welcoming-difference;leadership-way:asking-questions
`;

/** Checks, for every behaviour on the form, the point of the scale whose value is `value`, and
 * for every domain the importance `importance`. */
async function rateAll(page, value, importance) {
  await page.evaluate(
    ([v, i]) => {
      const names = new Set([...document.querySelectorAll('main input[type=radio]')].map((r) => r.name));
      for (const name of names) {
        const want = name.startsWith('i.') ? i : v;
        const input = document.querySelector(`main input[name="${CSS.escape(name)}"][value="${want}"]`);
        if (input) input.checked = true;
      }
    },
    [String(value), String(importance)],
  );
}

async function signOut(page, app) {
  await submit(page, page.getByRole('button', { name: 'Sign out' }));
}

test('a whole 360: invitations, answers, the report and the plan', { timeout: 300_000 }, async () => {
  const app = await startApp();
  await app.cli(['import', 'organisations', app.file('organisations.csv', ORGANISATIONS)]);
  await app.cli(['import', 'people', app.file('people.csv', PEOPLE)]);
  await app.cli(['import', 'resources', app.file('resources.csv', RESOURCES)]);
  for (const who of ['mona', 'sam', 'pat', 'priya', 'ray', 'rosa']) {
    await app.cli(['admin', 'create-user', '--email', at(who), '--role', 'learner'], { input: `${PASSWORD}\n` });
  }
  const browser = await openBrowser();
  const { page } = browser;
  const main = page.locator('main');
  try {
    await journey('feedback-360', app, page, async () => {
      // The subject starts a 360 against the leadership way.
      await signIn(page, app, at('sam'), PASSWORD);
      await visit(page, app, '/feedback');
      assert.equal(await h1(page), '360° feedback');
      await setField(page, 'framework', 'leadership-way');
      await submit(page, main.getByRole('button', { name: 'Start a 360' }));
      assert.equal(await h1(page), '360° feedback for Sam Subject');
      const feedbackPath = new URL(page.url()).pathname;

      // Inviting themself is refused with an error summary.
      await page.locator('main input[name="group"][value="peer"]').check();
      await setField(page, 'email', at('sam'));
      await submit(page, main.getByRole('button', { name: 'Invite', exact: true }));
      assert.match(await page.locator('.nhsuk-error-summary').innerText(), /cannot invite the person the 360 is about/);

      // Six raters: the manager, two peers, two reports and an outsider.
      const raters = [
        ['line-manager', at('mona')],
        ['peer', at('pat')],
        ['peer', at('priya')],
        ['direct-report', at('ray')],
        ['direct-report', at('rosa')],
        ['other', OUTSIDER],
      ];
      for (const [group, email] of raters) {
        await page.locator(`main input[name="group"][value="${group}"]`).check();
        await setField(page, 'email', email);
        await submit(page, main.getByRole('button', { name: 'Invite', exact: true }));
        assert.match(await main.innerText(), new RegExp(`${email.replace(/[.]/g, '\\.')} has been invited`));
      }
      assert.match(await main.innerText(), /Raters invited\s+6/);

      // The subject rates themself: 4 on every behaviour.
      await submit(page, main.getByRole('link', { name: 'Rate yourself' }));
      assert.equal(await h1(page), 'Rate yourself for your 360');
      await rateAll(page, 4, 3);
      await submit(page, main.getByRole('button', { name: 'Send your feedback' }));
      assert.equal(await h1(page), 'Thank you: your feedback has been sent');
      await signOut(page, app);

      // Each rater in goldthread answers through the link in their email.
      const answers = [
        [at('mona'), 2],
        [at('pat'), 3],
        [at('priya'), 3],
        [at('ray'), 5],
        [at('rosa'), 5],
      ];
      for (const [email, value] of answers) {
        const mail = await app.smtp.waitForMail(email, { timeout: 15_000 });
        const link = /https?:\/\/[^\s"<>]+\/feedback\/invitations\/[0-9a-f-]+/.exec(mail.text)?.[0];
        assert.ok(link, `the invitation to ${email} has a link; it reads:\n${mail.text}`);
        if (email === at('mona')) assert.match(mail.text, /not anonymous/, 'the manager is told');
        await signIn(page, app, email, PASSWORD);
        await visit(page, app, link);
        assert.equal(await h1(page), 'Feedback for Sam Subject');
        await rateAll(page, value, 4);
        await setField(page, 'comment', `Keep going, from a ${value}`);
        await submit(page, main.getByRole('button', { name: 'Send your feedback' }));
        assert.equal(await h1(page), 'Thank you: your feedback has been sent');
        await signOut(page, app);
      }

      // The outsider answers through their single-use link, without an account.
      const mail = await app.smtp.waitForMail(OUTSIDER, { timeout: 15_000 });
      const link = /https?:\/\/[^\s"<>]+\/rate\/[^\s"<>]+/.exec(mail.text)?.[0];
      assert.ok(link, `the outsider's invitation has a link; it reads:\n${mail.text}`);
      await visit(page, app, link);
      assert.equal(await h1(page), 'Feedback for Sam Subject');
      await rateAll(page, 3, 2);
      await submit(page, main.getByRole('button', { name: 'Send your feedback' }));
      assert.equal(await h1(page), 'Thank you: your feedback has been sent');
      await visit(page, app, link);
      assert.equal(await h1(page), 'This feedback has already been given', 'the link works once');

      // The subject closes the 360 and reads the report.
      await signIn(page, app, at('sam'), PASSWORD);
      await visit(page, app, feedbackPath);
      await submit(page, main.getByRole('button', { name: 'Close and release the report' }));
      await submit(page, main.getByRole('link', { name: 'Read the report' }));
      assert.equal(await h1(page), '360° report for Sam Subject');
      const pools = await main.locator('table').first().innerText();
      assert.doesNotMatch(pools, /Peers/, 'two peers are not a group of their own');
      assert.match(pools, /Others\s+5\s+5/, 'they are folded into others with the reports and the outsider');
      assert.match(pools, /Line manager\s+1\s+1/);
      const byDomain = await main.locator('table').nth(1).innerText();
      assert.match(byDomain, /Self\s+Line manager\s+Others\s+All raters/);
      assert.match(byDomain, /Compassion\s+4\.0\s+2\.0\s+3\.8/, "the manager's answers are the manager's");
      assert.ok(await main.locator('svg[role="img"]').count() >= 3, 'radar, gaps and importance are drawn');

      // A recommended resource goes into the plan.
      const recommended = main.locator('.nhsuk-card').filter({ hasText: 'Listening with care in practice' });
      assert.equal(await recommended.count(), 1, 'the tagged resource is recommended');
      await submit(page, recommended.getByRole('button', { name: /Add to your plan/ }));
      assert.equal(await h1(page), 'Your development plan');
      assert.match(await main.innerText(), /"Listening with care in practice" was added to your plan/);
      assert.match(await main.locator('table').first().innerText(), /Listening with care in practice[\s\S]*Open/);
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});

const BROKEN_FRAMEWORK = `id: our-values
name: Our values
version: "1"
publisher: Riverside Trust
scale:
  - { value: 1, label: Rarely }
  - { value: 2, label: Often }
domains:
  - id: care
    name: Care
    behaviours:
      - { id: listening, name: Listening, question: Do I listen? }
      - { id: listening, name: Listening again, question: Do I listen again? }
`;

test('frameworks, self-assessment and the team heatmap', { timeout: 300_000 }, async () => {
  const app = await startApp();
  await app.cli(['import', 'organisations', app.file('organisations.csv', ORGANISATIONS)]);
  await app.cli(['import', 'people', app.file('people.csv', PEOPLE)]);
  for (const who of ['mona', 'pat', 'priya', 'sam']) {
    await app.cli(['admin', 'create-user', '--email', at(who), '--role', 'learner'], { input: `${PASSWORD}\n` });
  }
  const browser = await openBrowser();
  const { page } = browser;
  const main = page.locator('main');
  try {
    await journey('frameworks-and-self-assessment', app, page, async () => {
      // An admin reads the frameworks and imports a broken file: the field is named, nothing is imported.
      await signIn(page, app, ADMIN.email, ADMIN.password);
      await visit(page, app, '/frameworks');
      assert.equal(await h1(page), 'Leadership frameworks');
      await submit(page, main.getByRole('link', { name: 'Healthcare leadership', exact: false }).first());
      assert.match(await main.innerText(), /Exemplary/);
      await visit(page, app, '/frameworks/import');
      await page.locator('main input[type="radio"][name="kind"][value="framework"]').check();
      await page.locator('main input[type="file"][name="file"]').setInputFiles(app.file('values.yaml', BROKEN_FRAMEWORK));
      await submit(page, main.getByRole('button', { name: 'Import file' }));
      assert.match(await page.locator('.nhsuk-error-summary').innerText(), /domains\[0\]\.behaviours\[1\]\.id: duplicated behaviour id/);
      await visit(page, app, '/frameworks');
      assert.doesNotMatch(await main.innerText(), /Our values/, 'nothing was imported');
      await signOut(page, app);

      // Three of Mona's team assess themselves: saved once, then finished.
      for (const [who, value] of [['pat', 2], ['priya', 3], ['sam', 4]]) {
        await signIn(page, app, at(who), PASSWORD);
        await visit(page, app, '/assessments');
        await setField(page, 'framework', 'four-way-focus');
        await submit(page, main.getByRole('button', { name: 'Start' }));
        assert.match(await h1(page), /Assess yourself: /);
        await submit(page, main.getByRole('button', { name: 'Finish' }));
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Rate every behaviour before you finish/);
        await rateAll(page, value, 3);
        await submit(page, main.getByRole('button', { name: 'Finish' }));
        assert.match(await h1(page), /Self-assessment: /);
        assert.match(await main.innerText(), /first finished assessment/);
        await visit(page, app, '/plan');
        assert.equal(await h1(page), 'Your development plan');
        await signOut(page, app);
      }

      // Their manager sees the team only in aggregate.
      await signIn(page, app, at('mona'), PASSWORD);
      await visit(page, app, '/plan');
      await submit(page, main.getByRole('link', { name: 'Your team against a framework' }));
      await setField(page, 'framework', 'four-way-focus');
      await submit(page, main.getByRole('button', { name: 'Show' }));
      assert.equal(await h1(page), 'Your team against a framework');
      const text = await main.innerText();
      assert.match(text, /3 of your team have finished/);
      assert.match(text, /Knowing myself\s+3\.0\s+3/, 'the average over three people');
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
