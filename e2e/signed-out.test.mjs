// Journey 3: someone not signed in is sent to sign in, and a page that does not exist is an
// NHS-styled 404 that passes the accessibility check like every other page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openBrowser, visit, h1, journey } from './harness.mjs';

test('signed out: the profile asks to sign in; an unknown page is an NHS-styled 404', { timeout: 120_000 }, async () => {
  const app = await startApp();
  const browser = await openBrowser();
  const { page } = browser;

  try {
    await journey('signed-out', app, page, async () => {
      await visit(page, app, '/profile');
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'the profile redirects to /sign-in');
      assert.equal(await page.locator('main input[name="email"]').count(), 1, 'the sign-in form is shown');
      assert.equal(await page.locator('main input[name="password"]').count(), 1);

      const response = await visit(page, app, '/no-such-page');
      assert.equal(response.status(), 404);
      assert.ok((await h1(page)).length > 0, 'the 404 page has a heading');
      assert.equal(await page.locator('header.nhsuk-header').count(), 1, 'the 404 page has the NHS.UK header');
      assert.equal(await page.locator('footer.nhsuk-footer').count(), 1, 'the 404 page has the NHS.UK footer');
      const styled = await page.evaluate(() => ({
        font: getComputedStyle(document.body).fontFamily,
        header: getComputedStyle(document.querySelector('header.nhsuk-header')).backgroundColor,
      }));
      assert.match(styled.font, /Frutiger/i, `the NHS.UK stylesheet is applied (body font is ${styled.font})`);
      assert.equal(styled.header, 'rgb(0, 94, 184)', 'the header is NHS blue');
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
