// Journey 1: a person creates an account, confirms their email address from the mail they get,
// signs in, edits their profile (through a validation error) and signs out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, visit, submit, setField, h1, journey } from './harness.mjs';

test('sign up, confirm the email, sign in, edit the profile, sign out', { timeout: 180_000 }, async () => {
  const app = await startApp();
  const browser = await openBrowser();
  const { page } = browser;
  const main = page.locator('main');
  const person = { name: 'Grace Hopper', email: 'grace.hopper@e2e.example.org', password: 'correct horse battery 1906' };

  try {
    await journey('account', app, page, async () => {
      // Sign up.
      await visit(page, app, '/sign-up');
      await setField(page, 'name', person.name);
      await setField(page, 'email', person.email);
      await setField(page, 'password', person.password);
      await submit(page, main.getByRole('button', { name: 'Create account' }));
      assert.equal(await h1(page), 'Check your email');

      // Confirm the address with the link in the mail.
      const mail = await app.smtp.waitForMail(person.email, { timeout: 15_000 });
      const link = /https?:\/\/[^\s"<>]+\/confirm-email\?token=[^\s"<>]+/.exec(mail.text)?.[0];
      assert.ok(link, `the confirmation mail's text has a confirm-email link; it reads:\n${mail.text}`);
      assert.ok(link.startsWith(`${app.baseUrl}/confirm-email?token=`), `the link ${link} starts with the --base-url ${app.baseUrl}`);
      await visit(page, app, link);
      await submit(page, main.getByRole('button', { name: 'Confirm email address' }));
      assert.equal(await h1(page), 'Email address confirmed');
      await submit(page, main.getByRole('link', { name: 'Sign in' }));
      assert.equal(new URL(page.url()).pathname, '/sign-in');

      // A wrong password is refused with an error summary.
      await setField(page, 'email', person.email);
      await setField(page, 'password', 'not the password at all');
      await submit(page, main.getByRole('button', { name: 'Sign in' }));
      assert.equal(await page.locator('.nhsuk-error-summary').count(), 1, 'a wrong password shows an error summary');
      assert.notEqual(new URL(page.url()).pathname, '/', 'a wrong password does not sign in');

      // The right one signs in and lands on the home page.
      await setField(page, 'email', person.email);
      await setField(page, 'password', person.password);
      await submit(page, main.getByRole('button', { name: 'Sign in' }));
      assert.equal(new URL(page.url()).pathname, '/', 'signing in goes to the home page');
      assert.match(await h1(page), new RegExp(person.name), 'the home page greets the person by name');
      const header = page.locator('header');
      assert.equal(await header.getByRole('link', { name: 'Home', exact: true }).count(), 1, 'the header links to Home');
      assert.equal(await header.getByRole('link', { name: 'Import', exact: true }).count(), 0, 'a learner has no Import link');

      // The profile, and editing it.
      await submit(page, header.getByRole('link', { name: 'My profile', exact: true }));
      assert.equal(new URL(page.url()).pathname, '/profile');
      assert.equal(await h1(page), 'Your profile');
      await submit(page, main.getByRole('link', { name: 'Edit your profile' }));
      assert.equal(new URL(page.url()).pathname, '/profile/edit');

      // An empty name is an error, in the summary and beside the field.
      await setField(page, 'name', '');
      await submit(page, main.getByRole('button', { name: 'Save changes' }));
      const summary = page.locator('.nhsuk-error-summary');
      assert.equal(await summary.count(), 1, 'an empty name shows an error summary');
      assert.match(await summary.innerText(), /Enter your name/);
      const fieldError = page.locator('.nhsuk-form-group--error .nhsuk-error-message', { hasText: 'Enter your name' });
      assert.equal(await fieldError.count(), 1, 'the name field shows "Enter your name" beside it');

      // A valid change is saved and shown.
      const changed = { name: 'Grace Brewster Hopper', job_title: 'Ward manager', profession: 'Nursing', level: 'band-7' };
      await setField(page, 'name', changed.name);
      await setField(page, 'job_title', changed.job_title);
      await setField(page, 'profession', changed.profession);
      await setField(page, 'level', changed.level);
      const levelLabel = (await page.locator(`select[name="level"] option[value="${changed.level}"]`).innerText()).trim();
      await submit(page, main.getByRole('button', { name: 'Save changes' }));
      assert.equal(new URL(page.url()).pathname, '/profile', 'saving goes back to the profile');
      const profile = await main.innerText();
      assert.match(profile, /Your profile has been updated/);
      for (const value of [changed.name, changed.job_title, changed.profession, levelLabel]) {
        assert.ok(profile.includes(value), `the profile shows ${JSON.stringify(value)}; it reads:\n${profile}`);
      }

      // Sign out.
      await submit(page, header.getByRole('button', { name: 'Sign out' }));
      assert.equal(await page.locator('header').getByRole('button', { name: 'Sign out' }).count(), 0, 'after signing out there is no Sign out button');
      await visit(page, app, '/profile');
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'after signing out the profile asks to sign in');
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
